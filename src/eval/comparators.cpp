#include "eval/comparators.h"

#include <cctype>
#include <cmath>

#include "common/strings.h"
#include "eval/levenshtein.h"
#include "eval/normalize.h"

namespace goldset::eval {
namespace {

using Form = Canonical::Form;

std::string_view View(const json::string& s) { return std::string_view(s.data(), s.size()); }

// Structural equality that treats numerically equal numbers (1 vs 1.0) and
// normalized-equal strings as equal.
bool LooseEqual(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return NumbersEqual(*ParseNumber(a), *ParseNumber(b));
  if (a.is_string() && b.is_string()) return NormalizeText(View(a.as_string())) == NormalizeText(View(b.as_string()));
  if (a.is_array() && b.is_array()) {
    const auto &x = a.as_array(), &y = b.as_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!LooseEqual(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    const auto &x = a.as_object(), &y = b.as_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const json::value* other = y.if_contains(kv.key());
      if (!other || !LooseEqual(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

Canonical Canonicalize(const FieldSpec& spec, const json::value* v, bool fuzzy) {
  Canonical c;
  c.raw = v;
  if (!v) return c;  // kMissing
  if (v->is_null()) {
    c.form = Form::kNull;
    return c;
  }
  switch (spec.type) {
    case FieldType::kString:
      if (!v->is_string()) {
        c.form = Form::kInvalid;
        break;
      }
      c.form = Form::kText;
      c.text = NormalizeText(View(v->as_string()));
      if (fuzzy) c.folded = FoldedCodePoints(c.text);
      break;
    case FieldType::kNumber:
    case FieldType::kInteger:
      c.number = ParseNumber(*v);
      c.form = c.number ? Form::kNumber : Form::kInvalid;
      break;
    case FieldType::kDate:
      if (!v->is_string()) {
        c.form = Form::kInvalid;
        break;
      }
      c.form = Form::kDate;
      c.text = NormalizeText(View(v->as_string()));
      c.date = ParseDate(c.text, spec.date_order);
      break;
    case FieldType::kCurrency: {
      if (!v->is_object()) {
        c.form = Form::kInvalid;
        break;
      }
      c.form = Form::kCurrency;
      const auto& o = v->as_object();
      const json::value* amount = o.if_contains("amount");
      if (amount && !amount->is_null()) {
        c.number = ParseNumber(*amount);
        if (!c.number) c.form = Form::kInvalid;
      }
      const json::value* code = o.if_contains("iso_4217_currency_code");
      if (code && code->is_string()) {
        c.has_code = true;
        c.text = AsciiLower(NormalizeText(View(code->as_string())));
      } else if (code && !code->is_null()) {
        c.form = Form::kInvalid;
      }
      break;
    }
    case FieldType::kBoolean:
      if (!v->is_bool()) {
        c.form = Form::kInvalid;
        break;
      }
      c.form = Form::kBool;
      c.boolean = v->as_bool();
      break;
    case FieldType::kEnum: c.form = v->is_string() ? Form::kRaw : Form::kInvalid; break;
    default: c.form = Form::kRaw; break;
  }
  return c;
}

std::optional<Verdict> CompareNulls(bool expected_null, bool actual_missing, bool actual_null) {
  // A missing actual key is "not present", which is right when nothing was expected.
  if (actual_missing) return expected_null ? Verdict{1, "match"} : Verdict{0, "missing"};
  if (expected_null && actual_null) return Verdict{1, "match"};
  if (expected_null) return Verdict{0, "unexpected_value"};
  if (actual_null) return Verdict{0, "null_value"};
  return std::nullopt;
}

Verdict CompareCanonical(const FieldSpec& spec, const Canonical& e, const Canonical& a,
                         std::optional<double> fuzzy_threshold) {
  if (auto v = CompareNulls(e.form == Form::kNull || e.form == Form::kMissing, a.form == Form::kMissing,
                            a.form == Form::kNull)) {
    return *v;
  }
  if (a.form == Form::kInvalid) return {0, spec.type == FieldType::kDate ? "invalid_date" : "type_mismatch"};
  if (e.form == Form::kInvalid) {
    // Only reachable for unvalidated expected values: fall back to structural equality.
    return LooseEqual(*e.raw, *a.raw) ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
  }
  switch (spec.type) {
    case FieldType::kString:
      if (fuzzy_threshold) {
        std::u32string_view x = e.folded, y = a.folded;
        double sim = LevenshteinSimilarity(x, y);
        // Guard the boundary against rounding: 1 - 1/10 must equal a 0.9 threshold.
        if (sim + 1e-12 >= *fuzzy_threshold) return {1, "match", sim};
        return {0, "below_fuzzy_threshold", sim};
      }
      return e.text == a.text ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
    case FieldType::kNumber:
    case FieldType::kInteger:
      return NumbersEqual(*e.number, *a.number) ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
    case FieldType::kDate:
      if (!a.date && e.date) return {0, "invalid_date"};
      if (e.date && a.date) return *e.date == *a.date ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
      return e.text == a.text ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
    case FieldType::kCurrency: {
      bool amount_ok =
          (!e.number && !a.number) || (e.number && a.number && std::fabs(*e.number - *a.number) < 0.005 + 1e-9);
      bool code_ok = e.has_code == a.has_code && e.text == a.text;
      return amount_ok && code_ok ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
    }
    case FieldType::kBoolean: return e.boolean == a.boolean ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
    case FieldType::kEnum: return *e.raw == *a.raw ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
    default: return LooseEqual(*e.raw, *a.raw) ? Verdict{1, "match"} : Verdict{0, "value_mismatch"};
  }
}

}  // namespace goldset::eval
