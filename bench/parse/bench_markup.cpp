// bench_markup: HTML/XML text extraction on hostile inputs (security audit F4) beside
// ordinary markup of the same size, at 1, 4 and 16 MB. Prints MB/s per input and two
// ratios: hostile time / ordinary time at 16 MB (the named peer), and time at 16 MB /
// time at 1 MB (16 for linear work; the old code's quadratic scans gave ~256).
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "parse/parse.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string Repeat(const std::string& unit, size_t bytes) {
  std::string s;
  s.reserve(bytes + unit.size());
  while (s.size() < bytes) s += unit;
  return s;
}

// Best of three, seconds.
double Time(const std::string& bytes, const char* type) {
  goldset::parse::ParseOptions o;
  o.timeout_ms = 600000;
  o.max_words = 100000000;
  double best = 1e9;
  for (int i = 0; i < 3; ++i) {
    auto t0 = Clock::now();
    auto doc = goldset::parse::ParseDocument(bytes, type, o);
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!doc.ok()) std::fprintf(stderr, "%s\n", doc.status().ToString().c_str());
    best = std::min(best, s);
  }
  return best;
}

}  // namespace

int main() {
  struct Case {
    const char* name;
    const char* type;
    std::string unit;
  };
  const std::vector<Case> cases = {
      {"ordinary HTML (peer)", "HTML", "<tr><td class=\"c\">Widget &amp; co</td><td>12.50</td></tr>\n"},
      {"'&' without ';' (R4)", "HTML", "&"},
      {"<script></script> (R4)", "HTML", "<script></script>"},
      {"unclosed <script>", "HTML", "<script>"},
      {"unterminated <!--", "HTML", "<!--"},
      {"<head> without body", "HTML", "<head>"},
      {"quoted attributes", "HTML", "<a b=\"'\" c='\"'>"},
      {"ordinary XML (peer)", "XML", "<row><name>Widget &amp; co</name><price>12.50</price></row>\n"},
      {"unterminated CDATA", "XML", "<![CDATA["},
      {"DOCTYPE subsets", "XML", "<!DOCTYPE a [<!ENTITY e \">\">]>"},
  };
  std::printf("%-26s %10s %10s %10s %14s %12s\n", "input", "1 MB MB/s", "4 MB MB/s", "16 MB MB/s", "vs peer @16MB",
              "16MB/1MB");
  double peer16 = 0;
  for (const Case& c : cases) {
    double t[3];
    const size_t sizes[3] = {1u << 20, 4u << 20, 16u << 20};
    for (int i = 0; i < 3; ++i) t[i] = Time(Repeat(c.unit, sizes[i]), c.type);
    if (std::string(c.name).find("(peer)") != std::string::npos) peer16 = t[2];
    std::printf("%-26s %10.1f %10.1f %10.1f %13.2fx %11.1fx\n", c.name, 1 / t[0], 4 / t[1], 16 / t[2], t[2] / peer16,
                t[2] / t[0]);
  }
  return 0;
}
