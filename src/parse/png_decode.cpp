// PNG through libpng's progressive reader: the file is fed as a stream, and libpng hands
// over each row as soon as the bytes for it have been decompressed. A file that breaks
// off keeps exactly the rows its bytes hold; bad data stops at the row it hits.
#include <png.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "parse/image_codecs.h"

namespace goldset::parse {

namespace {

struct PngDecode {
  int page = 0;
  double max_megapixels = 0;
  Status budget;  // set when the header is over the budget
  bool started = false;
  bool interlaced = false;
  int width = 0, height = 0, ppi = 0;
  int rows = 0;                           // rows complete, from the top
  std::vector<unsigned char> gray;        // width × height
  std::vector<unsigned char> gray_alpha;  // interlaced only: passes combine here
  char error[200] = "";
};

void OnError(png_structp png, png_const_charp message) {
  auto* d = static_cast<PngDecode*>(png_get_error_ptr(png));
  std::snprintf(d->error, sizeof d->error, "%s", message);
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}

void CompositeOnWhite(const unsigned char* gray_alpha, unsigned char* gray, size_t pixels) {
  for (size_t i = 0; i < pixels; ++i) {
    unsigned g = gray_alpha[2 * i], a = gray_alpha[2 * i + 1];
    gray[i] = static_cast<unsigned char>((g * a + 255 * (255 - a) + 127) / 255);
  }
}

// Header read: check the budget, then ask for 8-bit gray + alpha rows.
void OnInfo(png_structp png, png_infop info) {
  auto* d = static_cast<PngDecode*>(png_get_progressive_ptr(png));
  d->width = static_cast<int>(png_get_image_width(png, info));
  d->height = static_cast<int>(png_get_image_height(png, info));
  d->budget = CheckPixelBudget(d->page, d->width, d->height, d->max_megapixels);
  if (!d->budget.ok()) png_error(png, "over the pixel budget");
  png_uint_32 xres = 0, yres = 0;
  int unit = 0;
  if (png_get_pHYs(png, info, &xres, &yres, &unit) && unit == PNG_RESOLUTION_METER)
    d->ppi = static_cast<int>(xres * 0.0254 + 0.5);
  const int color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_bit_depth(png, info) == 16) png_set_strip_16(png);
  if (color & PNG_COLOR_MASK_COLOR) png_set_rgb_to_gray_fixed(png, 1, -1, -1);
  png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
  d->interlaced = png_set_interlace_handling(png) > 1;
  png_read_update_info(png, info);
  if (png_get_channels(png, info) != 2 || png_get_bit_depth(png, info) != 8) png_error(png, "unsupported pixel layout");
  const size_t pixels = static_cast<size_t>(d->width) * static_cast<size_t>(d->height);
  d->gray.assign(pixels, 0xff);
  if (d->interlaced) d->gray_alpha.assign(pixels * 2, 0);
  d->started = true;
}

void OnRow(png_structp png, png_bytep row, png_uint_32 y, int pass) {
  auto* d = static_cast<PngDecode*>(png_get_progressive_ptr(png));
  if (!row || y >= static_cast<png_uint_32>(d->height)) return;
  const size_t width = static_cast<size_t>(d->width);
  if (!d->interlaced) {
    CompositeOnWhite(row, d->gray.data() + y * width, width);
    d->rows = static_cast<int>(y) + 1;
    return;
  }
  png_progressive_combine_row(png, d->gray_alpha.data() + y * width * 2, row);
  // Adam7: pass 6 (the last) brings the odd rows once every even row is complete.
  if (pass == 6) d->rows = std::min(d->height, static_cast<int>(y) + 2);
}

// Feeds the whole file; returns false when libpng stopped on an error. No C++ object
// lives in this frame, so the longjmp out of libpng skips no destructor.
bool Feed(png_structp png, png_infop info, const unsigned char* data, size_t size) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_crc_action(png, PNG_CRC_WARN_USE, PNG_CRC_WARN_USE);  // a bad CRC is damage, not a stop
  png_process_data(png, info, const_cast<unsigned char*>(data), size);
  return true;
}

struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReader() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

}  // namespace

StatusOr<GrayFrame> DecodePng(std::string_view bytes, int page, double max_megapixels) {
  PngDecode d;
  d.page = page;
  d.max_megapixels = max_megapixels;
  PngReader r;
  r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &d, OnError, OnWarning);
  if (!r.png) return Status::Internal("libpng failed to start");
  r.info = png_create_info_struct(r.png);
  if (!r.info) return Status::Internal("libpng failed to start");
  png_set_progressive_read_fn(r.png, &d, OnInfo, OnRow, nullptr);
  const bool clean = Feed(r.png, r.info, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  if (!d.budget.ok()) return d.budget;
  if (!d.started) return UnreadableImage("PNG", clean ? "the file ends inside the header" : d.error);
  if (d.interlaced) CompositeOnWhite(d.gray_alpha.data(), d.gray.data(), static_cast<size_t>(d.width) * d.rows);
  if (d.rows == 0) return UnreadableImage("PNG", clean ? "the file ends before the image data does" : d.error);
  GrayFrame frame;
  frame.width = d.width;
  frame.height = d.height;
  frame.rows = d.rows;
  frame.ppi = d.ppi;
  if (d.rows < d.height) frame.damage = clean ? "the file ends before the image data does" : d.error;
  d.gray.resize(static_cast<size_t>(d.width) * static_cast<size_t>(d.rows));
  frame.pixels = std::move(d.gray);
  return frame;
}

}  // namespace goldset::parse
