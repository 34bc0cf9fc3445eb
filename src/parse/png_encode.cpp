// PNG encoding of rendered pages, row by row from the renderer's buffer (no second copy
// of the image).
#include <png.h>

#include <cstdint>

#include "parse/image_codecs.h"

namespace goldset::parse {

namespace {

void Append(png_structp png, png_bytep data, size_t n) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), n);
}
void Flush(png_structp) {}
void OnError(png_structp png, png_const_charp) { png_longjmp(png, 1); }
void OnWarning(png_structp, png_const_charp) {}

// No C++ object lives in this frame, so the longjmp out of libpng skips no destructor.
bool Write(png_structp png, png_infop info, const unsigned char* argb, int width, int height, int bytes_per_row,
           int dpi, unsigned char* rgb_row) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  const auto ppm = static_cast<png_uint_32>(dpi / 0.0254 + 0.5);
  png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
  png_write_info(png, info);
  for (int y = 0; y < height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(argb + static_cast<size_t>(y) * bytes_per_row);
    for (int x = 0; x < width; ++x) {
      rgb_row[3 * x] = static_cast<unsigned char>(row[x] >> 16);
      rgb_row[3 * x + 1] = static_cast<unsigned char>(row[x] >> 8);
      rgb_row[3 * x + 2] = static_cast<unsigned char>(row[x]);
    }
    png_write_row(png, rgb_row);
  }
  png_write_end(png, info);
  return true;
}

}  // namespace

StatusOr<std::string> EncodeArgbPng(const unsigned char* argb, int width, int height, int bytes_per_row, int dpi) {
  std::string out;
  std::vector<unsigned char> rgb_row(static_cast<size_t>(width) * 3);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, OnError, OnWarning);
  if (!png) return Status::Internal("libpng failed to start");
  png_infop info = png_create_info_struct(png);
  bool ok = false;
  if (info) {
    png_set_write_fn(png, &out, Append, Flush);
    ok = Write(png, info, argb, width, height, bytes_per_row, dpi, rgb_row.data());
  }
  png_destroy_write_struct(&png, info ? &info : nullptr);
  if (!ok) return Status::Internal("PNG encoding failed");
  return out;
}

}  // namespace goldset::parse
