// The lines of a parsed document with the page and OCR confidence of each, the unit
// the rules extractor searches. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "parse/document.h"

namespace goldset::processors {

struct DocLine {
  int page = 1;
  std::string text;
  std::vector<double> word_confidence;  // one per whitespace-separated token of `text`
  double Confidence() const;            // mean of word_confidence, 1 when empty
  // Mean confidence of the tokens overlapping byte range [begin, end) of `text`.
  double ConfidenceOf(size_t begin, size_t end) const;
};

std::vector<DocLine> SplitLines(const parse::Document& doc);

// `line` with typical OCR debris removed, for row patterns: tokens without letters or
// digits dropped ("=", "."), stray marks trimmed from the ends of words and numbers
// ("19°" -> "19", "Tape’" -> "Tape"), and "130:49" read as "130.49".
std::string CleanOcrLine(const std::string& line);

// Full text of the document, pages separated by "\n\f\n".
std::string FullText(const parse::Document& doc);

}  // namespace goldset::processors
