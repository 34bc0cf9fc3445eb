#include "parse/text_formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/parse.h"

namespace goldset::parse {
namespace {

TEST(TextFormats, HtmlVisibleText) {
  std::string html =
      "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body>"
      "<script>var x = '<p>hidden</p>';</script><h1>Invoice&nbsp;#42</h1><p>Total: &euro;1&#44;200 &amp; "
      "tax</p><!-- secret --><table><tr><td>a</td><td>b</td></tr></table></body></html>";
  auto doc = ParseDocument(html, "HTML", {});
  ASSERT_TRUE(doc.ok());
  const std::string& t = doc->pages[0].text;
  EXPECT_EQ(t, "Invoice #42\nTotal: \xE2\x82\xAC" "1,200 & tax\na b");
  EXPECT_EQ(doc->pages[0].words.size(), 8u);
}

TEST(TextFormats, XmlCharacterData) {
  auto doc = ParseDocument("<?xml version=\"1.0\"?><inv><!-- c --><no>A&lt;1</no><v><![CDATA[x <y>]]></v></inv>", "XML", {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->pages[0].text, "A<1\nx <y>");
}

TEST(TextFormats, FormFeedsSplitPagesAndLatin1IsConverted) {
  auto doc = ParseDocument("page one\n  spaced   out\fpage two\f", "TXT", {});
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->pages.size(), 2u);
  EXPECT_EQ(doc->pages[0].text, "page one\nspaced out");
  EXPECT_EQ(doc->pages[1].number, 2);
  EXPECT_EQ(doc->pages[1].words[1].text, "two");
  auto latin = ParseDocument("caf\xE9", "TXT", {});
  EXPECT_EQ(latin->pages[0].text, "caf\xC3\xA9");
  auto csv = ParseDocument("a,b\n1,2\n", "CSV", {});
  EXPECT_EQ(csv->pages[0].text, "a,b\n1,2");
  EXPECT_FALSE(ParseDocument("", "TXT", {}).ok());
}

// Every trailing empty page is dropped (not only the last), blank pages in the middle
// are kept and numbered, and an empty document is refused.
TEST(TextFormats, TrailingFormFeedsAndBlankMiddlePages) {
  for (const char* text : {"a\f\f\f", "a\f \n\f", "a\f\n\f  \f"}) {
    auto doc = ParseDocument(text, "TXT", {});
    ASSERT_TRUE(doc.ok()) << text;
    EXPECT_EQ(doc->pages.size(), 1u) << "trailing blank pages of " << ::testing::PrintToString(text);
    EXPECT_EQ(doc->pages[0].text, "a");
  }
  auto middle = ParseDocument("a\f\fb", "TXT", {});
  ASSERT_TRUE(middle.ok());
  ASSERT_EQ(middle->pages.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(middle->pages[i].number, i + 1);
  EXPECT_EQ(middle->pages[1].text, "");
  EXPECT_EQ(middle->pages[2].text, "b");
  EXPECT_FALSE(ParseDocument("", "TXT", {}).ok());
  auto blank = ParseDocument("\f\f", "TXT", {});
  ASSERT_TRUE(blank.ok());
  EXPECT_EQ(blank->pages.size(), 1u);
}

}  // namespace
}  // namespace goldset::parse
