// Calendar dates as documents print them: the one date reader shared by the scorer's
// date comparison and the extraction engines (which emit ISO 8601). Pure; thread-safe.
//
// Accepted (docs/evaluation.md has the table): ISO 8601 dates ("2024-03-12"), alone or
// with a time ("2024-03-12T10:00:00Z", "2024-03-12 21:27"); "20240312"; numeric dates
// with '/', '.' or '-' ("12/03/2024", "03.12.24"); English month names, full or
// abbreviated, in any order with the day ("25 Mar 2018", "Mar 25, 2018", "25-MAR-18",
// "March 25th 2018", "Tuesday, 12th March 2024"); and any of these followed by a time
// of day ("9:27PM", "9:27 p.m.", "21:27:05", "9 PM", "at 21:27", a zone "Z"/"UTC"/
// "+02:00"). Ambiguous numeric dates follow `order`; kDefault reads '.' as DMY and '/'
// or '-' as MDY. When only one reading is a valid date (13/03/2024), it wins.
// Two-digit years: < 70 -> 20xx, else 19xx.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "eval/schema.h"

namespace goldset::eval {

struct CalendarDate {
  int year = 0, month = 0, day = 0;
  bool operator==(const CalendarDate&) const = default;
};

// The whole of `s` (trimmed) as a date; nullopt when it is not exactly one date
// (with an optional time of day) in an accepted form.
std::optional<CalendarDate> ParseDate(std::string_view s, DateOrder order);

// The first date in free text (a field's value as a document prints it, "Date: 25
// Mar 2018 9:27PM Table 4"): the earliest word where an accepted form starts, taking
// the longest such span. `begin`/`end` delimit it in `text`.
struct FoundDate {
  CalendarDate date;
  size_t begin = 0, end = 0;
};
std::optional<FoundDate> FindDate(std::string_view text, DateOrder order);

// "YYYY-MM-DD".
std::string IsoDate(const CalendarDate& d);

}  // namespace goldset::eval
