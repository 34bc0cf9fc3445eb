// PDF parsing with poppler-cpp: text layer per page, OCR for pages without one.
// Thread-safety: reentrant; poppler documents are created per call.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "parse/document.h"
#include "parse/ocr.h"

namespace goldset::parse {

// REQUIRES: `bytes` outlives the call (poppler reads it in place).
StatusOr<Document> ParsePdf(std::string_view bytes, const ParseOptions& options, Deadline deadline);

}  // namespace goldset::parse
