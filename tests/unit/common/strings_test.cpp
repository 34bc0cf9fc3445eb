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

// Contains agrees with std::string::find on every needle position, at the ends, in
// haystacks full of the needle's first byte, and with embedded NUL bytes.
TEST(StringsTest, ContainsAgreesWithFind) {
  const std::string json = R"({"value":{"a":"usage","b":"x"},"usage":{"calls":1}})";
  EXPECT_TRUE(Contains(json, "\"usage\""));
  EXPECT_FALSE(Contains(R"({"value":{"usage":1}})", "\"usage\":{\"calls\""));
  EXPECT_TRUE(Contains("abc", ""));
  EXPECT_FALSE(Contains("", "a"));
  EXPECT_FALSE(Contains("ab", "abc"));
  std::string haystack(5000, '"');
  EXPECT_FALSE(Contains(haystack, "\"usage\""));
  for (size_t at : {size_t{0}, size_t{1}, size_t{2500}, size_t{4993}}) {
    std::string h = haystack;
    h.replace(at, 7, "\"usage\"");
    EXPECT_TRUE(Contains(h, "\"usage\"")) << at;
    EXPECT_EQ(Contains(h, "\"usagE\""), h.find("\"usagE\"") != std::string::npos) << at;
  }
  const std::string nul("a\0b\0c", 5);
  EXPECT_TRUE(Contains(nul, std::string_view("\0c", 2)));
  EXPECT_FALSE(Contains(nul, std::string_view("\0d", 2)));
}

}  // namespace
}  // namespace goldset
