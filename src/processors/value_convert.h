// Conversions from text found in a document to JSON values of a schema type.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goldset::processors {

// First number in `text`: "1,234.50" -> 1234.5, "1.234,50" -> 1234.5, "(12.00)" -> -12,
// "-3" -> -3. nullopt when there is none.
std::optional<double> ParseNumber(std::string_view text);

struct Currency {
  std::optional<double> amount;
  std::optional<std::string> code;  // ISO 4217, from a symbol ($ € £ ¥ ₹) or a code in the text
};
std::optional<Currency> ParseCurrency(std::string_view text);

// Dates: eval::FindDate (eval/dates.h), shared with the scorer's date comparison.

std::optional<bool> ParseBool(std::string_view text);

// The option closest to `text` (case- and punctuation-insensitive; containment first,
// then edit distance). nullopt when options is empty or nothing is reasonably close.
std::optional<std::string> ClosestOption(std::string_view text, const std::vector<std::string>& options);

// Lowercase ASCII letters and digits only.
std::string NormalizeKey(std::string_view s);

}  // namespace goldset::processors
