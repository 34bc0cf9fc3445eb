// Scalar comparison by schema type (docs/decisions.md §3 table).
//
// A value is first brought to a canonical form once (normalized text, parsed number,
// calendar date, ...), so that comparing many pairs, as row pairing does, costs no
// reparsing. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/json.h"
#include "eval/dates.h"
#include "eval/schema.h"
#include "eval/values.h"

namespace goldset::eval {

struct Canonical {
  enum class Form { kMissing, kNull, kText, kNumber, kDate, kCurrency, kBool, kRaw, kInvalid };
  Form form = Form::kMissing;
  std::string text;                  // kText/kDate: normalized text; kCurrency: lower-case code
  std::u32string folded;             // kText when the field is fuzzy
  std::optional<double> number;      // kNumber; kCurrency amount (nullopt: null amount)
  std::optional<CalendarDate> date;  // kDate (nullopt: text not a date)
  bool has_code = false;             // kCurrency: code present and non-null
  bool boolean = false;
  const json::value* raw = nullptr;  // the JSON value (kRaw compares it structurally)
};

// `v` is nullptr when the key is missing. `fuzzy` prepares folded text.
// REQUIRES: IsScalar(spec.type) or spec.type == kAny.
Canonical Canonicalize(const FieldSpec& spec, const json::value* v, bool fuzzy);

struct Verdict {
  double score = 0;         // 1 when equal; scalars are 0 or 1
  const char* reason = "";  // see eval.h
  double similarity = -1;   // fuzzy comparisons only
};

// `fuzzy_threshold` set when the field is fuzzy-matched (string fields).
Verdict CompareCanonical(const FieldSpec& spec, const Canonical& expected, const Canonical& actual,
                         std::optional<double> fuzzy_threshold);

// Null/missing rules shared by every type: returns a verdict when either side is
// null or missing, nullopt when both hold values.
std::optional<Verdict> CompareNulls(bool expected_null, bool actual_missing, bool actual_null);

}  // namespace goldset::eval
