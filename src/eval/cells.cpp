#include "eval/cells.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string_view>
#include <utility>

#include "eval/values.h"

namespace goldset::eval {
namespace {

using Form = Canonical::Form;

constexpr int64_t kNullKey = -1;

// Equal texts get equal ids 0, 1, ...: sorted by hash first, so strings are compared
// only between equal hashes (one allocation, no hash nodes).
void InternTexts(std::vector<std::pair<std::string_view, Cell*>>& texts,
                 const std::function<int64_t(int64_t)>& key_of) {
  std::vector<std::pair<size_t, size_t>> hashed;  // (hash, index into texts)
  hashed.reserve(texts.size());
  for (size_t k = 0; k < texts.size(); ++k) hashed.emplace_back(std::hash<std::string_view>{}(texts[k].first), k);
  std::sort(hashed.begin(), hashed.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : texts[a.second].first < texts[b.second].first;
  });
  int64_t id = 0;
  for (size_t k = 0; k < hashed.size(); ++k) {
    if (k > 0 &&
        (hashed[k].first != hashed[k - 1].first || texts[hashed[k].second].first != texts[hashed[k - 1].second].first))
      ++id;
    Cell* cell = texts[hashed[k].second].second;
    cell->keyed = true;
    cell->key = key_of(id);
  }
}

// Ids of sorted distinct values, or false when two distinct neighbours are `close`:
// then the tolerance is not an equivalence on these values and they stay unkeyed.
// (For neighbours a < b < c with a, b and b, c apart, a and c are apart too, both for
// the relative tolerance of numbers and the absolute one of amounts.)
bool SeparatedIds(std::vector<double> values, const std::function<bool(double, double)>& close,
                  std::vector<double>* distinct) {
  std::sort(values.begin(), values.end());
  distinct->clear();
  for (double v : values) {
    if (!distinct->empty() && distinct->back() == v) continue;
    if (!distinct->empty() && close(distinct->back(), v)) return false;
    distinct->push_back(v);
  }
  return true;
}

int64_t IdOf(const std::vector<double>& distinct, double v) {
  return std::lower_bound(distinct.begin(), distinct.end(), v) - distinct.begin();
}

}  // namespace

Cell MakeCell(const FieldSpec& spec, const json::value* v, bool fuzzy) {
  if (spec.type == FieldType::kArray || spec.type == FieldType::kObject) return {Canonical{}, v};
  return {Canonicalize(spec, v, fuzzy), v};
}

void KeyColumn(const std::vector<Cell*>& cells, size_t num_expected, FieldType type) {
  std::vector<std::pair<std::string_view, Cell*>> texts, raw_dates, enums, codes;
  std::vector<Cell*> numbers, amounts;
  int64_t invalid_key = std::numeric_limits<int64_t>::min();
  for (size_t k = 0; k < cells.size(); ++k) {
    Cell* c = cells[k];
    const Canonical& canon = c->canon;
    switch (canon.form) {
      case Form::kMissing:
      case Form::kNull:
        c->keyed = true;
        c->key = kNullKey;
        break;
      case Form::kInvalid:
        // An invalid actual value matches nothing; an invalid expected one (only when
        // unvalidated) compares structurally, so it stays unkeyed.
        if (k >= num_expected) {
          c->keyed = true;
          c->key = invalid_key++;
        }
        break;
      case Form::kText: texts.emplace_back(canon.text, c); break;
      case Form::kBool:
        c->keyed = true;
        c->key = canon.boolean;
        break;
      case Form::kDate:
        if (canon.date) {
          c->keyed = true;
          c->key = canon.date->year * 10000 + canon.date->month * 100 + canon.date->day;  // >= 10101
        } else {
          raw_dates.emplace_back(canon.text, c);
        }
        break;
      case Form::kRaw:
        // Enum values are strings compared exactly; untyped ("any") values compare
        // loosely (normalized text, 1 = 1.0), so they stay unkeyed.
        if (type == FieldType::kEnum && c->value && c->value->is_string()) {
          enums.emplace_back(std::string_view(c->value->as_string()), c);
        }
        break;
      case Form::kNumber: numbers.push_back(c); break;
      case Form::kCurrency: amounts.push_back(c); break;
    }
  }
  InternTexts(texts, [](int64_t id) { return id; });
  InternTexts(raw_dates, [](int64_t id) { return -2 - id; });  // apart from days and null
  InternTexts(enums, [](int64_t id) { return id; });
  std::vector<double> distinct;
  if (!numbers.empty()) {
    std::vector<double> values;
    for (Cell* c : numbers) values.push_back(*c->canon.number);
    if (SeparatedIds(std::move(values), NumbersEqual, &distinct)) {
      for (Cell* c : numbers) {
        c->keyed = true;
        c->key = IdOf(distinct, *c->canon.number);
      }
    }
  }
  if (!amounts.empty()) {
    std::vector<double> values;
    for (Cell* c : amounts) {
      if (c->canon.number) values.push_back(*c->canon.number);
    }
    auto within_half_cent = [](double a, double b) { return std::fabs(a - b) < 0.005 + 1e-9; };  // as CompareCanonical
    if (SeparatedIds(std::move(values), within_half_cent, &distinct)) {
      // Codes: 0 for none, 1 + id otherwise; the key combines amount and code.
      for (Cell* c : amounts) {
        if (c->canon.has_code) codes.emplace_back(c->canon.text, c);
        else c->key = 0;
      }
      InternTexts(codes, [](int64_t id) { return id + 1; });
      const int64_t num_codes = static_cast<int64_t>(codes.size()) + 1;
      for (Cell* c : amounts) {
        int64_t amount = c->canon.number ? 1 + IdOf(distinct, *c->canon.number) : 0;
        c->key = amount * num_codes + c->key;  // c->key holds the code id here
        c->keyed = true;
      }
    }
  }
}

}  // namespace goldset::eval
