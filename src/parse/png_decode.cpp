// PNG through libpng, row by row, so a file that breaks off keeps the rows before it.
#include <png.h>

#include <cstring>
#include <memory>

#include "parse/image_codecs.h"

namespace goldset::parse {

namespace {

struct PngSource {
  const unsigned char* data;
  size_t size;
  size_t pos = 0;
  char error[200] = "";
};

void ReadBytes(png_structp png, png_bytep out, size_t n) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (src->size - src->pos < n) png_error(png, "the file ends before the image data does");
  std::memcpy(out, src->data + src->pos, n);
  src->pos += n;
}

void OnError(png_structp png, png_const_charp message) {
  auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
  std::snprintf(src->error, sizeof src->error, "%s", message);
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}

// The functions that call setjmp hold no C++ objects, so a longjmp out of libpng skips
// no destructor.
bool ReadInfo(png_structp png, png_infop info) {
  if (setjmp(png_jmpbuf(png))) return false;
  // A bad CRC is damage to report, not a reason to drop the data.
  png_set_crc_action(png, PNG_CRC_WARN_USE, PNG_CRC_WARN_USE);
  png_read_info(png, info);
  return true;
}

// Every PNG becomes 8-bit gray + alpha; the alpha is composited on white by the caller.
bool SetGrayAlphaOutput(png_structp png, png_infop info, int* passes) {
  if (setjmp(png_jmpbuf(png))) return false;
  const int color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_bit_depth(png, info) == 16) png_set_strip_16(png);
  if (color & PNG_COLOR_MASK_COLOR) png_set_rgb_to_gray_fixed(png, 1, -1, -1);
  png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
  *passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  return png_get_channels(png, info) == 2 && png_get_bit_depth(png, info) == 8;
}

void CompositeOnWhite(const unsigned char* gray_alpha, unsigned char* gray, size_t pixels) {
  for (size_t i = 0; i < pixels; ++i) {
    unsigned g = gray_alpha[2 * i], a = gray_alpha[2 * i + 1];
    gray[i] = static_cast<unsigned char>((g * a + 255 * (255 - a) + 127) / 255);
  }
}

// Non-interlaced: each row goes through one row buffer straight into `gray`. *rows counts
// the rows read; false when libpng stopped on an error.
bool ReadRowsSequential(png_structp png, unsigned char* row, unsigned char* gray, int width, int height, int* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  for (int y = 0; y < height; ++y) {
    png_read_row(png, row, nullptr);
    CompositeOnWhite(row, gray + static_cast<size_t>(y) * width, static_cast<size_t>(width));
    *rows = y + 1;
  }
  return true;
}

// Interlaced: every pass fills the whole gray+alpha image; a row is complete only after
// the last pass.
bool ReadRowsInterlaced(png_structp png, unsigned char* gray_alpha, int width, int height, int passes, int* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  for (int pass = 0; pass < passes; ++pass) {
    for (int y = 0; y < height; ++y) {
      png_read_row(png, gray_alpha + static_cast<size_t>(y) * width * 2, nullptr);
      if (pass == passes - 1) *rows = y + 1;
    }
  }
  return true;
}

struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReader() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

}  // namespace

StatusOr<GrayFrame> DecodePng(std::string_view bytes, int page, double max_megapixels) {
  PngSource src{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()};
  PngReader r;
  r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, OnError, OnWarning);
  if (!r.png) return Status::Internal("libpng failed to start");
  r.info = png_create_info_struct(r.png);
  if (!r.info) return Status::Internal("libpng failed to start");
  png_set_read_fn(r.png, &src, ReadBytes);
  if (!ReadInfo(r.png, r.info)) return UnreadableImage("PNG", src.error);
  GrayFrame frame;
  frame.width = static_cast<int>(png_get_image_width(r.png, r.info));
  frame.height = static_cast<int>(png_get_image_height(r.png, r.info));
  GOLDSET_RETURN_IF_ERROR(CheckPixelBudget(page, frame.width, frame.height, max_megapixels));
  png_uint_32 xres = 0, yres = 0;
  int unit = 0;
  if (png_get_pHYs(r.png, r.info, &xres, &yres, &unit) && unit == PNG_RESOLUTION_METER)
    frame.ppi = static_cast<int>(xres * 0.0254 + 0.5);
  int passes = 1;
  if (!SetGrayAlphaOutput(r.png, r.info, &passes)) return UnreadableImage("PNG", src.error);
  const size_t width = static_cast<size_t>(frame.width);
  frame.pixels.resize(width * static_cast<size_t>(frame.height));
  int rows = 0;
  bool complete;
  if (passes == 1) {
    std::vector<unsigned char> row(width * 2);
    complete = ReadRowsSequential(r.png, row.data(), frame.pixels.data(), frame.width, frame.height, &rows);
  } else {
    std::vector<unsigned char> gray_alpha(width * 2 * static_cast<size_t>(frame.height));
    complete = ReadRowsInterlaced(r.png, gray_alpha.data(), frame.width, frame.height, passes, &rows);
    CompositeOnWhite(gray_alpha.data(), frame.pixels.data(), width * static_cast<size_t>(rows));
  }
  if (rows == 0) return UnreadableImage("PNG", src.error);
  frame.rows = rows;
  frame.pixels.resize(width * static_cast<size_t>(rows));
  if (!complete) frame.damage = src.error;
  return frame;
}

}  // namespace goldset::parse
