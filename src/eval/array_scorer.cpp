#include "eval/array_scorer.h"

#include <algorithm>
#include <memory>

#include "eval/cells.h"
#include "eval/row_pairing.h"
#include "eval/values.h"

namespace goldset::eval {
namespace {

const json::array kEmpty;
const json::value kNull;

// Assignment steps allowed per row pair of the cap: 64 x 5,000^2 is ~1.6e9 steps,
// a few seconds; real tables need a small fraction (most rows pair in the first pass).
constexpr uint64_t kStepsPerPair = 64;

const json::value* Lookup(const json::value& row, const std::vector<std::string>& keys) {
  const json::value* cur = &row;
  for (const auto& k : keys) {
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(k);
    if (!cur) return nullptr;
  }
  return cur;
}

bool CellMatches(const FieldSpec& spec, const Cell& e, const Cell& a, const FieldRules& rules, const std::string& path,
                 std::optional<double> fuzzy, ArrayBudget& budget) {
  if (spec.type == FieldType::kArray) {
    bool e_null = !e.value || e.value->is_null();
    bool a_null = !a.value || a.value->is_null();
    if (e_null && a_null) return true;
    if (budget.exhausted()) return false;
    return ScoreArray(spec, e.value ? *e.value : kNull, a.value ? *a.value : kNull, rules, path, false, budget)
               .verdict.score >= 1.0;
  }
  if (spec.type == FieldType::kObject) {
    FieldSpec any;
    return CompareCanonical(any, Canonicalize(any, e.value, false), Canonicalize(any, a.value, false), std::nullopt)
               .score >= 1.0;
  }
  if (e.keyed && a.keyed) return e.key == a.key;
  return CompareCanonical(spec, e.canon, a.canon, fuzzy).score >= 1.0;
}

bool IsPresent(const json::value* v) { return v && !v->is_null(); }

ArrayScore Finish(ArrayScore s, size_t correct, size_t total) {
  s.correct_cells = correct;
  s.total_cells = total;
  s.verdict.score = total == 0 ? 1.0 : static_cast<double>(correct) / static_cast<double>(total);
  s.verdict.reason = correct == total ? "match" : "partial_match";
  return s;
}

json::object RowDetail(std::optional<size_t> ei, std::optional<size_t> ai, size_t correct, size_t total,
                       const char* reason, const json::storage_ptr& sp) {
  json::object r(6, sp);  // sized once: rows are the bulk of a result
  r.emplace("expectedIndex", ei ? json::value(static_cast<int64_t>(*ei)) : json::value(nullptr));
  r.emplace("actualIndex", ai ? json::value(static_cast<int64_t>(*ai)) : json::value(nullptr));
  r.emplace("correctCells", static_cast<int64_t>(correct));
  r.emplace("totalCells", static_cast<int64_t>(total));
  r.emplace("reason", reason);
  return r;
}

// One column of `ne` expected and `na` actual cells (row-major in `ec`/`ac` with
// stride `nc`) for row pairing: keys when every cell is keyed, numbers when every
// cell is a number, else a comparison per pair.
PairingColumn PairingColumnOf(const FieldSpec& spec, const std::vector<Cell>& ec, const std::vector<Cell>& ac,
                              size_t ne, size_t na, size_t nc, size_t c, const FieldRules& rules,
                              const std::string& path, std::optional<double> fuzzy, ArrayBudget& budget) {
  PairingColumn col;
  bool keyed = true, numbers = true;
  for (size_t i = 0; i < ne; ++i) {
    keyed = keyed && ec[i * nc + c].keyed;
    numbers = numbers && ec[i * nc + c].canon.form == Canonical::Form::kNumber;
  }
  for (size_t j = 0; j < na; ++j) {
    keyed = keyed && ac[j * nc + c].keyed;
    numbers = numbers && ac[j * nc + c].canon.form == Canonical::Form::kNumber;
  }
  if (keyed) {
    col.mode = PairingColumn::Mode::kKeys;
    for (size_t i = 0; i < ne; ++i) col.expected_keys.push_back(ec[i * nc + c].key);
    for (size_t j = 0; j < na; ++j) col.actual_keys.push_back(ac[j * nc + c].key);
  } else if (numbers && !fuzzy) {
    col.mode = PairingColumn::Mode::kNumbers;
    for (size_t i = 0; i < ne; ++i) col.expected_numbers.push_back(*ec[i * nc + c].canon.number);
    for (size_t j = 0; j < na; ++j) col.actual_numbers.push_back(*ac[j * nc + c].canon.number);
  } else {
    col.mode = PairingColumn::Mode::kCallback;
    col.equal = [&spec, &ec, &ac, nc, c, &rules, &path, fuzzy, &budget](size_t i, size_t j) {
      return CellMatches(spec, ec[i * nc + c], ac[j * nc + c], rules, path, fuzzy, budget);
    };
  }
  return col;
}

// A table of `nc` columns: cells row-major, keyed column by column.
struct Table {
  std::vector<Cell> expected, actual;
  std::vector<PairingColumn> columns;
};

// Pairs the rows of a table; nullopt when the budget ran out.
std::optional<std::vector<int>> Pair(const Table& t, size_t ne, size_t na, ArrayBudget& budget,
                                     const std::string& path) {
  std::optional<std::vector<int>> pairs = PairRows(ne, na, t.columns, *budget.assignment_steps());
  if (!pairs) budget.AssignmentTooLong(path);
  if (budget.exhausted()) return std::nullopt;
  return pairs;
}

// Arrays of scalars (or arrays): multiset matching, each element one cell.
ArrayScore ScoreMultiset(const FieldSpec& item, const json::array& e, const json::array& a, const FieldRules& rules,
                         const std::string& path, bool with_detail, ArrayBudget& budget, const json::storage_ptr& sp) {
  const std::optional<double> fuzzy = rules.FuzzyThreshold(path);
  const std::string item_path = path + "[]";
  Table t;
  t.expected.reserve(e.size());
  t.actual.reserve(a.size());
  for (const auto& v : e) t.expected.push_back(MakeCell(item, &v, fuzzy.has_value()));
  for (const auto& v : a) t.actual.push_back(MakeCell(item, &v, fuzzy.has_value()));
  if (!fuzzy && IsScalar(item.type)) {
    std::vector<Cell*> column;
    for (Cell& c : t.expected) column.push_back(&c);
    for (Cell& c : t.actual) column.push_back(&c);
    KeyColumn(column, e.size(), item.type);
  }
  t.columns.push_back(
      PairingColumnOf(item, t.expected, t.actual, e.size(), a.size(), 1, 0, rules, item_path, fuzzy, budget));
  ArrayScore s;
  s.rows = json::array(sp);
  std::optional<std::vector<int>> pair = Pair(t, e.size(), a.size(), budget, path);
  if (!pair) return s;
  size_t correct = 0;
  std::vector<char> actual_used(a.size(), 0);
  for (size_t i = 0; i < e.size(); ++i) {
    bool ok = (*pair)[i] >= 0 && CellsEqual(t.columns[0], i, static_cast<size_t>((*pair)[i]));
    if (ok) {
      ++correct;
      actual_used[static_cast<size_t>((*pair)[i])] = 1;
    }
    if (with_detail && !ok) s.rows.push_back(RowDetail(i, std::nullopt, 0, 1, "missing_row", s.rows.storage()));
  }
  if (with_detail) {
    for (size_t j = 0; j < a.size(); ++j) {
      if (!actual_used[j]) s.rows.push_back(RowDetail(std::nullopt, j, 0, 1, "extra_row", s.rows.storage()));
    }
  }
  return Finish(std::move(s), correct, std::max(e.size(), a.size()));
}

// Arrays of objects: cells = rows x columns; rows paired to maximize matched cells.
ArrayScore ScoreRows(const RowColumns& plan, const json::array& e, const json::array& a, const FieldRules& rules,
                     const std::string& path, bool with_detail, ArrayBudget& budget, const json::storage_ptr& sp) {
  const size_t nc = plan.scored.size(), ne = e.size(), na = a.size();
  std::vector<const Leaf*> cols(nc);
  for (size_t c = 0; c < nc; ++c) cols[c] = &plan.all[plan.scored[c]];
  Table t;
  // Built in place, row by row (a default-constructed Cell is ~100 bytes of zeroing).
  t.expected.reserve(ne * nc);
  t.actual.reserve(na * nc);
  for (size_t i = 0; i < ne; ++i) {
    for (size_t c = 0; c < nc; ++c) {
      t.expected.push_back(MakeCell(*cols[c]->spec, Lookup(e[i], cols[c]->keys), plan.fuzzy[c].has_value()));
    }
  }
  for (size_t j = 0; j < na; ++j) {
    for (size_t c = 0; c < nc; ++c) {
      t.actual.push_back(MakeCell(*cols[c]->spec, Lookup(a[j], cols[c]->keys), plan.fuzzy[c].has_value()));
    }
  }
  std::vector<Cell*> column;
  column.reserve(ne + na);
  for (size_t c = 0; c < nc; ++c) {
    if (!plan.fuzzy[c] && IsScalar(cols[c]->spec->type)) {
      column.clear();
      for (size_t i = 0; i < ne; ++i) column.push_back(&t.expected[i * nc + c]);
      for (size_t j = 0; j < na; ++j) column.push_back(&t.actual[j * nc + c]);
      KeyColumn(column, ne, cols[c]->spec->type);
    }
    t.columns.push_back(PairingColumnOf(*cols[c]->spec, t.expected, t.actual, ne, na, nc, c, rules, plan.paths[c],
                                        plan.fuzzy[c], budget));
  }
  ArrayScore s;
  s.rows = json::array(sp);
  s.columns.resize(nc);
  for (size_t c = 0; c < nc; ++c) {
    ColumnTally& tally = s.columns[c];
    tally.path = plan.paths[c];
    tally.expected = ne;
    tally.cells = std::max(ne, na);
    for (size_t i = 0; i < ne; ++i) tally.expected_non_null += IsPresent(t.expected[i * nc + c].value);
    for (size_t j = 0; j < na; ++j) tally.present += IsPresent(t.actual[j * nc + c].value);
  }
  std::optional<std::vector<int>> pair = Pair(t, ne, na, budget, path);
  if (!pair) return s;
  if (with_detail) s.rows.reserve(std::max(ne, na));
  size_t correct = 0;
  std::vector<char> actual_used(na, 0);
  for (size_t i = 0; i < ne; ++i) {
    if ((*pair)[i] < 0) {
      if (with_detail) s.rows.push_back(RowDetail(i, std::nullopt, 0, nc, "missing_row", s.rows.storage()));
      continue;
    }
    const size_t j = static_cast<size_t>((*pair)[i]);
    actual_used[j] = 1;
    size_t row_correct = 0;
    json::array mismatched(s.rows.storage());
    for (size_t c = 0; c < nc; ++c) {
      if (CellsEqual(t.columns[c], i, j)) {
        ++row_correct;
        ++s.columns[c].correct;
        s.columns[c].correct_non_null +=
            IsPresent(t.expected[i * nc + c].value) && IsPresent(t.actual[j * nc + c].value);
      } else if (with_detail) {
        mismatched.emplace_back(cols[c]->path);
      }
    }
    correct += row_correct;
    if (with_detail) {
      json::object r =
          RowDetail(i, j, row_correct, nc, row_correct == nc ? "match" : "cell_mismatch", s.rows.storage());
      if (!mismatched.empty()) r["mismatchedColumns"] = std::move(mismatched);
      s.rows.push_back(std::move(r));
    }
  }
  if (with_detail) {
    for (size_t j = 0; j < na; ++j) {
      if (!actual_used[j]) s.rows.push_back(RowDetail(std::nullopt, j, 0, nc, "extra_row", s.rows.storage()));
    }
  }
  return Finish(std::move(s), correct, std::max(ne, na) * nc);
}

}  // namespace

ArrayBudget::ArrayBudget(size_t max_rows)
    : max_rows_(max_rows),
      pairs_left_(static_cast<uint64_t>(max_rows) * max_rows),
      steps_left_(kStepsPerPair * max_rows * max_rows) {}

bool ArrayBudget::Charge(const std::string& path, size_t expected_rows, size_t actual_rows) {
  if (exhausted()) return false;
  if (expected_rows > max_rows_ || actual_rows > max_rows_) {
    const bool actual = actual_rows > max_rows_;
    status_ = Status::TooLarge(path + ": the " + (actual ? "actual output" : "expected output") + " has " +
                               std::to_string(actual ? actual_rows : expected_rows) + " rows; at most " +
                               std::to_string(max_rows_) + " rows per array are scored (--max-array-rows)");
    return false;
  }
  const uint64_t pairs = static_cast<uint64_t>(expected_rows) * actual_rows;
  if (pairs > pairs_left_) {
    status_ = Status::TooLarge(path + ": scoring its nested arrays compares more than " +
                               std::to_string(static_cast<uint64_t>(max_rows_) * max_rows_) +
                               " row pairs (--max-array-rows squared)");
    return false;
  }
  pairs_left_ -= pairs;
  return true;
}

void ArrayBudget::AssignmentTooLong(const std::string& path) {
  if (exhausted()) return;
  status_ = Status::TooLarge(path + ": pairing its rows needs more than " +
                             std::to_string(kStepsPerPair * max_rows_ * max_rows_) +
                             " assignment steps (64 x --max-array-rows squared); the rows are too alike to pair "
                             "in bounded time");
}

RowColumns PlanRowColumns(const FieldSpec& item, const FieldRules& rules, const std::string& path) {
  RowColumns plan;
  if (item.type != FieldType::kObject) return plan;
  plan.all = FlattenObject(item);
  for (size_t k = 0; k < plan.all.size(); ++k) {
    std::string cp = path + "[]." + plan.all[k].path;
    if (rules.IsExcluded(cp)) continue;
    plan.scored.push_back(k);
    plan.fuzzy.push_back(rules.FuzzyThreshold(cp));
    plan.paths.push_back(std::move(cp));
  }
  return plan;
}

ArrayScore ScoreArray(const FieldSpec& spec, const json::value& expected, const json::value& actual,
                      const FieldRules& rules, const std::string& path, bool with_detail, ArrayBudget& budget,
                      json::storage_ptr storage, const RowColumns* columns) {
  const json::array& e = expected.is_array() ? expected.as_array() : kEmpty;
  // A string, number or object where the array belongs scores like no rows at all, so
  // the expected cells still count (as wrong) in the column metrics.
  const bool mistyped = !actual.is_array() && !actual.is_null();
  const json::array& a = actual.is_array() ? actual.as_array() : kEmpty;
  if (!budget.Charge(path, e.size(), a.size())) return ArrayScore{};
  const FieldSpec& item = spec.items.empty() ? FieldSpec{} : spec.items[0];
  ArrayScore s;
  RowColumns planned;
  if (item.type == FieldType::kObject && !columns) {
    planned = PlanRowColumns(item, rules, path);
    columns = &planned;
  }
  if (item.type == FieldType::kObject && !columns->all.empty()) {
    s = ScoreRows(*columns, e, a, rules, path, with_detail, budget, storage);
  } else {
    s = ScoreMultiset(item, e, a, rules, path, with_detail, budget, storage);
  }
  if (mistyped) {
    s.total_cells = std::max<size_t>(s.total_cells, 1);
    s.correct_cells = 0;
    s.verdict = {0, "type_mismatch"};
  }
  return s;
}

}  // namespace goldset::eval
