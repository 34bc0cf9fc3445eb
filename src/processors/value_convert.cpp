#include "processors/value_convert.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace goldset::processors {

namespace {

size_t Levenshtein(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string NormalizeKey(std::string_view s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  return out;
}

std::optional<double> ParseNumber(std::string_view text) {
  static const RE2 kNum(R"((\(?)(-?)\s*(\d[\d,.']*\d|\d))");
  re2::StringPiece in(text.data(), text.size());
  std::string paren, minus, digits;
  if (!RE2::FindAndConsume(&in, kNum, &paren, &minus, &digits)) return std::nullopt;
  std::string s;
  for (char c : digits)
    if (c != '\'') s.push_back(c);
  size_t last_dot = s.rfind('.'), last_comma = s.rfind(',');
  char decimal = 0;
  size_t last_sep =
      std::max(last_dot == std::string::npos ? 0 : last_dot + 1, last_comma == std::string::npos ? 0 : last_comma + 1);
  if (last_sep > 0 && s.size() - last_sep == 2) {
    // Two digits after the last separator are cents, whatever OCR made of the
    // separators before ("1,035,96").
    decimal = s[last_sep - 1];
    for (size_t i = 0; i + 1 < last_sep; ++i)
      if (s[i] == decimal) s[i] = '\'';
    std::string t;
    for (char c : s)
      if (c != '\'') t.push_back(c);
    s = t;
  } else if (last_dot != std::string::npos && last_comma != std::string::npos) {
    decimal = last_dot > last_comma ? '.' : ',';
  } else if (last_dot != std::string::npos) {
    // "1.234.567" is grouping; "1.5" and "1234.50" are decimals.
    decimal = std::count(s.begin(), s.end(), '.') == 1 ? '.' : 0;
  } else if (last_comma != std::string::npos) {
    size_t after = s.size() - last_comma - 1;
    decimal = (std::count(s.begin(), s.end(), ',') == 1 && after != 3) ? ',' : 0;
  }
  std::string clean;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) clean.push_back(c);
    else if (c == decimal) clean.push_back('.');
  }
  if (clean.empty() || clean == ".") return std::nullopt;
  double v = std::strtod(clean.c_str(), nullptr);
  if (!minus.empty() || !paren.empty()) v = -v;
  return v;
}

std::optional<Currency> ParseCurrency(std::string_view text) {
  Currency c;
  c.amount = ParseNumber(text);
  static const std::pair<const char*, const char*> kSymbols[] = {
      {"\xE2\x82\xAC", "EUR"}, {"\xC2\xA3", "GBP"}, {"\xC2\xA5", "JPY"}, {"\xE2\x82\xB9", "INR"},
      {"US$", "USD"},          {"C$", "CAD"},       {"A$", "AUD"},       {"$", "USD"}};
  static const RE2 kCode(R"(\b(USD|EUR|GBP|JPY|CAD|AUD|CHF|CNY|INR|MXN|BRL|SEK|NOK|DKK|NZD|SGD|HKD|ZAR|PLN)\b)");
  std::string code;
  if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), kCode, &code)) {
    c.code = code;
  } else {
    for (const auto& [sym, iso] : kSymbols)
      if (text.find(sym) != std::string_view::npos) {
        c.code = iso;
        break;
      }
  }
  if (!c.amount && !c.code) return std::nullopt;
  return c;
}

std::optional<bool> ParseBool(std::string_view text) {
  std::string n = NormalizeKey(text);
  static const char* kTrue[] = {"yes", "true", "y", "x", "checked", "signed", "1", "on"};
  static const char* kFalse[] = {"no", "false", "n", "unchecked", "unsigned", "0", "off", "none"};
  for (const char* t : kTrue)
    if (n == t) return true;
  for (const char* f : kFalse)
    if (n == f) return false;
  if (n.rfind("yes", 0) == 0 || n.rfind("true", 0) == 0) return true;
  if (n.rfind("no", 0) == 0 || n.rfind("false", 0) == 0) return false;
  return std::nullopt;
}

std::optional<std::string> ClosestOption(std::string_view text, const std::vector<std::string>& options) {
  std::string n = NormalizeKey(text);
  if (n.empty() || options.empty()) return std::nullopt;
  for (const auto& o : options)
    if (NormalizeKey(o) == n) return o;
  // The longest option contained in the text ("Paid in full" contains "paid").
  const std::string* best = nullptr;
  for (const auto& o : options) {
    std::string k = NormalizeKey(o);
    if (!k.empty() && n.find(k) != std::string::npos && (!best || k.size() > NormalizeKey(*best).size())) best = &o;
  }
  if (best) return *best;
  double best_ratio = 1.0;
  for (const auto& o : options) {
    std::string k = NormalizeKey(o);
    double ratio = double(Levenshtein(n, k)) / std::max<size_t>({n.size(), k.size(), 1});
    if (ratio < best_ratio) {
      best_ratio = ratio;
      best = &o;
    }
  }
  if (best && best_ratio <= 0.4) return *best;
  return std::nullopt;
}

}  // namespace goldset::processors
