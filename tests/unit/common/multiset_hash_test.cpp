// MultisetHash: order-independent, exactly reversible, and its state survives hex.
#include "common/multiset_hash.h"

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace goldset {
namespace {

TEST(MultisetHashTest, EmptyIsTheHashOfAZeroSum) {
  EXPECT_EQ(MultisetHash().Digest(), Sha256Hex(std::string(256, '\0')));
  EXPECT_EQ(MultisetHash().Hex(), std::string(512, '0'));
}

TEST(MultisetHashTest, OrderDoesNotMatterAndMultiplicityDoes) {
  MultisetHash a, b, twice;
  for (const char* e : {"x", "y", "z"}) a.Add(e);
  for (const char* e : {"z", "x", "y"}) b.Add(e);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Digest(), b.Digest());
  twice.Add("x");
  twice.Add("x");
  MultisetHash once;
  once.Add("x");
  EXPECT_NE(twice.Digest(), once.Digest());
  EXPECT_NE(twice.Digest(), MultisetHash().Digest()) << "equal elements do not cancel";
}

TEST(MultisetHashTest, RemoveUndoesAddEvenThroughZero) {
  MultisetHash h;
  h.Remove("never added");  // wraps below zero: every limb borrows
  h.Add("never added");
  EXPECT_EQ(h, MultisetHash());
  MultisetHash set;
  for (int i = 0; i < 100; ++i) set.Add("item " + std::to_string(i));
  MultisetHash fewer = set;
  fewer.Remove("item 42");
  fewer.Add("item 42 changed");
  fewer.Remove("item 42 changed");
  fewer.Add("item 42");
  EXPECT_EQ(fewer, set);
}

TEST(MultisetHashTest, HexRoundTripsAndBadStatesAreRefused) {
  MultisetHash h;
  h.Add("a");
  h.Add("b");
  auto back = MultisetHash::FromHex(h.Hex());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, h);
  EXPECT_FALSE(MultisetHash::FromHex("00").ok());
  EXPECT_FALSE(MultisetHash::FromHex(std::string(511, '0') + "G").ok());
  EXPECT_FALSE(MultisetHash::FromHex(std::string(511, '0') + "A").ok());
}

}  // namespace
}  // namespace goldset
