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

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

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

// ---- Dates ------------------------------------------------------------------------

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool ValidDate(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  int max_day = kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
  return d <= max_day;
}

std::optional<CalendarDate> Make(int y, int m, int d) {
  if (!ValidDate(y, m, d)) return std::nullopt;
  return CalendarDate{y, m, d};
}

int MonthFromName(std::string word) {
  for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kNames[] = {"january", "february", "march", "april", "may", "june", "july",
                                 "august", "september", "october", "november", "december"};
  if (word == "sept") return 9;
  for (int i = 0; i < 12; ++i) {
    std::string full = kNames[i];
    if (word == full || (word.size() == 3 && full.compare(0, 3, word) == 0)) return i + 1;
  }
  return 0;
}

bool IsIgnorableWord(std::string word) {
  for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kWords[] = {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
                                 "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                                 "st", "nd", "rd", "th", "of", "the"};
  for (const char* w : kWords) {
    if (word == w) return true;
  }
  return false;
}

int ExpandYear(const std::string& digits) {
  int y = std::atoi(digits.c_str());
  if (digits.size() <= 2) y += y < 70 ? 2000 : 1900;
  return y;
}

struct Token {
  std::string text;
  bool digits;
};

// Splits into runs of digits and runs of letters; records the first separator.
std::vector<Token> Tokenize(std::string_view s, char* first_sep, bool* ok) {
  std::vector<Token> out;
  *first_sep = 0;
  *ok = true;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isdigit(c) || std::isalpha(c)) {
      bool digits = std::isdigit(c);
      size_t j = i;
      while (j < s.size() && (digits ? std::isdigit(static_cast<unsigned char>(s[j]))
                                     : std::isalpha(static_cast<unsigned char>(s[j])))) {
        ++j;
      }
      out.push_back({std::string(s.substr(i, j - i)), digits});
      i = j;
    } else if (c == '/' || c == '.' || c == '-' || c == ',' || c == ' ') {
      if (!*first_sep && c != ' ' && c != ',' && !out.empty()) *first_sep = static_cast<char>(c);
      ++i;
    } else {
      *ok = false;
      return out;
    }
  }
  return out;
}

std::optional<CalendarDate> ParseIso(std::string_view s) {
  // YYYY-MM-DD with an optional time part after 'T' or ' '.
  if (s.size() >= 10 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) && s[4] == '-' &&
      IsDigit(s[5]) && IsDigit(s[6]) && s[7] == '-' && IsDigit(s[8]) && IsDigit(s[9]) &&
      (s.size() == 10 || s[10] == 'T' || s[10] == 't' || s[10] == ' ')) {
    int y = std::atoi(std::string(s.substr(0, 4)).c_str());
    int m = std::atoi(std::string(s.substr(5, 2)).c_str());
    int d = std::atoi(std::string(s.substr(8, 2)).c_str());
    return Make(y, m, d);
  }
  if (s.size() == 8 && std::all_of(s.begin(), s.end(), IsDigit)) {
    std::string t(s);
    return Make(std::atoi(t.substr(0, 4).c_str()), std::atoi(t.substr(4, 2).c_str()), std::atoi(t.substr(6, 2).c_str()));
  }
  return std::nullopt;
}

}  // namespace

std::optional<CalendarDate> ParseDate(std::string_view s, DateOrder order) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  if (auto iso = ParseIso(s)) return iso;
  char sep = 0;
  bool ok = true;
  std::vector<Token> tokens = Tokenize(s, &sep, &ok);
  if (!ok) return std::nullopt;
  std::vector<std::string> nums;
  int month_name = 0;
  for (const Token& t : tokens) {
    if (t.digits) {
      if (t.text.size() > 4) return std::nullopt;
      nums.push_back(t.text);
    } else if (int m = MonthFromName(t.text); m && !month_name) {
      month_name = m;
    } else if (!IsIgnorableWord(t.text)) {
      return std::nullopt;
    }
  }
  if (month_name) {
    if (nums.size() != 2) return std::nullopt;
    // The year is the 4-digit number, or the later one; the other is the day.
    size_t yi = nums[0].size() == 4 ? 0 : 1;
    if (nums[0].size() == 4 && nums[1].size() == 4) return std::nullopt;
    int d = std::atoi(nums[1 - yi].c_str());
    return Make(ExpandYear(nums[yi]), month_name, d);
  }
  if (nums.size() != 3) return std::nullopt;
  int a = std::atoi(nums[0].c_str()), b = std::atoi(nums[1].c_str());
  if (nums[0].size() == 4) return Make(a, b, std::atoi(nums[2].c_str()));  // Y M D
  if (nums[0].size() > 2 || nums[1].size() > 2) return std::nullopt;
  int y = ExpandYear(nums[2]);
  if (order == DateOrder::kYMD) return Make(ExpandYear(nums[0]), b, std::atoi(nums[2].c_str()));
  bool day_first = order == DateOrder::kDMY || (order == DateOrder::kDefault && sep == '.');
  auto preferred = day_first ? Make(y, b, a) : Make(y, a, b);
  if (preferred) return preferred;
  return day_first ? Make(y, a, b) : Make(y, b, a);
}

}  // namespace goldset::eval
