// TIFF through libtiff: frame counting from the directory chain, and scanline decoding
// of one frame at a time. Strip-organised gray, RGB and palette images (what scanners
// and fax software write) are read row by row, so damage keeps the rows before it; other
// layouts (tiles, YCbCr, separate planes) go through libtiff's RGBA reader, all or
// nothing.
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>

#include "parse/image_codecs.h"

namespace goldset::parse {

namespace {

// The file in memory. Reads that start inside the file but run past its end (the strip
// a truncated file breaks off in) are padded with zeros up to `pad_end`, so libtiff
// decodes the part that is there; Decode stops at the rows the real bytes can hold.
struct TiffSource {
  const unsigned char* data;
  uint64_t size;
  uint64_t pos = 0;
  uint64_t pad_end = 0;  // no padding until a frame's size is known
  char error[256] = "";
};

tmsize_t Read(thandle_t h, void* buf, tmsize_t n) {
  auto* s = static_cast<TiffSource*>(h);
  if (n <= 0 || s->pos >= s->size) return 0;
  const uint64_t want = static_cast<uint64_t>(n);
  const uint64_t have = std::min(want, s->size - s->pos);
  std::memcpy(buf, s->data + s->pos, have);
  uint64_t got = have;
  if (have < want && s->pos + want <= s->pad_end) {
    std::memset(static_cast<char*>(buf) + have, 0, want - have);
    got = want;
  }
  s->pos += got;
  return static_cast<tmsize_t>(got);
}
tmsize_t Write(thandle_t, void*, tmsize_t) { return 0; }
toff_t Seek(thandle_t h, toff_t off, int whence) {
  auto* s = static_cast<TiffSource*>(h);
  uint64_t base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? s->size : 0;
  s->pos = base + off;
  return s->pos;
}
int Close(thandle_t) { return 0; }
toff_t Size(thandle_t h) { return static_cast<TiffSource*>(h)->size; }
int Map(thandle_t, void**, toff_t*) { return 0; }
void Unmap(thandle_t, void*, toff_t) {}

int OnError(TIFF*, void* user, const char*, const char* fmt, va_list ap) {
  auto* s = static_cast<TiffSource*>(user);
  if (s->error[0] == '\0') std::vsnprintf(s->error, sizeof s->error, fmt, ap);
  return 1;  // handled: nothing reaches libtiff's global handler (stderr)
}
int OnWarning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
using TiffPtr = std::unique_ptr<TIFF, TiffCloser>;

// Opens without memory mapping (so reads go through Read) and with libtiff's own
// allocations capped, independently of the checks here.
TiffPtr Open(TiffSource* src, uint64_t max_alloc) {
  TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(opts, OnError, src);
  TIFFOpenOptionsSetWarningHandlerExtR(opts, OnWarning, src);
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts, static_cast<tmsize_t>(max_alloc));
  TIFF* t = TIFFClientOpenExt("image", "rm", src, Read, Write, Seek, Close, Size, Map, Unmap, opts);
  TIFFOpenOptionsFree(opts);
  return TiffPtr(t);
}

uint64_t MaxAlloc(double max_megapixels) { return static_cast<uint64_t>(max_megapixels * 1e6 * 8) + (64u << 20); }

// The layouts read row by row.
struct Layout {
  uint16_t bits = 1, samples = 1, photometric = PHOTOMETRIC_MINISWHITE, planar = PLANARCONFIG_CONTIG;
  uint16_t *red = nullptr, *green = nullptr, *blue = nullptr;  // palette
};

bool ScanlineReadable(TIFF* t, Layout* l) {
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &l->bits);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &l->samples);
  TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &l->planar);
  if (!TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &l->photometric)) return false;
  if (TIFFIsTiled(t) || (l->planar != PLANARCONFIG_CONTIG && l->samples > 1)) return false;
  switch (l->photometric) {
    case PHOTOMETRIC_MINISWHITE:
    case PHOTOMETRIC_MINISBLACK:
      return l->samples >= 1 && (l->bits == 1 || l->bits == 2 || l->bits == 4 || l->bits == 8 || l->bits == 16);
    case PHOTOMETRIC_RGB: return l->samples >= 3 && (l->bits == 8 || l->bits == 16);
    case PHOTOMETRIC_PALETTE:
      return l->samples == 1 && l->bits <= 8 && TIFFGetField(t, TIFFTAG_COLORMAP, &l->red, &l->green, &l->blue);
    default: return false;
  }
}

// Sample `i` of a row as stored.
unsigned RawSample(const unsigned char* row, size_t i, uint16_t bits) {
  if (bits == 16) return reinterpret_cast<const uint16_t*>(row)[i];
  if (bits == 8) return row[i];
  size_t bit = i * bits;
  return (row[bit / 8] >> (8 - bits - bit % 8)) & ((1u << bits) - 1);
}

// Sample `i` of a row scaled to 0..255.
unsigned Sample(const unsigned char* row, size_t i, uint16_t bits) {
  unsigned v = RawSample(row, i, bits);
  if (bits == 16) return v >> 8;
  return bits == 8 ? v : v * 255 / ((1u << bits) - 1);
}

void RowToGray(const unsigned char* row, unsigned char* gray, uint32_t width, const Layout& l) {
  for (uint32_t x = 0; x < width; ++x) {
    const size_t i = static_cast<size_t>(x) * l.samples;
    unsigned v;
    if (l.photometric == PHOTOMETRIC_RGB) {
      v = (299 * Sample(row, i, l.bits) + 587 * Sample(row, i + 1, l.bits) + 114 * Sample(row, i + 2, l.bits)) / 1000;
    } else if (l.photometric == PHOTOMETRIC_PALETTE) {
      unsigned index = RawSample(row, i, l.bits);
      v = (299 * (l.red[index] >> 8) + 587 * (l.green[index] >> 8) + 114 * (l.blue[index] >> 8)) / 1000;
    } else {
      v = Sample(row, i, l.bits);
      if (l.photometric == PHOTOMETRIC_MINISWHITE) v = 255 - v;
    }
    gray[x] = static_cast<unsigned char>(v);
  }
}

// Rows of strip `strip` that the real bytes can hold (all of them unless the file ends
// inside the strip).
uint32_t RowsPresent(TIFF* t, const TiffSource& src, uint32_t strip, uint32_t rows_in_strip, tmsize_t row_bytes) {
  uint64_t *offsets = nullptr, *counts = nullptr;
  if (!TIFFGetField(t, TIFFTAG_STRIPOFFSETS, &offsets) || !TIFFGetField(t, TIFFTAG_STRIPBYTECOUNTS, &counts))
    return rows_in_strip;
  const uint64_t offset = offsets[strip], count = counts[strip];
  if (count == 0 || (offset < src.size && src.size - offset >= count)) return rows_in_strip;
  const uint64_t present = offset < src.size ? src.size - offset : 0;
  uint16_t compression = COMPRESSION_NONE;
  TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &compression);
  if (compression == COMPRESSION_NONE && row_bytes > 0)
    return static_cast<uint32_t>(std::min<uint64_t>(rows_in_strip, present / static_cast<uint64_t>(row_bytes)));
  // Compressed: rows in proportion to the bytes there, so zero padding never passes for
  // image data.
  return static_cast<uint32_t>(static_cast<uint64_t>(rows_in_strip) * present / count);
}

StatusOr<GrayFrame> DecodeScanlines(TIFF* t, TiffSource* src, const Layout& l, GrayFrame frame) {
  const tmsize_t row_bytes = TIFFScanlineSize(t);
  if (row_bytes <= 0) return UnreadableImage("TIFF", src->error);
  uint32_t rows_per_strip = static_cast<uint32_t>(frame.height);
  TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
  rows_per_strip = std::clamp<uint32_t>(rows_per_strip, 1, static_cast<uint32_t>(frame.height));
  src->pad_end = src->size + static_cast<uint64_t>(row_bytes) * static_cast<uint64_t>(frame.height) + (1u << 20);
  std::vector<unsigned char> row(static_cast<size_t>(row_bytes));
  frame.pixels.resize(static_cast<size_t>(frame.width) * static_cast<size_t>(frame.height));
  uint32_t strip_end = 0;  // first row after the rows present in the current strip
  for (uint32_t y = 0; y < static_cast<uint32_t>(frame.height); ++y) {
    if (y % rows_per_strip == 0) {
      uint32_t in_strip = std::min(rows_per_strip, static_cast<uint32_t>(frame.height) - y);
      strip_end = y + RowsPresent(t, *src, y / rows_per_strip, in_strip, row_bytes);
    }
    if (y >= strip_end) {
      frame.damage = "the file ends inside the image data";
      break;
    }
    if (TIFFReadScanline(t, row.data(), y, 0) < 0) {
      frame.damage = src->error[0] ? src->error : "unreadable scanline";
      break;
    }
    RowToGray(row.data(), frame.pixels.data() + static_cast<size_t>(y) * frame.width,
              static_cast<uint32_t>(frame.width), l);
    frame.rows = static_cast<int>(y) + 1;
  }
  if (frame.rows == 0) return UnreadableImage("TIFF", frame.damage);
  frame.pixels.resize(static_cast<size_t>(frame.width) * static_cast<size_t>(frame.rows));
  return frame;
}

StatusOr<GrayFrame> DecodeRgba(TIFF* t, TiffSource* src, GrayFrame frame) {
  char why[1024] = "";
  if (!TIFFRGBAImageOK(t, why)) return UnreadableImage("TIFF", why);
  const size_t pixels = static_cast<size_t>(frame.width) * static_cast<size_t>(frame.height);
  std::vector<uint32_t> raster(pixels);
  if (!TIFFReadRGBAImageOriented(t, static_cast<uint32_t>(frame.width), static_cast<uint32_t>(frame.height),
                                 raster.data(), ORIENTATION_TOPLEFT, /*stop_on_error=*/1))
    return UnreadableImage("TIFF", src->error);
  frame.pixels.resize(pixels);
  for (size_t i = 0; i < pixels; ++i) {
    uint32_t p = raster[i];
    unsigned a = TIFFGetA(p);
    unsigned v = (299 * TIFFGetR(p) + 587 * TIFFGetG(p) + 114 * TIFFGetB(p)) / 1000;
    frame.pixels[i] = static_cast<uint8_t>((v * a + 255 * (255 - a)) / 255);
  }
  frame.rows = frame.height;
  return frame;
}

}  // namespace

StatusOr<int> CountTiffFrames(std::string_view bytes, int max_frames) {
  TiffSource src{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()};
  TiffPtr t = Open(&src, 64u << 20);
  if (!t) return UnreadableImage("TIFF", src.error);
  // Follows the chain of directory offsets only (libtiff detects loops); no frame is read.
  const tdir_t n = TIFFNumberOfDirectories(t.get());
  if (n == 0) return UnreadableImage("TIFF", src.error);
  if (n > static_cast<tdir_t>(max_frames))
    return Status::Unprocessable("document has " + std::to_string(n) + " pages, over the " +
                                 std::to_string(max_frames) + "-page limit");
  return static_cast<int>(n);
}

StatusOr<GrayFrame> DecodeTiffFrame(std::string_view bytes, int index, double max_megapixels) {
  TiffSource src{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()};
  TiffPtr t = Open(&src, MaxAlloc(max_megapixels));
  if (!t || !TIFFSetDirectory(t.get(), static_cast<tdir_t>(index)))
    return UnreadableImage("TIFF", src.error[0] ? src.error : "page " + std::to_string(index + 1) + " cannot be read");
  uint32_t width = 0, height = 0;
  if (!TIFFGetField(t.get(), TIFFTAG_IMAGEWIDTH, &width) || !TIFFGetField(t.get(), TIFFTAG_IMAGELENGTH, &height) ||
      width == 0 || height == 0)
    return UnreadableImage("TIFF", "page " + std::to_string(index + 1) + " has no dimensions");
  GOLDSET_RETURN_IF_ERROR(CheckPixelBudget(index + 1, width, height, max_megapixels));
  GrayFrame frame;
  frame.width = static_cast<int>(width);
  frame.height = static_cast<int>(height);
  float xres = 0;
  uint16_t unit = RESUNIT_INCH;
  if (TIFFGetField(t.get(), TIFFTAG_XRESOLUTION, &xres) && xres > 0) {
    TIFFGetFieldDefaulted(t.get(), TIFFTAG_RESOLUTIONUNIT, &unit);
    // The file may record any float (a hostile one 4e9 or infinity): a resolution an int
    // cannot hold is treated as unknown rather than converted (undefined behaviour).
    const double per_inch = unit == RESUNIT_CENTIMETER ? xres * 2.54 : unit == RESUNIT_INCH ? xres : 0.0;
    if (per_inch > 0 && per_inch < 2147483647.0) frame.ppi = static_cast<int>(per_inch + 0.5);
  }
  Layout layout;
  if (ScanlineReadable(t.get(), &layout)) return DecodeScanlines(t.get(), &src, layout, std::move(frame));
  return DecodeRgba(t.get(), &src, std::move(frame));
}

}  // namespace goldset::parse
