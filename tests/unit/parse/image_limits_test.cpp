// F7: the pixel budget (ParseOptions::max_page_megapixels) is checked before anything is
// rendered or decoded, for PDF pages, PNG/JPEG, every TIFF frame and the formats leptonica
// reads; the page limit is checked before any TIFF frame is decoded. The audit's R7
// inputs: a 10,001 pt PDF page, a 20,000² 1-bit PNG, 600 shared-strip 4,000² TIFF frames.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "docgen_render.h"
#include "image_fixtures.h"
#include "parse/image_decode.h"
#include "parse/parse.h"

namespace goldset::parse {
namespace {

using ::testing::HasSubstr;
using namespace goldset::parse::testing;

std::string ErrorOf(std::string_view bytes, std::string_view type, const ParseOptions& o = {}) {
  auto doc = ParseDocument(bytes, type, o);
  if (doc.ok()) return "<parsed>";
  EXPECT_EQ(doc.status().code(), Status::Code::kUnprocessable) << doc.status().ToString();
  return doc.status().message();
}

TEST(F7PixelBudget, HugePdfPageFailsBeforeRendering) {
  std::string pdf = BlankPdf(10001, 10001);
  EXPECT_EQ(ErrorOf(pdf, "PDF"),
            "page 1 is 1736.5 megapixels at 300 dpi (10001 x 10001 pt), over the 50-megapixel limit");
  auto png = RenderPdfPagePng(pdf, "", 1, 110, 50);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(png.status().message(),
            "page 1 is 233.5 megapixels at 110 dpi (10001 x 10001 pt), over the 50-megapixel limit");
}

TEST(F7PixelBudget, PdfLimitIsInclusiveAtTheRenderDpi) {
  // A letter page at 72 dpi is exactly 612 × 792 = 484,704 px.
  std::string pdf = BlankPdf(612, 792);
  ParseOptions o;
  o.ocr_dpi = 72;
  o.max_page_megapixels = 0.484704;
  EXPECT_TRUE(ParseDocument(pdf, "PDF", o).ok());
  o.max_page_megapixels = 0.484703;
  EXPECT_THAT(ErrorOf(pdf, "PDF", o), HasSubstr("over the 0.484703-megapixel limit"));
  EXPECT_TRUE(RenderPdfPagePng(pdf, "", 1, 72, 0.484704).ok());
  EXPECT_EQ(RenderPdfPagePng(pdf, "", 1, 72, 0.484703).status().code(), Status::Code::kTooLarge);
}

TEST(F7PixelBudget, PngBombFailsBeforeDecoding) {
  std::string png = BlankPng(20000, 20000, 1);
  EXPECT_LT(png.size(), 200000u);
  EXPECT_EQ(ErrorOf(png, "IMG"), "page 1 is 20000 x 20000 px (400.0 megapixels), over the 50-megapixel limit");
  // At the limit, one pixel under and one over.
  std::string small = BlankPng(1000, 500, 8);
  ParseOptions o;
  o.max_page_megapixels = 0.5;
  EXPECT_TRUE(ParseDocument(small, "IMG", o).ok());
  o.max_page_megapixels = 0.500001;
  EXPECT_TRUE(ParseDocument(small, "IMG", o).ok());
  o.max_page_megapixels = 0.499999;
  EXPECT_THAT(ErrorOf(small, "IMG", o), HasSubstr("page 1 is 1000 x 500 px (0.5 megapixels)"));
}

TEST(F7PixelBudget, JpegBombFailsBeforeDecoding) {
  docgen::GrayImage img{16, 16, 72, std::vector<uint8_t>(256, 0xff)};
  std::string jpeg = JpegWithRestarts(img);
  // Rewrite the SOF0 dimensions to 60000 × 60000; the data stays 16 × 16.
  size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  for (size_t at : {sof + 5, sof + 7}) {
    jpeg[at] = static_cast<char>(0xEA);
    jpeg[at + 1] = static_cast<char>(0x60);
  }
  EXPECT_EQ(ErrorOf(jpeg, "IMG"), "page 1 is 60000 x 60000 px (3600.0 megapixels), over the 50-megapixel limit");
}

TEST(F7PixelBudget, TiffPageLimitIsCheckedBeforeAnyFrameDecodes) {
  std::string tiff = SharedStripTiff(std::vector<FrameSize>(600, {4000, 4000}));
  EXPECT_LT(tiff.size(), 200000u);
  EXPECT_EQ(ErrorOf(tiff, "IMG"), "document has 600 pages, over the 500-page limit");
  ParseOptions o;
  o.max_pages = 1000;
  o.max_page_megapixels = 10;
  EXPECT_EQ(ErrorOf(tiff, "IMG", o), "page 1 is 4000 x 4000 px (16.0 megapixels), over the 10-megapixel limit");
}

TEST(F7PixelBudget, EveryTiffFrameIsCheckedBeforeItDecodes) {
  std::string tiff = SharedStripTiff({{400, 300}, {20000, 20000}, {400, 300}});
  EXPECT_EQ(ErrorOf(tiff, "IMG"), "page 2 is 20000 x 20000 px (400.0 megapixels), over the 50-megapixel limit");
  auto file = ImageFile::Open(tiff, {});
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->frames(), 3);
  auto first = file->Decode(0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->rows, 300);
  EXPECT_EQ(first->pixels.size(), 400u * 300u);
  EXPECT_TRUE(first->damage.empty());
}

std::string Le(uint32_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}

TEST(F7PixelBudget, BmpAndGifHeadersAreChecked) {
  // BMP: BITMAPINFOHEADER of 30000 × 30000, 1 bit per pixel, and almost no data.
  std::string bmp = "BM" + Le(1000, 4) + Le(0, 4) + Le(62, 4) + Le(40, 4) + Le(30000, 4) + Le(30000, 4) + Le(1, 2) +
                    Le(1, 2) + std::string(40, '\0');
  EXPECT_EQ(ErrorOf(bmp, "IMG"), "page 1 is 30000 x 30000 px (900.0 megapixels), over the 50-megapixel limit");
  // GIF: a 16 × 16 screen holding a 65535 × 65535 image.
  const std::string lzw_data("\x02\x02\x4C\x01\x00", 5);  // code size, one sub-block, terminator
  std::string gif = std::string("GIF89a") + Le(16, 2) + Le(16, 2) + std::string(3, '\0') + "\x2C" + Le(0, 4) +
                    Le(65535, 2) + Le(65535, 2) + std::string(1, '\0') + lzw_data + "\x3B";
  EXPECT_EQ(ErrorOf(gif, "IMG"), "page 1 is 65535 x 65535 px (4294.8 megapixels), over the 50-megapixel limit");
  // Many frames under the limit each, over it together (giflib decodes them all).
  std::string frames = std::string("GIF89a") + Le(4000, 2) + Le(4000, 2) + std::string(3, '\0');
  for (int i = 0; i < 4; ++i) frames += "\x2C" + Le(0, 4) + Le(4000, 2) + Le(4000, 2) + std::string(1, '\0') + lzw_data;
  frames += "\x3B";
  EXPECT_EQ(ErrorOf(frames, "IMG"), "page 1 is a GIF of 4 frames, 64.0 megapixels in all, over the 50-megapixel limit");
}

}  // namespace
}  // namespace goldset::parse
