#include "parse/text_formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/parse.h"
#include "parse/text_util.h"

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
  EXPECT_EQ(t,
            "Invoice #42\nTotal: \xE2\x82\xAC"
            "1,200 & tax\na b");
  EXPECT_EQ(doc->pages[0].words.size(), 8u);
}

TEST(TextFormats, XmlCharacterData) {
  auto doc =
      ParseDocument("<?xml version=\"1.0\"?><inv><!-- c --><no>A&lt;1</no><v><![CDATA[x <y>]]></v></inv>", "XML", {});
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

// Text that is not UTF-8 is read as Latin-1: every byte from 0x80 up becomes a two-byte
// character (0x80 is the first).
TEST(TextFormats, Latin1FallbackConvertsEveryHighByte) {
  auto doc = ParseDocument("a\x80\xBF\xC0\xFF z", "TXT", {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->pages[0].words[0].text, "a\xC2\x80\xC2\xBF\xC3\x80\xC3\xBF");
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

// F4: the hostile inputs of the audit (R4) and others of the same kind, 10 MB each. On
// the old code each of these took hours (quadratic scans); here each must finish inside a
// generous item deadline, with the text a browser would show.
std::string Repeat(std::string_view unit, size_t total_bytes) {
  std::string s;
  s.reserve(total_bytes + unit.size());
  while (s.size() < total_bytes) s.append(unit);
  return s;
}

constexpr size_t k10Mb = 10u << 20;

ParseOptions Generous() {
  ParseOptions o;
  o.timeout_ms = 60000;
  return o;
}

std::string ParsedText(std::string_view bytes, std::string_view type) {
  auto doc = ParseDocument(bytes, type, Generous());
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  if (!doc.ok()) return "<error>";
  std::string all;
  for (const Page& p : doc->pages) all += p.text;
  return all;
}

TEST(F4LinearMarkup, HostileHtmlOf10MbParsesToTheVisibleText) {
  // Ampersands without ';' (R4): every one stays as written.
  EXPECT_EQ(ParsedText(Repeat("&", k10Mb), "HTML"), std::string(k10Mb, '&'));
  EXPECT_EQ(ParsedText(Repeat("&amp", k10Mb), "HTML").size(), k10Mb);
  EXPECT_EQ(ParsedText(Repeat("&#", k10Mb), "HTML").size(), k10Mb);
  // Hidden elements, closed (R4) and unclosed, in any letter case.
  EXPECT_EQ(ParsedText(Repeat("<script></script>", k10Mb) + "end", "HTML"), "end");
  EXPECT_EQ(ParsedText(Repeat("<SCRIPT></sCrIpT >", k10Mb) + "end", "HTML"), "end");
  EXPECT_EQ(ParsedText("start" + Repeat("<script>", k10Mb), "HTML"), "start");
  EXPECT_EQ(ParsedText("start" + Repeat("<style>x</styles>", k10Mb), "HTML"), "start");
  EXPECT_EQ(ParsedText(Repeat("<head>", k10Mb) + "<p>visible", "HTML"), "visible");
  // Comments: many unterminated openers, and many closed ones.
  EXPECT_EQ(ParsedText("start" + Repeat("<!--", k10Mb), "HTML"), "start");
  EXPECT_EQ(ParsedText(Repeat("<!-- c -->", k10Mb) + "end", "HTML"), "end");
  // Tags: deeply nested, unterminated, attributes full of quotes, bare '<'.
  EXPECT_EQ(ParsedText(Repeat("<div><span>", k10Mb) + "x" + Repeat("</span></div>", k10Mb), "HTML"), "x");
  EXPECT_EQ(ParsedText("start" + Repeat("<a title=\"", k10Mb), "HTML"), "start");
  EXPECT_EQ(ParsedText(Repeat("<a b=\"'\" c='\"'>", k10Mb) + "end", "HTML"), "end");
  EXPECT_EQ(ParsedText(Repeat("<", k10Mb), "HTML"), std::string(k10Mb, '<'));
  EXPECT_EQ(ParsedText(Repeat("</", k10Mb) + ">end", "HTML"), "end");
  EXPECT_EQ(ParsedText(Repeat("<!", k10Mb) + ">end", "HTML"), "end");
}

TEST(F4LinearMarkup, HostileXmlOf10MbParsesToTheCharacterData) {
  EXPECT_EQ(ParsedText(Repeat("&", k10Mb), "XML"), std::string(k10Mb, '&'));
  EXPECT_EQ(ParsedText("<r>start" + Repeat("<![CDATA[", k10Mb), "XML").substr(0, 15), "start\n<![CDATA[");
  EXPECT_EQ(ParsedText("<r>start" + Repeat("<!--", k10Mb), "XML"), "start");
  EXPECT_EQ(ParsedText("<r>start" + Repeat("<?", k10Mb), "XML"), "start");
  EXPECT_EQ(ParsedText("<r>start" + Repeat("<!x", k10Mb), "XML"), "start");
  EXPECT_EQ(ParsedText(Repeat("<a><b c=\">\"/>", k10Mb) + "end", "XML"), "end");
  EXPECT_EQ(ParsedText(Repeat("<!DOCTYPE a [<!ENTITY e \">\">]>", k10Mb) + "end", "XML"), "end");
}

TEST(F4LinearMarkup, OneHugeTextOf10MbParses) {
  ParseOptions o = Generous();
  o.max_words = k10Mb;
  auto doc = ParseDocument(Repeat("word ", k10Mb), "TXT", o);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->pages[0].words.size(), k10Mb / 5);
}

// Words cost ~70 bytes each in a Document: the count is bounded as text is tokenized, so
// 10 MB of one-letter words (5 million) stop at the limit instead of taking gigabytes.
TEST(F4WordLimit, CheckedWhileTokenizing) {
  auto doc = ParseDocument(Repeat("< ", k10Mb), "HTML", Generous());
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().message(), "document has more than 1000000 words, over the 1000000-word limit");
  ParseOptions o;
  o.max_words = 4;
  EXPECT_TRUE(ParseDocument("a b c", "TXT", o).ok());
  EXPECT_TRUE(ParseDocument("a b\fc d", "TXT", o).ok());
  EXPECT_EQ(ParseDocument("a b c\fd e", "CSV", o).status().message(),
            "document has more than 4 words, over the 4-word limit");
}

TEST(F4LinearMarkup, EntitiesAreBoundedAndOnlyScalarValuesDecode) {
  // kMaxEntityLength counts '&' and ';': a reference of exactly that length decodes, one
  // byte longer is text.
  auto padded = [](size_t total) { return "&#" + std::string(total - 5, '0') + "38;"; };
  ASSERT_EQ(padded(kMaxEntityLength).size(), kMaxEntityLength);
  EXPECT_EQ(DecodeEntities(padded(kMaxEntityLength - 1)), "&");
  EXPECT_EQ(DecodeEntities(padded(kMaxEntityLength)), "&");
  EXPECT_EQ(DecodeEntities(padded(kMaxEntityLength + 1)), padded(kMaxEntityLength + 1));
  EXPECT_EQ(DecodeEntities("&#x26;&#38;&lt;&euro;"), "&&<\xE2\x82\xAC");
  for (std::string kept : {"&#0;", "&#xD800;", "&#x110000;", "&#99999999999999999999;", "&#x;", "&#;", "&unknown;",
                           "&amp", "& amp;", "&#12a;"})
    EXPECT_EQ(DecodeEntities(kept), kept);
  EXPECT_EQ(DecodeEntities("&#x10FFFF;"), "\xF4\x8F\xBF\xBF");
}

TEST(F4LinearMarkup, TagsFollowTheHtmlTokenizer) {
  EXPECT_EQ(*HtmlVisibleText("1 < 2 and 3 <4"), "1 < 2 and 3 <4");
  EXPECT_EQ(*HtmlVisibleText("<img alt=\"a > b\">after"), "after");
  EXPECT_EQ(*HtmlVisibleText("<p title='x>y' >one</p><p>two"), "one\ntwo");
  EXPECT_EQ(*HtmlVisibleText("<script>if (a</scripts) x</script>shown"), "shown");
  EXPECT_EQ(*HtmlVisibleText("<html><head><title>T</title><body><p>b"), "b");
  EXPECT_EQ(*XmlText("<!DOCTYPE r [<!ENTITY e \"x\">]><r a=\"1>2\">text</r>"), "text");
}

// Every text format honours the item deadline (F4): the old code had no check at all.
TEST(F4Deadline, TextFormatsStopAtTheDeadline) {
  ParseOptions expired;
  expired.timeout_ms = 0;
  for (const char* type : {"TXT", "CSV", "HTML", "XML"}) {
    auto doc = ParseDocument("<p>some text</p>", type, expired);
    ASSERT_FALSE(doc.ok()) << type;
    EXPECT_EQ(doc.status().code(), Status::Code::kUnprocessable);
    EXPECT_EQ(doc.status().message(), "parse exceeded the 0 s limit") << type;
  }
  TimeLimit past{std::chrono::steady_clock::now() - std::chrono::seconds(1), 250};
  EXPECT_EQ(HtmlVisibleText("<p>x", past).status().message(), "parse exceeded the 0.25 s limit");
  EXPECT_EQ(XmlText("<r>x</r>", past).status().message(), "parse exceeded the 0.25 s limit");
  EXPECT_EQ(DocumentFromText("x", past).status().message(), "parse exceeded the 0.25 s limit");
  // Checked as the input is read, not only at the start: a deadline that passes midway
  // through a large input stops it.
  TimeLimit soon{std::chrono::steady_clock::now() + std::chrono::milliseconds(1), 1};
  std::string big = Repeat("<p>para &amp; text</p>", 64u << 20);
  auto r = HtmlVisibleText(big, soon);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "parse exceeded the 0.001 s limit");
}

}  // namespace
}  // namespace goldset::parse
