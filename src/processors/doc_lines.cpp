#include "processors/doc_lines.h"

#include <algorithm>
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
      line.offset = start;
      line.text = page.text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      // Page text tokens correspond one to one with page.words (document.h); when a
      // producer broke that, fall back to the page's mean confidence.
      size_t i = 0;
      while (i < line.text.size()) {
        while (i < line.text.size() && std::isspace(static_cast<unsigned char>(line.text[i]))) ++i;
        if (i >= line.text.size()) break;
        while (i < line.text.size() && !std::isspace(static_cast<unsigned char>(line.text[i]))) ++i;
        line.word_confidence.push_back(word < page.words.size() ? page.words[word].confidence : page.mean_confidence);
        ++word;
      }
      if (!line.word_confidence.empty()) lines.push_back(std::move(line));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  return lines;
}

void WordBox::Add(const WordBox& o) {
  x0 = std::min(x0, o.x0);
  y0 = std::min(y0, o.y0);
  x1 = std::max(x1, o.x1);
  y1 = std::max(y1, o.y1);
}

WordLocator::WordLocator(const parse::Document& doc) {
  for (const auto& page : doc.pages) {
    if (page.number < 1 || page.number > static_cast<int>(doc.pages.size())) continue;
    if (pages_.size() < static_cast<size_t>(page.number)) pages_.resize(static_cast<size_t>(page.number));
    if (!(page.width > 0 && page.height > 0)) continue;
    PageIndex index{&page, {}};
    const std::string& t = page.text;
    size_t i = 0;
    while (i < t.size()) {
      while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
      if (i >= t.size()) break;
      size_t b = i;
      while (i < t.size() && !std::isspace(static_cast<unsigned char>(t[i]))) ++i;
      index.tokens.emplace_back(b, i);
    }
    // A producer that broke the token-word correspondence gets no boxes rather than wrong ones.
    if (index.tokens.size() == page.words.size()) pages_[static_cast<size_t>(page.number - 1)] = std::move(index);
  }
}

std::optional<WordBox> WordLocator::BoxOf(int page_number, size_t begin, size_t end) const {
  if (page_number < 1 || static_cast<size_t>(page_number) > pages_.size() || begin >= end) return std::nullopt;
  const PageIndex* index = &pages_[static_cast<size_t>(page_number - 1)];
  if (!index->page) return std::nullopt;
  // First token ending after `begin`; tokens are sorted and disjoint.
  auto it = std::lower_bound(index->tokens.begin(), index->tokens.end(), begin,
                             [](const std::pair<size_t, size_t>& tok, size_t at) { return tok.second <= at; });
  std::optional<WordBox> box;
  for (; it != index->tokens.end() && it->first < end; ++it) {
    const parse::Word& w = index->page->words[static_cast<size_t>(it - index->tokens.begin())];
    WordBox b{w.x0, w.y0, w.x1, w.y1, index->page->width, index->page->height};
    if (box) box->Add(b);
    else box = b;
  }
  return box;
}

std::string CleanOcrLine(const std::string& line) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out, tok;
  auto flush = [&] {
    if (tok.empty()) return;
    bool has_alnum = false, has_digit = false;
    for (char c : tok) {
      has_alnum |= alnum(c);
      has_digit |= digit(c);
    }
    if (has_alnum) {
      size_t b = 0, e = tok.size();
      if (has_digit) {
        while (b < e && !digit(tok[b]) && tok[b] != '$' && tok[b] != '-' && tok[b] != '(' && (tok[b] & 0x80) == 0) ++b;
        while (e > b && !digit(tok[e - 1]) && tok[e - 1] != ')' && tok[e - 1] != '%') --e;
      } else {
        while (e > b && !alnum(tok[e - 1]) && tok[e - 1] != ':' && tok[e - 1] != ')') --e;
      }
      std::string t = tok.substr(b, e - b);
      // A lone "(" is debris; "(12.00)" is a negative amount.
      if (!t.empty() && t.front() == '(' && t.back() != ')') t.erase(0, 1);
      if (t.size() >= 4 && t[t.size() - 3] == ':' && digit(t[t.size() - 4]) && digit(t[t.size() - 2]) &&
          digit(t.back()))
        t[t.size() - 3] = '.';
      if (!out.empty()) out.push_back(' ');
      out += t;
    }
    tok.clear();
  };
  for (char c : line) {
    if (std::isspace(static_cast<unsigned char>(c))) flush();
    else tok.push_back(c);
  }
  flush();
  return out;
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
