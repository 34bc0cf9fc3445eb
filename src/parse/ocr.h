// OCR with tesseract.
//
// Thread-safety: each calling thread lazily creates and then reuses its own
// tesseract::TessBaseAPI (one per thread and language), so concurrent calls never
// share an engine. Each OCR thread limits OpenMP to one thread (omp_set_num_threads(1),
// the in-process equivalent of OMP_THREAD_LIMIT=1), so a worker uses one core and
// parallelism comes from the worker pool.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parse/document.h"

namespace goldset::parse {

using Deadline = std::chrono::steady_clock::time_point;

// OCRs an 8-bit grayscale image (row stride `bytes_per_line`) into `page`'s text,
// words (pixel boxes) and confidences. `ppi` is the image resolution.
// Time past `deadline` -> Unprocessable("parse exceeded ..."); `cancel` (may be null)
// stops recognition early -> cancel->reason().
Status OcrGray8(const unsigned char* data, int width, int height, int bytes_per_line, int ppi,
                const std::string& language, Deadline deadline, int timeout_ms, Page* page,
                const CancelToken* cancel = nullptr);

// Decodes an image file (PNG, JPEG, TIFF incl. multi-page, BMP, GIF if leptonica
// supports it) and OCRs every frame as one page.
StatusOr<Document> OcrImageFile(std::string_view bytes, const ParseOptions& options,
                                Deadline deadline);

// The message of the time-limit error, shared by every parser.
std::string TimeLimitMessage(int timeout_ms);

}  // namespace goldset::parse
