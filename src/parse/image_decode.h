// Decoding of image files (PNG, JPEG, TIFF incl. multi-page, and through leptonica BMP,
// GIF, WebP, PNM, JPEG 2000) into 8-bit gray frames for OCR.
//
// Bounded before any pixel is decoded: Open reads only headers and the frame count
// (checked against the page limit); Decode checks the frame's declared dimensions against
// the pixel budget before it allocates, and decodes one frame at a time, so memory is one
// frame (width × height bytes) plus the codec's own buffers.
//
// Damage-tolerant for PNG, JPEG and TIFF: data that breaks off or goes bad part-way yields
// the rows decoded before the damage and a description of it; a frame with no decodable
// row is an error.
//
// Thread-safety: an ImageFile is immutable after Open; Decode may run on several threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace goldset::parse {

struct ImageLimits {
  double max_megapixels = 50;  // per frame (page)
  int max_frames = 500;        // the page limit
};

// One frame as 8-bit gray, 0 = black, rows top to bottom, no padding.
struct GrayFrame {
  int width = 0;
  int height = 0;               // rows the header declares
  int rows = 0;                 // rows decoded: `height`, or fewer when the data is damaged
  int ppi = 0;                  // resolution recorded in the file; 0 when unknown
  std::vector<uint8_t> pixels;  // rows × width
  std::string damage;           // set when rows < height: what went wrong, for the warning
};

// The warning for a frame decoded only in part ("image data damaged after row 6894;
// decoded 98% of the page"). REQUIRES: frame.rows < frame.height.
std::string DamageWarning(const GrayFrame& frame);

// "page 2 is 20000 × 20000 px (400.0 megapixels), over the 50-megapixel limit" when
// width × height exceeds the budget, else OK. Unprocessable.
Status CheckPixelBudget(int page_number, double width, double height, double max_megapixels,
                        std::string_view unit_note = "");

class ImageFile {
 public:
  ImageFile() = default;  // no frames; for StatusOr
  // Identifies the format from the bytes and counts frames. Unprocessable for bytes that
  // are no supported image, or more frames than limits.max_frames.
  // REQUIRES: `bytes` outlives the ImageFile.
  static StatusOr<ImageFile> Open(std::string_view bytes, const ImageLimits& limits);

  int frames() const { return frames_; }

  // Decodes frame `index` (0-based; page index + 1 in messages). Unprocessable when its
  // dimensions are over the budget, or nothing of it decodes.
  StatusOr<GrayFrame> Decode(int index) const;

  enum class Format { kPng, kJpeg, kTiff, kOther };

 private:
  ImageFile(std::string_view bytes, ImageLimits limits, Format format, int frames)
      : bytes_(bytes), limits_(limits), format_(format), frames_(frames) {}

  std::string_view bytes_;
  ImageLimits limits_;
  Format format_ = Format::kOther;
  int frames_ = 0;
};

}  // namespace goldset::parse
