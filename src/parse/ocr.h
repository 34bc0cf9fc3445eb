// OCR with tesseract.
//
// Thread-safety: each calling thread lazily creates and then reuses its own
// tesseract::TessBaseAPI (one per thread and language), so concurrent calls never
// share an engine. Each OCR thread limits OpenMP to one thread (omp_set_num_threads(1),
// the in-process equivalent of OMP_THREAD_LIMIT=1), so a worker uses one core and
// parallelism comes from the worker pool.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parse/deadline.h"
#include "parse/document.h"

namespace goldset::parse {

// OCRs an 8-bit grayscale image (row stride `bytes_per_line`) into `page`'s text,
// words (pixel boxes) and confidences. `ppi` is the image resolution.
// Time past `deadline` -> Unprocessable("parse exceeded ..."); `cancel` (may be null)
// stops recognition early -> cancel->reason().
Status OcrGray8(const unsigned char* data, int width, int height, int bytes_per_line, int ppi,
                const std::string& language, Deadline deadline, int timeout_ms, Page* page,
                const CancelToken* cancel = nullptr);

// Decodes an image file (image_decode.h: PNG, JPEG, TIFF incl. multi-page, BMP, GIF, ...)
// one frame at a time and OCRs every frame as one page. A frame over the pixel budget, or
// more frames than max_pages, fails before anything is decoded; a frame decoded only in
// part (damaged data) is OCR'd as far as it goes and adds a warning to the Document.
StatusOr<Document> OcrImageFile(std::string_view bytes, const ParseOptions& options, Deadline deadline);

}  // namespace goldset::parse
