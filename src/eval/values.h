// Parsing of numbers out of JSON (incl. numeric strings); dates are in dates.h.
// Pure functions; thread-safe.
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

}  // namespace goldset::eval
