// libFuzzer target: image decoding through Goldset's wrappers (parse/image_decode.h):
// PNG, JPEG, TIFF (libpng/libjpeg/libtiff, damage-tolerant) and the leptonica formats,
// with a small pixel budget and page limit. No OCR.
// Checks: errors are Unprocessable; a decoded frame's rows and pixels agree with its size.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/image_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace goldset::parse;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto file = ImageFile::Open(bytes, ImageLimits{2.0, 4});
  if (!file.ok()) {
    if (file.status().code() != goldset::Status::Code::kUnprocessable) std::abort();
    return 0;
  }
  if (file->frames() < 1 || file->frames() > 4) std::abort();
  for (int i = 0; i < file->frames(); ++i) {
    auto frame = file->Decode(i);
    if (!frame.ok()) {
      if (frame.status().code() != goldset::Status::Code::kUnprocessable) std::abort();
      continue;
    }
    if (frame->rows < 1 || frame->rows > frame->height || static_cast<double>(frame->width) * frame->height > 2e6 ||
        frame->pixels.size() != static_cast<size_t>(frame->rows) * static_cast<size_t>(frame->width))
      std::abort();
    if (frame->rows < frame->height && frame->damage.empty()) std::abort();
  }
  return 0;
}
