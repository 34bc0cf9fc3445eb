#include "parse/image_decode.h"

#include <leptonica/allheaders.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "parse/image_codecs.h"

namespace goldset::parse {

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

ImageFile::Format Sniff(std::string_view b) {
  if (StartsWith(b, "\x89PNG\r\n\x1a\n")) return ImageFile::Format::kPng;
  if (StartsWith(b, "\xFF\xD8\xFF")) return ImageFile::Format::kJpeg;
  if (StartsWith(b, std::string_view("II*\0", 4)) || StartsWith(b, std::string_view("MM\0*", 4)) ||
      StartsWith(b, std::string_view("II+\0", 4)) || StartsWith(b, std::string_view("MM\0+", 4)))
    return ImageFile::Format::kTiff;
  return ImageFile::Format::kOther;
}

uint32_t Le16(std::string_view b, size_t at) {
  return static_cast<uint8_t>(b[at]) | static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8;
}
uint32_t Le32(std::string_view b, size_t at) { return Le16(b, at) | Le16(b, at + 2) << 16; }

// BMP dimensions from the header (leptonica has no header-only reader for BMP).
Status CheckBmp(std::string_view b, int page, double max_megapixels) {
  if (b.size() < 26) return UnreadableImage("BMP", "the header is truncated");
  const uint32_t header = Le32(b, 14);
  double w, h;
  if (header == 12) {
    w = Le16(b, 18);
    h = Le16(b, 20);
  } else {
    w = std::fabs(static_cast<double>(static_cast<int32_t>(Le32(b, 18))));
    h = std::fabs(static_cast<double>(static_cast<int32_t>(Le32(b, 22))));
  }
  return CheckPixelBudget(page, w, h, max_megapixels);
}

// GIF: leptonica (giflib) decodes every frame of the file, so every image descriptor is
// read first and their pixels count together.
Status CheckGif(std::string_view b, int page, double max_megapixels) {
  if (b.size() < 13) return UnreadableImage("GIF", "the header is truncated");
  size_t p = 13;
  if (b[10] & 0x80) p += 3u << ((b[10] & 7) + 1);
  double total = 0;
  int frames = 0;
  auto skip_sub_blocks = [&] {
    while (p < b.size() && b[p] != 0) p += 1 + static_cast<uint8_t>(b[p]);
    ++p;
  };
  while (p < b.size() && b[p] != 0x3B) {
    if (b[p] == 0x21) {  // extension: label, sub-blocks
      p += 2;
      skip_sub_blocks();
    } else if (b[p] == 0x2C && p + 10 <= b.size()) {
      const double w = Le16(b, p + 5), h = Le16(b, p + 7);
      GOLDSET_RETURN_IF_ERROR(CheckPixelBudget(page, w, h, max_megapixels));
      total += w * h;
      ++frames;
      const char flags = b[p + 9];
      p += 10;
      if (flags & 0x80) p += 3u << ((flags & 7) + 1);
      p += 1;  // LZW minimum code size
      skip_sub_blocks();
    } else {
      break;
    }
  }
  if (total > max_megapixels * 1e6) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "page %d is a GIF of %d frames, %.1f megapixels in all, over the %g-megapixel limit",
                  page, frames, total / 1e6, max_megapixels);
    return Status::Unprocessable(msg);
  }
  return Status::OK();
}

struct PixDeleter {
  void operator()(Pix* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

}  // namespace

Status UnreadableImage(std::string_view format, std::string_view detail) {
  std::string m = "corrupt or unreadable " + (format.empty() ? "" : std::string(format) + " ") + "image";
  if (!detail.empty()) m += ": " + std::string(detail);
  return Status::Unprocessable(m);
}

Status CheckPixelBudget(int page_number, double width, double height, double max_megapixels,
                        std::string_view unit_note) {
  const double megapixels = width * height / 1e6;
  if (std::isfinite(megapixels) && megapixels <= max_megapixels) return Status::OK();
  char msg[200];
  if (unit_note.empty()) {
    std::snprintf(msg, sizeof msg, "page %d is %.0f x %.0f px (%.1f megapixels), over the %g-megapixel limit",
                  page_number, width, height, megapixels, max_megapixels);
  } else {
    std::snprintf(msg, sizeof msg, "page %d is %.1f megapixels %.*s, over the %g-megapixel limit", page_number,
                  megapixels, static_cast<int>(unit_note.size()), unit_note.data(), max_megapixels);
  }
  return Status::Unprocessable(msg);
}

std::string DamageWarning(const GrayFrame& frame) {
  const std::string detail = frame.damage.empty() ? "" : " (" + frame.damage + ")";
  if (frame.rows >= frame.height) return "image data damaged" + detail + "; the page was decoded but may be degraded";
  const int percent = static_cast<int>(100.0 * frame.rows / frame.height);
  return "image data damaged after row " + std::to_string(frame.rows) + detail + "; decoded " +
         std::to_string(percent) + "% of the page";
}

StatusOr<GrayFrame> DecodeWithLeptonica(std::string_view bytes, int page, double max_megapixels) {
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 format = IFF_UNKNOWN;
  if (bytes.size() < 12 || findFileFormatBuffer(data, &format) != 0) return UnreadableImage("", "unknown format");
  switch (format) {
    case IFF_BMP: GOLDSET_RETURN_IF_ERROR(CheckBmp(bytes, page, max_megapixels)); break;
    case IFF_GIF: GOLDSET_RETURN_IF_ERROR(CheckGif(bytes, page, max_megapixels)); break;
    case IFF_PNM:
    case IFF_WEBP:
    case IFF_JP2: {
      // Leptonica reads only the header for these formats.
      l_int32 fmt = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
      if (pixReadHeaderMem(data, bytes.size(), &fmt, &w, &h, &bps, &spp, &cmap) != 0)
        return UnreadableImage("", "the header cannot be read");
      GOLDSET_RETURN_IF_ERROR(CheckPixelBudget(page, w, h, max_megapixels));
      break;
    }
    default: return UnreadableImage("", "unsupported image format");
  }
  PixPtr pix(pixReadMem(data, bytes.size()));
  if (!pix) return UnreadableImage("", "");
  PixPtr gray(pixConvertTo8(pix.get(), 0));
  if (!gray) return UnreadableImage("", "unsupported pixel format");
  GrayFrame frame;
  frame.width = pixGetWidth(gray.get());
  frame.height = frame.rows = pixGetHeight(gray.get());
  frame.ppi = pixGetXRes(pix.get());
  frame.pixels.resize(static_cast<size_t>(frame.width) * static_cast<size_t>(frame.height));
  const l_int32 wpl = pixGetWpl(gray.get());
  const l_uint32* src = pixGetData(gray.get());
  for (int y = 0; y < frame.height; ++y) {
    const l_uint32* line = src + static_cast<size_t>(y) * wpl;
    uint8_t* out = frame.pixels.data() + static_cast<size_t>(y) * frame.width;
    for (int x = 0; x < frame.width; ++x) out[x] = static_cast<uint8_t>(GET_DATA_BYTE(line, x));
  }
  return frame;
}

StatusOr<ImageFile> ImageFile::Open(std::string_view bytes, const ImageLimits& limits) {
  const Format format = Sniff(bytes);
  int frames = 1;
  if (format == Format::kTiff) {
    auto n = CountTiffFrames(bytes, limits.max_frames);
    if (!n.ok()) return n.status();
    frames = *n;
  }
  return ImageFile(bytes, limits, format, frames);
}

StatusOr<GrayFrame> ImageFile::Decode(int index) const {
  if (index < 0 || index >= frames_) return Status::NotFound("no page " + std::to_string(index + 1));
  switch (format_) {
    case Format::kPng: return DecodePng(bytes_, index + 1, limits_.max_megapixels);
    case Format::kJpeg: return DecodeJpeg(bytes_, index + 1, limits_.max_megapixels);
    case Format::kTiff: return DecodeTiffFrame(bytes_, index, limits_.max_megapixels);
    case Format::kOther: break;
  }
  return DecodeWithLeptonica(bytes_, index + 1, limits_.max_megapixels);
}

}  // namespace goldset::parse
