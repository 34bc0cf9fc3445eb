// Issue #24 (5): damaged scans. PNG, JPEG and TIFF data that breaks off or goes bad
// part-way decodes as far as it goes; OCR reads the text above the damage and the parse
// carries a warning naming the row; an image with nothing decodable still fails clearly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "docgen_render.h"
#include "image_fixtures.h"
#include "parse/image_decode.h"
#include "parse/parse.h"

namespace goldset::parse {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using namespace goldset::parse::testing;

constexpr int kDpi = 120;
// Baselines in points on a 792 pt page: 10 %, 44 %, 78 % and 93 % of the way down.
const docgen::TextLine kLines[] = {{72, 80, 16, false, "Invoice alpha 4821"},
                                   {72, 350, 16, false, "Section bravo 5932"},
                                   {72, 620, 16, false, "Totals charlie 6043"},
                                   {72, 740, 16, false, "Footer delta 7154"}};

const docgen::GrayImage& Scan() {
  static const docgen::GrayImage img = [] {
    docgen::PageLayout page;
    for (const auto& l : kLines) page.lines.push_back(l);
    return docgen::RenderScan(page, kDpi, 4, 21);
  }();
  return img;
}

int Px(double pt) { return static_cast<int>(pt / 72.0 * kDpi); }

// The row number in "image data damaged after row N ...".
int DamagedRow(const std::string& warning) {
  std::smatch m;
  if (!std::regex_search(warning, m, std::regex("damaged after row ([0-9]+)"))) return -1;
  return std::stoi(m[1]);
}

// Parses `bytes`, expects one warning naming the row the good data ends at, and checks
// that OCR found every line that lies wholly above that row and none that lies below it.
int ExpectPartialParse(const std::string& bytes, const char* what) {
  SCOPED_TRACE(what);
  auto doc = ParseDocument(bytes, "IMG", {});
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  if (!doc.ok()) return -1;
  EXPECT_EQ(doc->pages.size(), 1u);
  EXPECT_EQ(doc->warnings.size(), 1u);
  if (doc->warnings.size() != 1) return -1;
  const std::string& warning = doc->warnings[0];
  EXPECT_THAT(warning, MatchesRegex("image data damaged after row [0-9]+ \\(.+\\); decoded [0-9]+% of the page"));
  const int row = DamagedRow(warning);
  EXPECT_GT(row, 0);
  EXPECT_LT(row, Scan().height);
  EXPECT_THAT(warning, HasSubstr("decoded " + std::to_string(100 * row / Scan().height) + "% of the page"));
  const std::string& text = doc->pages[0].text;
  for (const auto& l : kLines) {
    const std::string number = l.text.substr(l.text.size() - 4);
    if (Px(l.y + 6) < row) {
      EXPECT_THAT(text, HasSubstr(number)) << l.text << " lies above row " << row;
    }
    if (Px(l.y - 14) > row) {
      EXPECT_THAT(text, ::testing::Not(HasSubstr(number))) << l.text << " lies below row " << row;
    }
  }
  EXPECT_EQ(doc->pages[0].height, Scan().height);
  // The warning survives the parse cache.
  auto back = DeserializeDocument(SerializeDocument(*doc));
  EXPECT_TRUE(back.ok());
  if (back.ok()) {
    EXPECT_EQ(back->warnings, doc->warnings);
  }
  return row;
}

TEST(DamagedScans, JpegCutAt50And90And99PercentOfItsRows) {
  const std::string jpeg = JpegWithRestarts(Scan());
  const int block_rows = (Scan().height + 7) / 8;
  for (int percent : {50, 90, 99}) {
    const int k = block_rows * percent / 100;
    const size_t cut = RestartMarkerEnd(jpeg, k);
    ASSERT_NE(cut, std::string::npos);
    const int row = ExpectPartialParse(jpeg.substr(0, cut), ("JPEG cut at " + std::to_string(percent) + "%").c_str());
    EXPECT_EQ(row, 8 * k) << "the rows before the cut are all kept";
  }
}

TEST(DamagedScans, JpegWithABadHuffmanCodeAt90Percent) {
  std::string jpeg = JpegWithRestarts(Scan());
  const int k = (Scan().height + 7) / 8 * 90 / 100;
  const size_t at = RestartMarkerEnd(jpeg, k);
  ASSERT_NE(at, std::string::npos);
  // 0xFF 0x00 is a stuffed 0xFF: eight 1-bits. Sixteen of them are no Huffman code.
  for (int i = 0; i < 8; ++i) jpeg.replace(at + 2 * i, 2, std::string("\xFF\x00", 2));
  const int row = ExpectPartialParse(jpeg, "JPEG with a bad Huffman code");
  EXPECT_EQ(row, 8 * k);
}

TEST(DamagedScans, TruncatedPng) {
  const std::string png = docgen::EncodePng(Scan());
  for (int percent : {55, 90}) ExpectPartialParse(png.substr(0, png.size() * percent / 100), "PNG");
}

TEST(DamagedScans, TruncatedTiffWithManyStripsAndWithOne) {
  const std::string strips = StripTiff(Scan(), 16);
  ExpectPartialParse(strips.substr(0, strips.size() * 70 / 100), "TIFF of 16-row strips");
  const std::string one = StripTiff(Scan(), static_cast<uint32_t>(Scan().height));
  ExpectPartialParse(one.substr(0, one.size() * 80 / 100), "TIFF of one strip");
}

TEST(DamagedScans, NothingDecodableStillFailsClearly) {
  const std::string jpeg = JpegWithRestarts(Scan());
  const std::string png = docgen::EncodePng(Scan());
  const std::string tiff = StripTiff(Scan(), 16);
  const size_t sos = jpeg.find("\xFF\xDA");
  ASSERT_NE(sos, std::string::npos);
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  struct Case {
    std::string bytes;
    const char* message;
  };
  const Case cases[] = {
      {jpeg.substr(0, sos + 14), "corrupt or unreadable JPEG image"},
      {jpeg.substr(0, 100), "corrupt or unreadable JPEG image"},
      {png.substr(0, 20), "corrupt or unreadable PNG image"},
      {png.substr(0, idat + 4), "corrupt or unreadable PNG image"},
      {tiff.substr(0, 200), "corrupt or unreadable TIFF image"},
  };
  for (const Case& c : cases) {
    auto doc = ParseDocument(c.bytes, "IMG", {});
    ASSERT_FALSE(doc.ok()) << c.message << " (" << c.bytes.size() << " bytes)";
    EXPECT_EQ(doc.status().code(), Status::Code::kUnprocessable);
    EXPECT_THAT(doc.status().message(), HasSubstr(c.message));
  }
}

// Every cut and a band of flipped bytes, without OCR: each decode either succeeds, with
// rows <= height and pixels to match, or fails as Unprocessable. Nothing crashes (this
// runs under ASan+UBSan in `make asan`).
TEST(DamagedScans, EveryCutDecodesOrFailsCleanly) {
  docgen::PageLayout small;
  small.lines.push_back({20, 40, 12, false, "cut 123"});
  const docgen::GrayImage img = docgen::RenderScan(small, 40, 4, 3);
  for (const std::string& bytes :
       {JpegWithRestarts(img), docgen::EncodePng(img), StripTiff(img, 8), StripTiff(img, 1000)}) {
    for (size_t len = 1; len <= bytes.size(); len += std::max<size_t>(1, bytes.size() / 61)) {
      for (bool flip : {false, true}) {
        std::string b = bytes.substr(0, len);
        if (flip)
          for (size_t i = len / 2; i < std::min(len, len / 2 + 24); ++i) b[i] = static_cast<char>(b[i] ^ 0x5A);
        auto file = ImageFile::Open(b, {});
        if (!file.ok()) {
          EXPECT_EQ(file.status().code(), Status::Code::kUnprocessable);
          continue;
        }
        for (int i = 0; i < file->frames(); ++i) {
          auto frame = file->Decode(i);
          if (!frame.ok()) {
            EXPECT_EQ(frame.status().code(), Status::Code::kUnprocessable) << frame.status().ToString();
            continue;
          }
          EXPECT_GT(frame->rows, 0);
          EXPECT_LE(frame->rows, frame->height);
          EXPECT_EQ(frame->pixels.size(), static_cast<size_t>(frame->rows) * frame->width);
          EXPECT_EQ(frame->rows < frame->height, !frame->damage.empty() || frame->rows == frame->height);
        }
      }
    }
  }
}

}  // namespace
}  // namespace goldset::parse
