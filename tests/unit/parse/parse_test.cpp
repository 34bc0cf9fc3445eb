// Parsing of generated PDFs, scans and damaged inputs; the parse cache.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "common/crypto.h"
#include "docgen_content.h"
#include "docgen_render.h"
#include "parse/file_type.h"
#include "parse/ocr.h"
#include "parse/parse.h"

namespace goldset::parse {
namespace {

using ::testing::HasSubstr;
using namespace goldset::docgen;

std::string InvoicePdf(Invoice* inv, uint64_t seed = 7) {
  Content c(seed);
  *inv = c.RandomInvoice();
  return RenderTextPdf(c.InvoicePages(*inv));
}

TEST(ParsePdf, TextLayerInReadingOrderWithWordBoxes) {
  Invoice inv;
  std::string pdf = InvoicePdf(&inv);
  auto doc = ParseDocument(pdf, "PDF", {});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_GE(doc->pages.size(), 1u);
  const Page& p = doc->pages[0];
  EXPECT_FALSE(p.ocr);
  EXPECT_DOUBLE_EQ(p.mean_confidence, 1.0);
  EXPECT_NEAR(p.width, 612, 1);
  EXPECT_NEAR(p.height, 792, 1);
  EXPECT_THAT(p.text, HasSubstr("Invoice Number: " + inv.number));
  EXPECT_THAT(p.text, HasSubstr("Vendor: " + inv.vendor));
  // The first item row is one line, columns in order.
  const LineItem& it = inv.items[0];
  EXPECT_THAT(p.text, HasSubstr(it.description + " " + std::to_string(it.quantity) + " " + Money(it.unit_price)));
  EXPECT_LT(p.text.find("INVOICE"), p.text.find(it.description));
  // Tokens of the text are exactly the words, and boxes lie on the page.
  size_t tokens = 0;
  for (size_t i = 0; i < p.text.size();) {
    while (i < p.text.size() && std::isspace(static_cast<unsigned char>(p.text[i]))) ++i;
    if (i < p.text.size()) ++tokens;
    while (i < p.text.size() && !std::isspace(static_cast<unsigned char>(p.text[i]))) ++i;
  }
  EXPECT_EQ(tokens, p.words.size());
  for (const Word& w : p.words) {
    EXPECT_GE(w.x0, 0);
    EXPECT_LT(w.x0, w.x1);
    EXPECT_LT(w.y0, w.y1);
    EXPECT_LE(w.y1, 792);
  }
  EXPECT_EQ(p.words[0].text, "INVOICE");
}

TEST(ParsePdf, ImageOnlyPdfIsOcrd) {
  Content c(11);
  Invoice inv = c.RandomInvoice();
  auto pages = c.InvoicePages(inv);
  std::string pdf = RenderImagePdf({RenderScan(pages[0], 200, 10, 3)});
  auto doc = ParseDocument(pdf, "PDF", {});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->pages.size(), 1u);
  const Page& p = doc->pages[0];
  EXPECT_TRUE(p.ocr);
  EXPECT_GT(p.mean_confidence, 0.7);
  EXPECT_LT(p.mean_confidence, 1.0);
  EXPECT_THAT(p.text, HasSubstr(inv.number));
  EXPECT_THAT(p.text, HasSubstr(inv.vendor));
  EXPECT_GT(p.width, 2000);  // pixels at 300 dpi
}

TEST(ParseImage, PngAndMultipageTiff) {
  Content c(5);
  PageLayout a, b;
  a.lines.push_back({72, 100, 14, false, "Quarterly report alpha 12345"});
  b.lines.push_back({72, 100, 14, false, "Second page bravo 67890"});
  GrayImage ia = RenderScan(a, 200, 8, 1), ib = RenderScan(b, 200, 8, 2);
  auto png = ParseDocument(EncodePng(ia), "IMG", {});
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  ASSERT_EQ(png->pages.size(), 1u);
  EXPECT_THAT(png->pages[0].text, HasSubstr("alpha 12345"));
  EXPECT_TRUE(png->pages[0].ocr);
  ASSERT_FALSE(png->pages[0].words.empty());
  EXPECT_GT(png->pages[0].words[0].confidence, 0.5);

  auto tif = ParseDocument(EncodeMultipageTiff({ia, ib}), "IMG", {});
  ASSERT_TRUE(tif.ok()) << tif.status().ToString();
  ASSERT_EQ(tif->pages.size(), 2u);
  EXPECT_EQ(tif->pages[1].number, 2);
  EXPECT_THAT(tif->pages[1].text, HasSubstr("bravo 67890"));
}

TEST(ParseErrors, CorruptAndTruncatedPdfsNeverCrash) {
  Invoice inv;
  std::string pdf = InvoicePdf(&inv);
  auto garbage = ParseDocument("%PDF-1.5\nthis is not a pdf at all", "PDF", {});
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), Status::Code::kUnprocessable);
  EXPECT_THAT(garbage.status().message(), HasSubstr("corrupt or truncated PDF"));
  auto not_pdf = ParseDocument("hello", "PDF", {});
  EXPECT_THAT(not_pdf.status().message(), HasSubstr("corrupt or truncated PDF"));
  int failures = 0;
  for (size_t len = 1; len < pdf.size(); len += std::max<size_t>(1, pdf.size() / 97)) {
    ParseOptions o;
    o.timeout_ms = 20000;
    auto r = ParseDocument(std::string_view(pdf).substr(0, len), "PDF", o);
    if (!r.ok()) {
      ++failures;
      EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable) << len << ": " << r.status().ToString();
    }
  }
  EXPECT_GT(failures, 10);
  // Flipped bytes in the middle.
  std::string damaged = pdf;
  for (size_t i = damaged.size() / 3; i < damaged.size() / 3 + 200; ++i)
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
  auto r = ParseDocument(damaged, "PDF", {});
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable);
  }
}

TEST(ParseErrors, UnsupportedTypesAndLimits) {
  auto docx = ParseDocument("PK\x03\x04word/", "DOCX", {});
  EXPECT_EQ(docx.status().message(), "unsupported file type DOCX");
  EXPECT_EQ(ParseDocument("x", "EXCEL", {}).status().message(), "unsupported file type EXCEL");

  Content c(3);
  Invoice inv = c.RandomInvoice();
  while (inv.items.size() <= 8) inv = c.RandomInvoice();
  std::string two_pages = RenderTextPdf(c.InvoicePages(inv));
  ParseOptions o;
  o.max_pages = 1;
  auto limited = ParseDocument(two_pages, "PDF", o);
  EXPECT_EQ(limited.status().message(), "document has 2 pages, over the 1-page limit");

  PageLayout page;
  page.lines.push_back({72, 100, 14, false, "Slow scan"});
  std::string scan = RenderImagePdf({RenderScan(page, 200, 5, 1)});
  ParseOptions fast;
  fast.timeout_ms = 1;
  auto timed_out = ParseDocument(scan, "PDF", fast);
  EXPECT_EQ(timed_out.status().message(), "parse exceeded the 0.001 s limit");
  EXPECT_EQ(TimeLimitMessage(120000), "parse exceeded the 120 s limit");
}

// The page limit is inclusive: a document of exactly max_pages pages parses, one page more
// is refused; for PDFs, text documents and multi-page TIFFs alike.
TEST(ParseErrors, PageLimitBoundaryIsInclusive) {
  Content c(3);
  Invoice inv = c.RandomInvoice();
  while (inv.items.size() <= 8) inv = c.RandomInvoice();
  std::string two_pages = RenderTextPdf(c.InvoicePages(inv));
  for (int limit : {1, 2, 3}) {
    ParseOptions o;
    o.max_pages = limit;
    auto pdf = ParseDocument(two_pages, "PDF", o);
    EXPECT_EQ(pdf.ok(), limit >= 2) << "PDF, limit " << limit;
    auto txt = ParseDocument("one\ftwo", "TXT", o);
    EXPECT_EQ(txt.ok(), limit >= 2) << "TXT, limit " << limit;
    if (!txt.ok()) {
      EXPECT_EQ(txt.status().message(), "document has 2 pages, over the 1-page limit");
    }
  }
  PageLayout a, b;
  a.lines.push_back({72, 100, 14, false, "Page alpha"});
  b.lines.push_back({72, 100, 14, false, "Page bravo"});
  std::string tiff = EncodeMultipageTiff({RenderScan(a, 100, 8, 1), RenderScan(b, 100, 8, 2)});
  for (int limit : {1, 2, 3}) {
    ParseOptions o;
    o.max_pages = limit;
    auto r = ParseDocument(tiff, "IMG", o);
    EXPECT_EQ(r.ok(), limit >= 2) << "TIFF, limit " << limit << ": " << r.status().ToString();
    if (r.ok()) {
      EXPECT_EQ(r->pages.size(), 2u);
    }
  }
}

TEST(F4WordLimit, PdfTextLayersAndOcrCountToo) {
  Invoice inv;
  std::string pdf = InvoicePdf(&inv);
  auto all = ParseDocument(pdf, "PDF", {});
  ASSERT_TRUE(all.ok());
  size_t words = 0;
  for (const Page& p : all->pages) words += p.words.size();
  ParseOptions o;
  o.max_words = words;
  EXPECT_TRUE(ParseDocument(pdf, "PDF", o).ok());
  o.max_words = words - 1;
  EXPECT_EQ(ParseDocument(pdf, "PDF", o).status().message(), "document has more than " + std::to_string(words - 1) +
                                                                 " words, over the " + std::to_string(words - 1) +
                                                                 "-word limit");
  PageLayout page;
  page.lines.push_back({72, 100, 14, false, "three scanned words"});
  o.max_words = 2;
  EXPECT_THAT(ParseDocument(EncodePng(RenderScan(page, 150, 3, 1)), "IMG", o).status().message(),
              HasSubstr("over the 2-word limit"));
}

bool HaveQpdf() { return std::system("qpdf --version >/dev/null 2>&1") == 0; }

// `pdf` encrypted by qpdf with user password s3cret (AES-256); empty on failure.
std::string LockedPdf(const std::string& pdf) {
  auto dir = std::filesystem::temp_directory_path() / ("goldset_parse_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "plain.pdf", std::ios::binary) << pdf; }
  std::string cmd =
      "qpdf --encrypt s3cret ownerpw 256 -- " + (dir / "plain.pdf").string() + " " + (dir / "locked.pdf").string();
  std::string locked;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream in(dir / "locked.pdf", std::ios::binary);
    locked.assign((std::istreambuf_iterator<char>(in)), {});
  }
  std::filesystem::remove_all(dir);
  return locked;
}

TEST(ParseErrors, EncryptedPdfNeedsThePassword) {
  if (!HaveQpdf()) GTEST_SKIP() << "qpdf not installed (scripts/install-deps.sh test)";
  Invoice inv;
  std::string pdf = InvoicePdf(&inv);
  std::string locked = LockedPdf(pdf);
  ASSERT_FALSE(locked.empty());
  ASSERT_NE(locked, pdf);

  auto missing = ParseDocument(locked, "PDF", {});
  EXPECT_EQ(missing.status().message(), "PDF is encrypted and the password is missing or wrong");
  ParseOptions wrong;
  wrong.password = "nope";
  EXPECT_EQ(ParseDocument(locked, "PDF", wrong).status().message(),
            "PDF is encrypted and the password is missing or wrong");
  ParseOptions right;
  right.password = "s3cret";
  auto ok = ParseDocument(locked, "PDF", right);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_THAT(ok->pages[0].text, HasSubstr(inv.number));
  EXPECT_FALSE(PdfPageCount(locked, "").has_value());
  EXPECT_FALSE(PdfPageCount(locked, "nope").has_value());
  EXPECT_EQ(PdfPageCount(locked, "s3cret"), static_cast<int>(ok->pages.size()));
  EXPECT_FALSE(RenderPdfPagePng(locked, "", 1, 72).ok());
  EXPECT_TRUE(RenderPdfPagePng(locked, "s3cret", 1, 72).ok());
}

class CountingCache : public ParseCache {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    std::lock_guard<std::mutex> l(mu_);
    ++gets;
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    ++hits;
    return it->second;
  }
  void Put(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> l(mu_);
    ++puts;
    map_[key] = value;
  }
  int gets = 0, hits = 0, puts = 0;

 private:
  std::mutex mu_;
  std::map<std::string, std::string> map_;
};

TEST(ParseCacheTest, SecondParseIsACacheHitWithoutParsing) {
  PageLayout page;
  page.lines.push_back({72, 100, 14, false, "Cached scan delta 4242"});
  std::string png = EncodePng(RenderScan(page, 200, 5, 9));
  std::string sha = Sha256Hex(png);
  CountingCache cache;
  auto first = ParseDocumentCached(png, sha, "IMG", {}, "ws_a", &cache);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(cache.puts, 1);
  uint64_t parses = ParsesPerformed();
  auto t0 = std::chrono::steady_clock::now();
  auto second = ParseDocumentCached(png, sha, "IMG", {}, "ws_a", &cache);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ParsesPerformed(), parses);  // no parsing and no OCR happened
  EXPECT_EQ(cache.hits, 1);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 50);
  EXPECT_EQ(second->pages[0].text, first->pages[0].text);
  EXPECT_EQ(second->pages[0].words.size(), first->pages[0].words.size());
  // Different settings are a different key.
  ParseOptions other;
  other.ocr_dpi = 150;
  EXPECT_NE(ParseCacheKey("ws_a", sha, "IMG", {}), ParseCacheKey("ws_a", sha, "IMG", other));
  // Failures are not cached; a null cache is fine.
  EXPECT_FALSE(ParseDocumentCached("junk", Sha256Hex("junk"), "PDF", {}, "ws_a", &cache).ok());
  EXPECT_EQ(cache.puts, 1);
  EXPECT_TRUE(ParseDocumentCached(png, sha, "IMG", {}, "ws_a", nullptr).ok());
}

// Limits may be lowered after a document was cached: a cache hit is checked against the
// limits of this call (page and word limits at limit - 1 / limit), without parsing again.
TEST(ParseCacheTest, CachedDocumentIsCheckedAgainstTheCurrentLimits) {
  const std::string text = "one two\fthree four\ffive six";  // 3 pages, 6 words
  const std::string sha = Sha256Hex(text);
  CountingCache cache;
  ASSERT_TRUE(ParseDocumentCached(text, sha, "TXT", {}, "ws_a", &cache).ok());
  ASSERT_EQ(cache.puts, 1);
  const uint64_t parses = ParsesPerformed();
  ParseOptions o;
  o.max_pages = 3;
  EXPECT_TRUE(ParseDocumentCached(text, sha, "TXT", o, "ws_a", &cache).ok());
  o.max_pages = 2;
  auto pages = ParseDocumentCached(text, sha, "TXT", o, "ws_a", &cache);
  ASSERT_FALSE(pages.ok());
  EXPECT_EQ(pages.status().message(), "document has 3 pages, over the 2-page limit");
  o = ParseOptions();
  o.max_words = 6;
  EXPECT_TRUE(ParseDocumentCached(text, sha, "TXT", o, "ws_a", &cache).ok());
  o.max_words = 5;
  auto words = ParseDocumentCached(text, sha, "TXT", o, "ws_a", &cache);
  ASSERT_FALSE(words.ok());
  EXPECT_THAT(words.status().message(), HasSubstr("over the 5-word limit"));
  EXPECT_EQ(ParsesPerformed(), parses);  // every answer came from the cache
  EXPECT_EQ(cache.hits, 4);
}

// F9 (R9): an encrypted PDF parsed with its password must not be served from the cache
// to a caller without it, in another workspace or in the same one.
TEST(F9CacheScope, EncryptedPdfTextIsNeverServedWithoutThePassword) {
  if (!HaveQpdf()) GTEST_SKIP() << "qpdf not installed (scripts/install-deps.sh test)";
  Invoice inv;
  std::string locked = LockedPdf(InvoicePdf(&inv));
  ASSERT_FALSE(locked.empty());
  const std::string sha = Sha256Hex(locked);
  CountingCache cache;
  ParseOptions with_password;
  with_password.password = "s3cret";
  auto a = ParseDocumentCached(locked, sha, "PDF", with_password, "ws_a", &cache);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_THAT(a->pages[0].text, HasSubstr(inv.number));
  ASSERT_EQ(cache.puts, 1);
  for (const char* scope : {"ws_b", "ws_a"}) {
    for (const char* password : {"", "wrong"}) {
      ParseOptions o;
      o.password = password;
      auto b = ParseDocumentCached(locked, sha, "PDF", o, scope, &cache);
      ASSERT_FALSE(b.ok()) << scope << " '" << password << "' got the cached text";
      EXPECT_EQ(b.status().message(), "PDF is encrypted and the password is missing or wrong");
    }
  }
  // Another workspace with the right password parses for itself: no shared entry.
  int hits = cache.hits;
  EXPECT_TRUE(ParseDocumentCached(locked, sha, "PDF", with_password, "ws_b", &cache).ok());
  EXPECT_EQ(cache.hits, hits);
  EXPECT_EQ(cache.puts, 2);
  // Keys differ by scope and password, and carry no password in clear.
  std::string key = ParseCacheKey("ws_a", sha, "PDF", with_password);
  EXPECT_EQ(key.find("s3cret"), std::string::npos);
  EXPECT_NE(key, ParseCacheKey("ws_a", sha, "PDF", {}));
  EXPECT_NE(key, ParseCacheKey("ws_b", sha, "PDF", with_password));
  EXPECT_NE(PageImageCacheKey("ws_a", sha, "s3cret", 1, 110), PageImageCacheKey("ws_a", sha, "", 1, 110));
  EXPECT_NE(PageImageCacheKey("ws_a", sha, "s3cret", 1, 110), PageImageCacheKey("ws_b", sha, "s3cret", 1, 110));
}

TEST(Serialize, RoundTrip) {
  Document d;
  Page p;
  p.number = 3;
  p.width = 612;
  p.height = 792;
  p.text = "Hello \"w\xC3\xB6rld\"\nline";
  p.words = {{"Hello", 1, 2, 3, 4, 0.5}, {"\"w\xC3\xB6rld\"", 5, 6, 7, 8, 1}, {"line", 0, 0, 1, 1, 0.25}};
  p.ocr = true;
  p.mean_confidence = 0.583;
  d.pages.push_back(p);
  auto back = DeserializeDocument(SerializeDocument(d));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->pages.size(), 1u);
  EXPECT_EQ(back->pages[0].text, p.text);
  EXPECT_EQ(back->pages[0].words[1].text, p.words[1].text);
  EXPECT_DOUBLE_EQ(back->pages[0].words[2].confidence, 0.25);
  EXPECT_TRUE(back->pages[0].ocr);
  EXPECT_FALSE(DeserializeDocument("{\"v\":1}").ok());
  EXPECT_FALSE(DeserializeDocument("not json").ok());
}

TEST(Render, PdfPageToPng) {
  Invoice inv;
  std::string pdf = InvoicePdf(&inv);
  auto png = RenderPdfPagePng(pdf, "", 1, 100);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  ASSERT_GT(png->size(), 1000u);
  EXPECT_EQ(png->substr(0, 8), "\x89PNG\r\n\x1a\n");
  // The PNG decodes and OCRs back to the invoice's text.
  auto doc = ParseDocument(*png, "IMG", {});
  ASSERT_TRUE(doc.ok());
  EXPECT_NEAR(doc->pages[0].width, 612.0 / 72 * 100, 2);
  EXPECT_EQ(RenderPdfPagePng(pdf, "", 9, 100).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(RenderPdfPagePng(pdf, "", 1, 5000).status().code(), Status::Code::kInvalidArgument);
}

TEST(Concurrency, ParallelOcrOnTwoThreads) {
  std::vector<std::string> pngs;
  for (int i = 0; i < 4; ++i) {
    PageLayout page;
    page.lines.push_back({72, 100, 14, false, "Thread test number " + std::to_string(1000 + i)});
    pngs.push_back(EncodePng(RenderScan(page, 150, 5, i)));
  }
  std::vector<std::string> texts(4);
  std::thread a([&] {
    for (int i = 0; i < 4; i += 2) texts[i] = ParseDocument(pngs[i], "IMG", {})->pages[0].text;
  });
  std::thread b([&] {
    for (int i = 1; i < 4; i += 2) texts[i] = ParseDocument(pngs[i], "IMG", {})->pages[0].text;
  });
  a.join();
  b.join();
  for (int i = 0; i < 4; ++i) EXPECT_THAT(texts[i], HasSubstr(std::to_string(1000 + i)));
}

}  // namespace
}  // namespace goldset::parse
