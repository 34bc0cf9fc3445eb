// The per-format decoders behind ImageFile (image_decode.h); internal to parse/.
// Each reads the frame's header, checks its dimensions with CheckPixelBudget before it
// allocates pixels, and returns 8-bit gray. `page` (1-based) only names the frame in
// messages. Reentrant: no shared state (codec error handlers are per call).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "parse/image_decode.h"

namespace goldset::parse {

// Damage-tolerant: rows decoded before bad or missing data are returned with `damage`.
StatusOr<GrayFrame> DecodePng(std::string_view bytes, int page, double max_megapixels);
StatusOr<GrayFrame> DecodeJpeg(std::string_view bytes, int page, double max_megapixels);
StatusOr<GrayFrame> DecodeTiffFrame(std::string_view bytes, int index, double max_megapixels);

// Frames of a TIFF, counted from the directory chain without decoding any; more than
// `max_frames` -> Unprocessable (the page limit).
StatusOr<int> CountTiffFrames(std::string_view bytes, int max_frames);

// BMP, GIF, WebP, PNM and JPEG 2000 through leptonica, after a header check; not
// damage-tolerant.
StatusOr<GrayFrame> DecodeWithLeptonica(std::string_view bytes, int page, double max_megapixels);

// PNG (8-bit RGB, `dpi` recorded) of a 32-bit native-endian ARGB image, e.g. a page
// poppler rendered; alpha is dropped (pages render on white).
StatusOr<std::string> EncodeArgbPng(const unsigned char* argb, int width, int height, int bytes_per_row, int dpi);

// "corrupt or unreadable <format> image[: detail]": the error when nothing decodes.
Status UnreadableImage(std::string_view format, std::string_view detail);

}  // namespace goldset::parse
