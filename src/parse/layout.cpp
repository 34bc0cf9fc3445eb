#include "parse/layout.h"

#include <algorithm>

namespace goldset::parse {

namespace {

double CenterY(const Word& w) { return (w.y0 + w.y1) / 2; }
double Height(const Word& w) { return std::max(1.0, w.y1 - w.y0); }

}  // namespace

std::string LayoutWords(std::vector<Word>* words) {
  std::vector<Word>& ws = *words;
  std::stable_sort(ws.begin(), ws.end(), [](const Word& a, const Word& b) { return CenterY(a) < CenterY(b); });
  std::vector<std::vector<Word>> lines;
  double line_cy = 0, line_h = 0;
  for (Word& w : ws) {
    if (lines.empty() || CenterY(w) - line_cy > 0.5 * line_h) {
      lines.emplace_back();
      line_cy = CenterY(w);
      line_h = Height(w);
    }
    lines.back().push_back(std::move(w));
  }
  std::string text;
  ws.clear();
  for (auto& line : lines) {
    std::stable_sort(line.begin(), line.end(), [](const Word& a, const Word& b) { return a.x0 < b.x0; });
    if (!text.empty()) text += '\n';
    double h = 0;
    for (const Word& w : line) h = std::max(h, Height(w));
    for (size_t i = 0; i < line.size(); ++i) {
      if (i > 0) text += (line[i].x0 - line[i - 1].x1 > 2 * h) ? "   " : " ";
      text += line[i].text;
      ws.push_back(std::move(line[i]));
    }
  }
  return text;
}

}  // namespace goldset::parse
