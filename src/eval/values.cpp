#include "common/strings.h"
#include "eval/values.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace goldset::eval {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<double> ParseNumberText(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  std::string clean;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') clean.push_back(s[i++]);
  // Integer part: digits, optionally grouped by commas in threes.
  size_t int_start = i;
  size_t group = 0;
  bool grouped = false, first_group = true;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c)) {
      clean.push_back(c);
      ++group;
    } else if (c == ',') {
      if (first_group ? (group == 0 || group > 3) : group != 3) return std::nullopt;
      grouped = true;
      first_group = false;
      group = 0;
    } else {
      break;
    }
  }
  if (grouped && group != 3) return std::nullopt;
  bool has_int = i > int_start;
  bool has_frac = false;
  if (i < s.size() && s[i] == '.') {
    clean.push_back('.');
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      clean.push_back(s[i++]);
      has_frac = true;
    }
  }
  if (!has_int && !has_frac) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean.push_back('e');
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean.push_back(s[i++]);
    size_t exp_start = i;
    while (i < s.size() && IsDigit(s[i])) clean.push_back(s[i++]);
    if (i == exp_start) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> ParseNumber(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  if (v.is_string()) return ParseNumberText(std::string_view(v.as_string().data(), v.as_string().size()));
  return std::nullopt;
}

bool NumbersEqual(double a, double b) {
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace goldset::eval
