#include "processors/doc_lines.h"

#include <cctype>

namespace goldset::processors {

double DocLine::Confidence() const {
  if (word_confidence.empty()) return 1;
  double s = 0;
  for (double c : word_confidence) s += c;
  return s / word_confidence.size();
}

double DocLine::ConfidenceOf(size_t begin, size_t end) const {
  double sum = 0;
  int n = 0;
  size_t tok = 0, i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    size_t s = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (s < end && i > begin && tok < word_confidence.size()) {
      sum += word_confidence[tok];
      ++n;
    }
    ++tok;
  }
  return n ? sum / n : Confidence();
}

std::vector<DocLine> SplitLines(const parse::Document& doc) {
  std::vector<DocLine> lines;
  for (const auto& page : doc.pages) {
    size_t word = 0;
    size_t start = 0;
    while (start <= page.text.size()) {
      size_t nl = page.text.find('\n', start);
      DocLine line;
      line.page = page.number;
      line.text = page.text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      // Page text tokens correspond one to one with page.words (document.h); when a
      // producer broke that, fall back to the page's mean confidence.
      size_t i = 0;
      while (i < line.text.size()) {
        while (i < line.text.size() && std::isspace(static_cast<unsigned char>(line.text[i]))) ++i;
        if (i >= line.text.size()) break;
        while (i < line.text.size() && !std::isspace(static_cast<unsigned char>(line.text[i]))) ++i;
        line.word_confidence.push_back(word < page.words.size() ? page.words[word].confidence
                                                                : page.mean_confidence);
        ++word;
      }
      if (!line.word_confidence.empty()) lines.push_back(std::move(line));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  return lines;
}

std::string FullText(const parse::Document& doc) {
  std::string out;
  for (const auto& p : doc.pages) {
    if (!out.empty()) out += "\n\f\n";
    out += p.text;
  }
  return out;
}

}  // namespace goldset::processors
