#include "common/strings.h"

#include <gtest/gtest.h>

namespace goldset {
namespace {

TEST(StringsTest, AsciiLowerFoldsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Content-TYPE: A-Z"), "content-type: a-z");
  // UTF-8 bytes (É is C3 89) and punctuation pass through unchanged.
  EXPECT_EQ(AsciiLower("\xC3\x89T\xC3\x89[@]"), "\xC3\x89t\xC3\x89[@]");
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('@'), '@');
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(StringsTest, TrimDefaultsToTheSixAsciiSpaces) {
  EXPECT_EQ(Trim(" \t\n\v\f\rx y\r\n"), "x y");
  EXPECT_EQ(Trim("   "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("x"), "x");
  // A non-breaking space (C2 A0) is not ASCII white space.
  EXPECT_EQ(Trim("\xC2\xA0x"), "\xC2\xA0x");
}

TEST(StringsTest, TrimWithHeaderSpaceKeepsLineBreaks) {
  EXPECT_EQ(Trim(" \tform-data; name=file\t ", kHeaderSpace), "form-data; name=file");
  EXPECT_EQ(Trim("\r\nx\r\n", kHeaderSpace), "\r\nx\r\n");
}

TEST(StringsTest, IsAsciiSpaceMatchesTheCLocale) {
  for (int c = 0; c < 256; ++c) {
    bool expected = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
    EXPECT_EQ(IsAsciiSpace(static_cast<char>(c)), expected) << c;
  }
}

}  // namespace
}  // namespace goldset
