// Parsing of typed scalar values out of JSON: numbers (incl. numeric strings) and
// calendar dates. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "common/json.h"
#include "eval/schema.h"

namespace goldset::eval {

// A JSON number, or a string such as "1,234.50", "-1,234", "+5", " 3.0e2 ".
// Commas are thousands separators only when they group digits in threes.
std::optional<double> ParseNumber(const json::value& v);
std::optional<double> ParseNumberText(std::string_view s);

// |a - b| <= 1e-9 * max(|a|, |b|).
bool NumbersEqual(double a, double b);

struct CalendarDate {
  int year = 0, month = 0, day = 0;
  bool operator==(const CalendarDate&) const = default;
};

// ISO 8601 ("2024-03-12", "2024-03-12T10:00:00Z", "20240312"), numeric forms with
// '/', '.' or '-' ("12/03/2024", "03.12.2024", two-digit years: < 70 -> 20xx), and
// month names in English ("March 12, 2024", "12 Mar 2024", "Tue, 12-Mar-2024").
// Ambiguous numeric forms follow `order`; kDefault reads '.' as DMY and '/' or '-'
// as MDY. When only one reading is a valid date (13/03/2024), that reading wins.
std::optional<CalendarDate> ParseDate(std::string_view s, DateOrder order);

}  // namespace goldset::eval
