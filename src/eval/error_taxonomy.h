// The error taxonomy: why a scored field is wrong (docs/metrics.md § Error taxonomy).
//
// Categories partition the scored fields (verdict correct or incorrect), in this order:
//   correct        the field's comparator accepted it (score 1)
//   missing        expected a value; actual absent, null, "" or []
//   hallucinated   expected null, "" or [] (or nothing inside); actual holds a value
//   format_only    equal under AggressiveKey (case, punctuation, whitespace, thousands
//                  separators, currency symbols and codes, date format) but not under
//                  the comparator
//   near_miss      similarity >= 0.8 (strings and numbers: case-folded Levenshtein
//                  similarity of the printed values; arrays: share of correct cells)
//   wrong_value    anything else
// Pure; thread-safe.
#pragma once

#include <string>

#include "common/json.h"
#include "eval/schema.h"

namespace goldset::eval {

inline constexpr double kNearMissSimilarity = 0.8;

// `expected`/`actual` are nullptr when the key is missing; `score` is the field's score
// under its comparator; `cell_share` (arrays: correct cells / total cells, else < 0).
const char* FieldCategory(const FieldSpec& spec, const json::value* expected, const json::value* actual, double score,
                          double cell_share);

// The aggressive normal form: a date ("date:2024-03-12") when the whole text reads as
// one; else a number ("num:1234.5") once currency symbols/codes and spaces are dropped
// ("$1,234.50", "USD 1 234.50", "1.234,50 €" with a comma decimal); else the text
// case-folded with only letters and digits kept. Currency objects use their amount.
std::string AggressiveKey(const json::value& v, DateOrder order);

}  // namespace goldset::eval
