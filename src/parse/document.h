// The parsed form of an uploaded file: pages of text with word boxes.
//
// Produced by ParseDocument (parse.h) and consumed by the processing engines.
// Plain values; thread-safety is that of std::vector/std::string.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"

namespace goldset::parse {

// One word with its box in page coordinates (points for PDF text layers, pixels
// of the OCR'd image otherwise; origin top-left). confidence is 0..1, 1 for a text layer.
struct Word {
  std::string text;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double confidence = 1;
};

// One page. `text` is the page's words in reading order, lines separated by '\n';
// its whitespace-separated tokens are exactly `words`, in the same order.
struct Page {
  int number = 0;  // 1-based
  double width = 0, height = 0;
  std::string text;
  std::vector<Word> words;
  bool ocr = false;            // text came from OCR rather than a text layer
  double mean_confidence = 1;  // mean word confidence, 1 for a text layer
};

struct Document {
  std::vector<Page> pages;
  // What went wrong without failing the parse (an image decoded only in part, ...), in
  // words for the item's result: "image data damaged after row 6894; decoded 98% of the page".
  std::vector<std::string> warnings;
};

struct ParseOptions {
  std::string password;  // for encrypted PDFs
  int max_pages = 500;
  int timeout_ms = 120000;
  int ocr_dpi = 300;
  // Pixel budget per page, checked before anything is rendered or decoded: PDF pages at
  // ocr_dpi (MediaBox × dpi), image frames at their own size.
  double max_page_megapixels = 50;
  // Words in the whole document, checked as pages are read: a text file of one-letter
  // words would otherwise become tens of bytes of Word per byte of input.
  size_t max_words = 1000000;
  std::string ocr_language = "eng";
  // Stops parsing early when it fires (the item's deadline, a lost lease, shutdown); the
  // parse then fails with cancel->reason(). May be null. Not part of the cache key.
  const CancelToken* cancel = nullptr;
};

// Cache of serialized Documents, implemented by the store. Values are opaque strings
// produced by SerializeDocument. Implementations must be thread-safe.
class ParseCache {
 public:
  virtual ~ParseCache() = default;
  virtual std::optional<std::string> Get(const std::string& key) = 0;
  virtual void Put(const std::string& key, const std::string& value) = 0;
};

}  // namespace goldset::parse
