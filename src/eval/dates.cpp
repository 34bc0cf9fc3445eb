#include "common/strings.h"
#include "eval/dates.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace goldset::eval {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (AsciiLower(word[i]) != lower[i]) return false;
  }
  return true;
}

bool StartsWithLower(std::string_view s, std::string_view lower) {
  return s.size() >= lower.size() && EqualsLower(s.substr(0, lower.size()), lower);
}

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<CalendarDate> Make(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (d > kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0)) return std::nullopt;
  return CalendarDate{y, m, d};
}

int MonthFromName(std::string_view word) {
  static const char* kNames[] = {"january", "february", "march",     "april",   "may",      "june",
                                 "july",    "august",   "september", "october", "november", "december"};
  if (EqualsLower(word, "sept")) return 9;
  for (int i = 0; i < 12; ++i) {
    std::string_view full = kNames[i];
    if (EqualsLower(word, full) || (word.size() == 3 && EqualsLower(word, full.substr(0, 3)))) return i + 1;
  }
  return 0;
}

bool IsIgnorableWord(std::string_view word) {
  static const char* kWords[] = {"mon",    "tue", "tues",   "wed",     "thu",       "thur",     "thurs",  "fri",
                                 "sat",    "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                 "sunday", "st",  "nd",     "rd",      "th",        "of",       "the"};
  for (const char* w : kWords) {
    if (EqualsLower(word, w)) return true;
  }
  return false;
}

int ExpandYear(std::string_view digits) {
  int y = Number(digits);
  if (digits.size() <= 2) y += y < 70 ? 2000 : 1900;
  return y;
}

// "Z", "UTC", "GMT", "+02:00", "+0200", "-05", the whole of `z`.
bool IsZone(std::string_view z) {
  if (EqualsLower(z, "z") || EqualsLower(z, "utc") || EqualsLower(z, "gmt")) return true;
  if (z.size() < 3 || (z[0] != '+' && z[0] != '-') || !IsDigit(z[1]) || !IsDigit(z[2])) return false;
  if (Number(z.substr(1, 2)) > 14) return false;
  std::string_view minutes = z.substr(3);
  if (!minutes.empty() && minutes[0] == ':') minutes.remove_prefix(1);
  if (minutes.empty()) return z.size() == 3;
  return minutes.size() == 2 && IsDigit(minutes[0]) && IsDigit(minutes[1]) && Number(minutes) <= 59;
}

// A time of day, the whole of `t`: "21:27", "21:27:05.250", "9:27PM", "9:27 p.m.",
// "9 PM", each with an optional zone ("Z", " UTC", "+02:00").
bool IsTimeOfDay(std::string_view t) {
  size_t i = 0;
  auto digits = [&](size_t max) {
    size_t start = i;
    while (i < t.size() && IsDigit(t[i]) && i - start < max) ++i;
    return t.substr(start, i - start);
  };
  std::string_view hours = digits(2);
  if (hours.empty()) return false;
  int minute = -1, second = 0;
  if (i < t.size() && t[i] == ':') {
    ++i;
    std::string_view m = digits(2);
    if (m.size() != 2) return false;
    minute = Number(m);
    if (i < t.size() && t[i] == ':') {
      ++i;
      std::string_view s = digits(2);
      if (s.size() != 2) return false;
      second = Number(s);
      if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
        ++i;
        if (digits(9).empty()) return false;
      }
    }
  }
  std::string_view rest = t.substr(i);
  std::string_view after_space = Trim(rest);
  bool meridiem = false;
  for (std::string_view m : {"a.m.", "p.m.", "a.m", "p.m", "am", "pm"}) {
    if (StartsWithLower(after_space, m)) {
      std::string_view tail = after_space.substr(m.size());
      if (!tail.empty() && IsAlpha(tail[0])) continue;  // "pmx"
      meridiem = true;
      rest = tail;
      break;
    }
  }
  rest = Trim(rest);
  if (!rest.empty() && !IsZone(rest)) return false;
  const int hour = Number(hours);
  if (minute > 59 || second > 60) return false;
  if (meridiem) return hour >= 1 && hour <= 12;
  return minute >= 0 && hour <= 23;  // a bare "9" is no time
}

// "YYYY-MM-DD" at the start of `s`.
std::optional<CalendarDate> IsoPrefix(std::string_view s) {
  if (s.size() < 10) return std::nullopt;
  for (size_t k : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(s[k])) return std::nullopt;
  }
  if (s[4] != '-' || s[7] != '-') return std::nullopt;
  if (s.size() > 10 && (IsDigit(s[10]) || IsAlpha(s[10])) && s[10] != 'T' && s[10] != 't') return std::nullopt;
  return Make(Number(s.substr(0, 4)), Number(s.substr(5, 2)), Number(s.substr(8, 2)));
}

struct Token {
  std::string_view text;
  bool digits;
};

// Splits into runs of digits and runs of letters; records the first separator other
// than space and comma. False on any other character.
bool Tokenize(std::string_view s, std::vector<Token>* out, char* first_sep) {
  *first_sep = 0;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (IsDigit(c) || IsAlpha(c)) {
      const bool digits = IsDigit(c);
      size_t j = i;
      while (j < s.size() && (digits ? IsDigit(s[j]) : IsAlpha(s[j]))) ++j;
      out->push_back({s.substr(i, j - i), digits});
      i = j;
    } else if (c == '/' || c == '.' || c == '-' || c == ',' || IsAsciiSpace(c)) {
      if (!*first_sep && c != ',' && !IsAsciiSpace(c) && !out->empty()) *first_sep = c;
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

// A date without a time: numeric or with a month name (the header's forms).
std::optional<CalendarDate> ParseDateBody(std::string_view s, DateOrder order) {
  if (s.empty()) return std::nullopt;
  std::vector<Token> tokens;
  char sep = 0;
  if (!Tokenize(s, &tokens, &sep)) return std::nullopt;
  std::vector<std::string_view> nums;
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
    if (nums[0].size() == 4 && nums[1].size() == 4) return std::nullopt;
    size_t yi = nums[0].size() == 4 ? 0 : 1;
    if (nums[1 - yi].size() > 2) return std::nullopt;
    return Make(ExpandYear(nums[yi]), month_name, Number(nums[1 - yi]));
  }
  // Numeric dates need a separator other than spaces ("12 03 2024" is not read).
  if (nums.size() != 3 || sep == 0) return std::nullopt;
  const int a = Number(nums[0]), b = Number(nums[1]);
  if (nums[0].size() == 4)
    return nums[1].size() <= 2 && nums[2].size() <= 2 ? Make(a, b, Number(nums[2])) : std::nullopt;
  if (nums[0].size() > 2 || nums[1].size() > 2 || nums[2].size() == 3) return std::nullopt;
  if (order == DateOrder::kYMD) return Make(ExpandYear(nums[0]), b, Number(nums[2]));
  const int y = ExpandYear(nums[2]);
  const bool day_first = order == DateOrder::kDMY || (order == DateOrder::kDefault && sep == '.');
  auto preferred = day_first ? Make(y, b, a) : Make(y, a, b);
  if (preferred) return preferred;
  return day_first ? Make(y, a, b) : Make(y, b, a);
}

// What follows a date when a time of day is printed after it: separators (at least
// one space or comma), an optional "at" or "@", then the time.
bool IsTrailingTime(std::string_view rest) {
  size_t i = 0;
  while (i < rest.size() && (IsAsciiSpace(rest[i]) || rest[i] == ',')) ++i;
  if (i == 0) return false;
  rest.remove_prefix(i);
  if (StartsWithLower(rest, "at") && rest.size() > 2 && IsAsciiSpace(rest[2])) rest = Trim(rest.substr(2));
  else if (!rest.empty() && rest[0] == '@') rest = Trim(rest.substr(1));
  return IsTimeOfDay(rest);
}

}  // namespace

std::optional<CalendarDate> ParseDate(std::string_view s, DateOrder order) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  if (auto iso = IsoPrefix(s)) {
    std::string_view rest = s.substr(10);
    if (rest.empty()) return iso;
    if (rest[0] == 'T' || rest[0] == 't') return IsTimeOfDay(rest.substr(1)) ? iso : std::nullopt;
    return IsTrailingTime(rest) ? iso : std::nullopt;
  }
  if (s.size() == 8 && IsDigit(s[0])) {
    bool all = true;
    for (char c : s) all = all && IsDigit(c);
    if (all) return Make(Number(s.substr(0, 4)), Number(s.substr(4, 2)), Number(s.substr(6, 2)));
  }
  if (auto d = ParseDateBody(s, order)) return d;
  // A date followed by a time of day: try each space or comma as the split.
  for (size_t p = 1; p < s.size(); ++p) {
    if (!IsAsciiSpace(s[p]) && s[p] != ',') continue;
    if (IsAsciiSpace(s[p - 1]) || s[p - 1] == ',') continue;  // only the first of a run of separators
    if (!IsTrailingTime(s.substr(p))) continue;
    if (auto d = ParseDateBody(s.substr(0, p), order)) return d;
  }
  return std::nullopt;
}

std::optional<FoundDate> FindDate(std::string_view text, DateOrder order) {
  struct Word {
    size_t begin, end;
  };
  std::vector<Word> words;
  for (size_t i = 0; i < text.size();) {
    if (!IsDigit(text[i]) && !IsAlpha(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && (IsDigit(text[j]) || IsAlpha(text[j]))) ++j;
    words.push_back({i, j});
    i = j;
  }
  // A date spans at most 12 words ("Tuesday, the 12th of March 2024 at 9:27:05 p.m. UTC").
  constexpr size_t kMaxWords = 12;
  for (size_t s = 0; s < words.size(); ++s) {
    std::string_view first = text.substr(words[s].begin, words[s].end - words[s].begin);
    if (!IsDigit(first[0]) && !MonthFromName(first) && !IsIgnorableWord(first)) continue;
    for (size_t e = std::min(words.size(), s + kMaxWords); e-- > s;) {
      size_t end = words[e].end;
      // Keep a closing "." of "p.m." and a zone's trailing characters within the word.
      if (end < text.size() && text[end] == '.' && end >= 1 && (AsciiLower(text[end - 1]) == 'm')) ++end;
      std::string_view span = text.substr(words[s].begin, end - words[s].begin);
      if (auto d = ParseDate(span, order)) return FoundDate{*d, words[s].begin, end};
    }
  }
  return std::nullopt;
}

std::string IsoDate(const CalendarDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

}  // namespace goldset::eval
