#include "eval/error_taxonomy.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdio>

#include "eval/dates.h"
#include "eval/levenshtein.h"
#include "eval/normalize.h"
#include "eval/values.h"

namespace goldset::eval {
namespace {

bool Empty(const json::value* v) {
  if (!v || v->is_null()) return true;
  if (v->is_string()) return NormalizeText(v->as_string()).empty();
  if (v->is_array()) {
    for (const auto& e : v->as_array())
      if (!Empty(&e)) return false;
    return true;
  }
  if (v->is_object()) {
    for (const auto& kv : v->as_object())
      if (!Empty(&kv.value())) return false;
    return true;
  }
  return false;
}

// A scalar as printed: strings as they are, numbers in JSON form, currency objects by
// amount and code.
std::string Printed(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_object()) {
    const json::object& o = v.as_object();
    std::string out;
    if (const json::value* a = o.if_contains("amount")) out = Printed(*a);
    if (const json::value* c = o.if_contains("iso_4217_currency_code"); c && c->is_string()) {
      out += " " + std::string(c->as_string());
    }
    return out;
  }
  return json::serialize(v);
}

bool IsCurrencyCode(std::u32string_view w) {
  static const char* const kCodes[] = {"usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "cny", "inr", "sek",
                                       "nok", "dkk", "pln", "czk", "huf", "brl", "mxn", "zar", "nzd", "sgd",
                                       "hkd", "krw", "try", "rub", "aed", "sar", "ils", "thb", "twd", "rmb"};
  if (w.size() != 3) return false;
  for (const char* c : kCodes)
    if (w[0] == static_cast<char32_t>(c[0]) && w[1] == static_cast<char32_t>(c[1]) &&
        w[2] == static_cast<char32_t>(c[2]))
      return true;
  return false;
}

// Digits with at most one decimal mark: '.' or ',' followed by other than exactly three
// digits at the end is decimal; groups of three after ',', '.', '\'' or a space are
// thousands.
std::optional<double> LooseNumber(const std::u32string& s) {
  std::string digits;
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == U'-' || s[i] == U'+' || s[i] == U'\u2212')) neg = s[i++] != U'+';
  if (i < s.size() && s[i] == U'(' && s.back() == U')') {  // accounting negative
    neg = true;
    ++i;
  }
  size_t last_mark = std::u32string::npos;
  size_t marks = 0;
  for (size_t k = i; k < s.size(); ++k) {
    char32_t c = s[k];
    if (c >= U'0' && c <= U'9') continue;
    if (c == U'.' || c == U',' || c == U'\'' || c == U' ') {
      last_mark = k;
      ++marks;
      continue;
    }
    if (c == U')' && k + 1 == s.size()) continue;
    return std::nullopt;
  }
  size_t end = !s.empty() && s.back() == U')' ? s.size() - 1 : s.size();
  bool decimal = false;
  if (last_mark != std::u32string::npos && (s[last_mark] == U'.' || s[last_mark] == U',')) {
    size_t tail = end - last_mark - 1;
    bool other_marks = false;
    for (size_t k = i; k < last_mark; ++k)
      other_marks = other_marks || ((s[k] == U'.' || s[k] == U',') && s[k] != s[last_mark]);
    decimal = tail != 3 || other_marks || (marks == 1 && s[last_mark] == U'.');
  }
  for (size_t k = i; k < end; ++k) {
    char32_t c = s[k];
    if (c >= U'0' && c <= U'9') digits.push_back(static_cast<char>(c));
    else if (k == last_mark && decimal) digits.push_back('.');
  }
  if (digits.empty() || digits == ".") return std::nullopt;
  auto n = ParseNumberText(digits);
  if (!n) return std::nullopt;
  return neg ? -*n : *n;
}

}  // namespace

std::string AggressiveKey(const json::value& v, DateOrder order) {
  if (v.is_object() && v.as_object().contains("amount")) return AggressiveKey(v.as_object().at("amount"), order);
  if (v.is_bool()) return v.as_bool() ? "bool:1" : "bool:0";
  if (v.is_number()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "num:%.9g", v.to_number<double>());
    return buf;
  }
  std::string text = Printed(v);
  if (auto d = ParseDate(text, order)) return "date:" + IsoDate(*d);
  std::u32string folded = FoldedCodePoints(text);
  // Drop currency symbols and codes, then try a number.
  std::u32string stripped;
  for (size_t k = 0; k < folded.size(); ++k) {
    char32_t c = folded[k];
    if (u_charType(static_cast<UChar32>(c)) == U_CURRENCY_SYMBOL) continue;
    bool word_start = k == 0 || !u_isalpha(static_cast<UChar32>(folded[k - 1]));
    if (word_start && k + 3 <= folded.size() && IsCurrencyCode(std::u32string_view(folded).substr(k, 3)) &&
        (k + 3 == folded.size() || !u_isalpha(static_cast<UChar32>(folded[k + 3])))) {
      k += 2;
      continue;
    }
    stripped.push_back(c);
  }
  size_t b = stripped.find_first_not_of(U' '), e = stripped.find_last_not_of(U' ');
  if (b != std::u32string::npos) {
    if (auto n = LooseNumber(stripped.substr(b, e - b + 1))) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "num:%.9g", *n);
      return buf;
    }
  }
  std::string out = "text:";
  for (char32_t c : folded) {
    if (!u_isalnum(static_cast<UChar32>(c))) continue;
    char buf[4];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, static_cast<UChar32>(c));
    out.append(buf, static_cast<size_t>(len));
  }
  return out;
}

const char* FieldCategory(const FieldSpec& spec, const json::value* expected, const json::value* actual, double score,
                          double cell_share) {
  if (score >= 1.0) return "correct";
  bool e_empty = Empty(expected), a_empty = Empty(actual);
  if (!e_empty && a_empty) return "missing";
  if (e_empty && !a_empty) return "hallucinated";
  if (e_empty && a_empty) return "wrong_value";  // both empty yet refused (a type mismatch)
  if (cell_share >= 0) return cell_share >= kNearMissSimilarity ? "near_miss" : "wrong_value";
  bool scalar = !expected->is_array() && !actual->is_array() &&
                (!expected->is_object() || expected->as_object().contains("amount")) &&
                (!actual->is_object() || actual->as_object().contains("amount"));
  if (!scalar) return "wrong_value";
  if (AggressiveKey(*expected, spec.date_order) == AggressiveKey(*actual, spec.date_order)) return "format_only";
  if (FuzzySimilarity(Printed(*expected), Printed(*actual)) >= kNearMissSimilarity) return "near_miss";
  return "wrong_value";
}

}  // namespace goldset::eval
