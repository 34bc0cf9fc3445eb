// libFuzzer target: PDF parsing through Goldset's wrappers: page count, text layers,
// page rendering (with a tiny pixel budget, so rendering and OCR stay cheap and any
// larger page must be refused before rendering).
// Checks: errors are Unprocessable (parse), or NotFound/TooLarge/Unprocessable (render).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/file_type.h"
#include "parse/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace goldset::parse;
  using Code = goldset::Status::Code;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)PdfPageCount(bytes, "");
  ParseOptions options;
  options.timeout_ms = 5000;
  options.max_pages = 20;
  options.max_words = 20000;
  options.ocr_dpi = 72;
  options.max_page_megapixels = 0.02;
  auto doc = ParseDocument(bytes, "PDF", options);
  if (!doc.ok() && doc.status().code() != Code::kUnprocessable) std::abort();
  auto png = RenderPdfPagePng(bytes, "", 1, 10, 0.02);
  if (!png.ok() && png.status().code() != Code::kUnprocessable && png.status().code() != Code::kNotFound &&
      png.status().code() != Code::kTooLarge)
    std::abort();
  return 0;
}
