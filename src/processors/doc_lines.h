// The lines of a parsed document with the page and OCR confidence of each, the unit
// the rules extractor searches. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parse/document.h"

namespace goldset::processors {

struct DocLine {
  int page = 1;
  size_t offset = 0;  // byte offset of `text` in its page's text
  std::string text;
  std::vector<double> word_confidence;  // one per whitespace-separated token of `text`
  double Confidence() const;            // mean of word_confidence, 1 when empty
  // Mean confidence of the tokens overlapping byte range [begin, end) of `text`.
  double ConfidenceOf(size_t begin, size_t end) const;
};

std::vector<DocLine> SplitLines(const parse::Document& doc);

// A rectangle on a page, in the page's coordinates (parse/document.h), with the page's
// size in the same units, so that x / page_width places it on any rendering.
struct WordBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double page_width = 0, page_height = 0;
  void Add(const WordBox& other);  // grows to cover `other` (same page)
};

// Finds the word boxes under a span of a page's text. Pages without a coordinate system
// (plain text, width or height 0) and pages whose text does not match their words token
// for token give no boxes. Built once per document: O(words); each lookup O(log words).
// REQUIRES: `doc` outlives the locator.
class WordLocator {
 public:
  explicit WordLocator(const parse::Document& doc);
  // The box around the words overlapping bytes [begin, end) of page `page_number`'s text.
  std::optional<WordBox> BoxOf(int page_number, size_t begin, size_t end) const;

 private:
  struct PageIndex {
    const parse::Page* page = nullptr;
    std::vector<std::pair<size_t, size_t>> tokens;  // [begin, end) of each word in page.text
  };
  std::vector<PageIndex> pages_;  // by page number - 1; page null: no usable boxes
};

// `line` with typical OCR debris removed, for row patterns: tokens without letters or
// digits dropped ("=", "."), stray marks trimmed from the ends of words and numbers
// ("19°" -> "19", "Tape’" -> "Tape"), and "130:49" read as "130.49".
std::string CleanOcrLine(const std::string& line);

// Full text of the document, pages separated by "\n\f\n".
std::string FullText(const parse::Document& doc);

}  // namespace goldset::processors
