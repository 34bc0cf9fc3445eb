#include "common/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace goldset {

int64_t NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t MonotonicMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

namespace {

// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
// Pure arithmetic: gmtime_r takes glibc's time-zone lock, which every request would contend.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

}  // namespace

std::string FormatRfc3339(int64_t unix_millis) {
  int64_t secs = unix_millis / 1000;
  int ms = static_cast<int>(unix_millis % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  // Digits by hand: snprintf cost more than the rest of a small API response's timestamps.
  char buf[48];
  char* p = buf;
  auto two = [&p](int64_t v) {
    *p++ = static_cast<char>('0' + v / 10);
    *p++ = static_cast<char>('0' + v % 10);
  };
  if (year >= 0 && year <= 9999) {
    two(year / 100);
    two(year % 100);
  } else {
    p += std::snprintf(p, 24, "%04lld", static_cast<long long>(year));  // no clock gives these
  }
  *p++ = '-';
  two(month);
  *p++ = '-';
  two(day);
  *p++ = 'T';
  two(sod / 3600);
  *p++ = ':';
  two(sod / 60 % 60);
  *p++ = ':';
  two(sod % 60);
  *p++ = '.';
  *p++ = static_cast<char>('0' + ms / 100);
  two(ms % 100);
  *p++ = 'Z';
  return std::string(buf, p);
}

std::optional<int64_t> ParseRfc3339(std::string_view t) {
  int y, mo, d, h, mi, s;
  if (t.size() < 20) return std::nullopt;
  std::string str(t);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return std::nullopt;
  size_t pos = 19;
  int ms = 0;
  if (pos < str.size() && str[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < str.size() && isdigit(static_cast<unsigned char>(str[pos]))) {
      if (digits < 3) ms = ms * 10 + (str[pos] - '0');
      ++digits;
      ++pos;
    }
    for (int k = digits; k < 3; ++k) ms *= 10;
  }
  int offset_min = 0;
  if (pos < str.size() && (str[pos] == 'Z' || str[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == str.size() && (str[pos] == '+' || str[pos] == '-')) {
    int oh, om;
    if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset_min = (oh * 60 + om) * (str[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != str.size()) return std::nullopt;
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t secs = timegm(&tm);
  return (secs - offset_min * 60) * 1000 + ms;
}

}  // namespace goldset
