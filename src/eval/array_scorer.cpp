#include "eval/array_scorer.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string_view>

#include "eval/array_matcher.h"

namespace goldset::eval {
namespace {

const json::array kEmpty;

const json::value* Lookup(const json::value& row, const std::vector<std::string>& keys) {
  const json::value* cur = &row;
  for (const auto& k : keys) {
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(k);
    if (!cur) return nullptr;
  }
  return cur;
}

// A cell (or multiset element) ready for repeated comparison.
struct Cell {
  Canonical canon;           // scalar specs
  const json::value* value;  // array specs compare recursively
  // Fast equality for the common forms: cells of one column with equal keys are
  // equal (text interned per column, dates as day numbers, booleans, null = -1).
  bool keyed = false;
  int64_t key = 0;
};

// Assigns keys to the cells of one scalar, non-fuzzy column (both sides together,
// so equal texts get equal ids).
void KeyColumn(std::vector<Cell*>& cells) {
  std::vector<Cell*> texts;
  for (Cell* c : cells) {
    const Canonical& k = c->canon;
    switch (k.form) {
      case Canonical::Form::kMissing:
      case Canonical::Form::kNull:
        c->keyed = true;
        c->key = -1;
        break;
      case Canonical::Form::kText:
        texts.push_back(c);
        break;
      case Canonical::Form::kBool:
        c->keyed = true;
        c->key = k.boolean;
        break;
      case Canonical::Form::kDate:
        if (k.date) {
          c->keyed = true;
          c->key = k.date->year * 10000 + k.date->month * 100 + k.date->day;
        }
        break;
      default:
        break;
    }
  }
  // Intern texts by sorting (one allocation, no hash nodes). Only equality matters, so
  // the order is by hash first: string compares only between equal hashes.
  std::vector<std::pair<size_t, Cell*>> hashed;
  hashed.reserve(texts.size());
  for (Cell* c : texts) hashed.emplace_back(std::hash<std::string_view>{}(c->canon.text), c);
  std::sort(hashed.begin(), hashed.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->canon.text < b.second->canon.text;
  });
  int64_t id = 0;
  for (size_t i = 0; i < hashed.size(); ++i) {
    const auto& [hash, cell] = hashed[i];
    if (i > 0 && (hash != hashed[i - 1].first || cell->canon.text != hashed[i - 1].second->canon.text)) ++id;
    cell->keyed = true;
    cell->key = id;
  }
}

Cell MakeCell(const FieldSpec& spec, const json::value* v, bool fuzzy) {
  if (spec.type == FieldType::kArray || spec.type == FieldType::kObject) return {Canonical{}, v};
  return {Canonicalize(spec, v, fuzzy), v};
}

bool CellMatches(const FieldSpec& spec, const Cell& e, const Cell& a, const FieldRules& rules,
                 const std::string& path, std::optional<double> fuzzy) {
  if (spec.type == FieldType::kArray) {
    bool e_null = !e.value || e.value->is_null();
    bool a_null = !a.value || a.value->is_null();
    if (e_null && a_null) return true;
    static const json::value kNull;
    return ScoreArray(spec, e.value ? *e.value : kNull, a.value ? *a.value : kNull, rules, path, false)
               .verdict.score >= 1.0;
  }
  if (spec.type == FieldType::kObject) {
    FieldSpec any;
    return CompareCanonical(any, Canonicalize(any, e.value, false), Canonicalize(any, a.value, false), std::nullopt)
               .score >= 1.0;
  }
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

// Arrays of scalars (or arrays): multiset matching, each element one cell.
ArrayScore ScoreMultiset(const FieldSpec& item, const json::array& e, const json::array& a,
                         const FieldRules& rules, const std::string& path, bool with_detail, const json::storage_ptr& sp) {
  std::optional<double> fuzzy = rules.FuzzyThreshold(path);
  std::vector<Cell> ec, ac;
  for (const auto& v : e) ec.push_back(MakeCell(item, &v, fuzzy.has_value()));
  for (const auto& v : a) ac.push_back(MakeCell(item, &v, fuzzy.has_value()));
  std::vector<double> w(ec.size() * ac.size());
  for (size_t i = 0; i < ec.size(); ++i) {
    for (size_t j = 0; j < ac.size(); ++j) w[i * ac.size() + j] = CellMatches(item, ec[i], ac[j], rules, path + "[]", fuzzy);
  }
  std::vector<int> pair = MaxWeightAssignment(w, ec.size(), ac.size());
  ArrayScore s;
  s.rows = json::array(sp);
  size_t correct = 0;
  std::vector<char> actual_used(ac.size(), 0);
  for (size_t i = 0; i < ec.size(); ++i) {
    bool ok = pair[i] >= 0 && w[i * ac.size() + static_cast<size_t>(pair[i])] > 0;
    if (ok) {
      ++correct;
      actual_used[static_cast<size_t>(pair[i])] = 1;
    }
    if (with_detail && !ok) s.rows.push_back(RowDetail(i, std::nullopt, 0, 1, "missing_row", s.rows.storage()));
  }
  if (with_detail) {
    for (size_t j = 0; j < ac.size(); ++j) {
      if (!actual_used[j]) s.rows.push_back(RowDetail(std::nullopt, j, 0, 1, "extra_row", s.rows.storage()));
    }
  }
  return Finish(std::move(s), correct, std::max(ec.size(), ac.size()));
}

// The inner-loop form of a cell: 24 bytes instead of a Canonical, so the rows x rows x
// columns comparison loop stays in cache.
struct FastCell {
  enum Mode : int8_t { kSlow, kKeyed, kNumber } mode = kSlow;
  int64_t key = 0;
  double number = 0;
};

FastCell FastOf(const Cell& c) {
  if (c.keyed) return {FastCell::kKeyed, c.key, 0};
  if (c.canon.form == Canonical::Form::kNumber) return {FastCell::kNumber, 0, *c.canon.number};
  return {};
}

// Arrays of objects: cells = rows x columns; rows paired to maximize matched cells.
ArrayScore ScoreRows(const RowColumns& plan, const json::array& e, const json::array& a, const FieldRules& rules,
                     bool with_detail, const json::storage_ptr& sp) {
  const std::vector<std::string>& col_paths = plan.paths;
  const std::vector<std::optional<double>>& fuzzy = plan.fuzzy;
  const size_t nc = plan.scored.size(), ne = e.size(), na = a.size();
  std::vector<const Leaf*> cols(nc);
  for (size_t c = 0; c < nc; ++c) cols[c] = &plan.all[plan.scored[c]];
  // Built in place, row by row (a default-constructed Cell is ~100 bytes of zeroing).
  std::vector<Cell> ec, ac;
  ec.reserve(ne * nc);
  ac.reserve(na * nc);
  for (size_t i = 0; i < ne; ++i) {
    for (size_t c = 0; c < nc; ++c) ec.push_back(MakeCell(*cols[c]->spec, Lookup(e[i], cols[c]->keys), fuzzy[c].has_value()));
  }
  for (size_t j = 0; j < na; ++j) {
    for (size_t c = 0; c < nc; ++c) ac.push_back(MakeCell(*cols[c]->spec, Lookup(a[j], cols[c]->keys), fuzzy[c].has_value()));
  }
  std::vector<Cell*> column;
  column.reserve(ne + na);
  for (size_t c = 0; c < nc; ++c) {
    if (!fuzzy[c] && IsScalar(cols[c]->spec->type)) {
      column.clear();
      for (size_t i = 0; i < ne; ++i) column.push_back(&ec[i * nc + c]);
      for (size_t j = 0; j < na; ++j) column.push_back(&ac[j * nc + c]);
      KeyColumn(column);
    }
  }
  std::vector<FastCell> ef, af;
  ef.reserve(ec.size());
  af.reserve(ac.size());
  for (const Cell& cell : ec) ef.push_back(FastOf(cell));
  for (const Cell& cell : ac) af.push_back(FastOf(cell));
  // match[c*ne*na + i*na + j]: cell c of expected row i equals that of actual row j.
  // Column by column, so a column whose cells are all keyed (or all numbers) is a
  // tight loop of integer (or floating-point) compares.
  const size_t grid = ne * na;
  std::unique_ptr<char[]> match = std::make_unique_for_overwrite<char[]>(nc * grid);  // every cell is written
  std::vector<uint32_t> counts(grid, 0);
  std::vector<int64_t> e_keys(ne), a_keys(na);
  std::vector<double> e_nums(ne), a_nums(na);
  for (size_t c = 0; c < nc; ++c) {
    char* mc = match.get() + c * grid;
    bool keyed = true, numbers = true;
    for (size_t i = 0; i < ne; ++i) {
      keyed = keyed && ef[i * nc + c].mode == FastCell::kKeyed;
      numbers = numbers && ef[i * nc + c].mode == FastCell::kNumber;
      e_keys[i] = ef[i * nc + c].key;
      e_nums[i] = ef[i * nc + c].number;
    }
    for (size_t j = 0; j < na; ++j) {
      keyed = keyed && af[j * nc + c].mode == FastCell::kKeyed;
      numbers = numbers && af[j * nc + c].mode == FastCell::kNumber;
      a_keys[j] = af[j * nc + c].key;
      a_nums[j] = af[j * nc + c].number;
    }
    for (size_t i = 0; i < ne; ++i) {
      char* row = mc + i * na;
      if (keyed) {
        const int64_t x = e_keys[i];
        for (size_t j = 0; j < na; ++j) row[j] = x == a_keys[j];
      } else if (numbers) {
        const double x = e_nums[i], ax = std::fabs(x);
        for (size_t j = 0; j < na; ++j) {
          const double y = a_nums[j];
          row[j] = (x == y) | (std::fabs(x - y) <= 1e-9 * std::max(ax, std::fabs(y)));  // no branch
        }
      } else {
        for (size_t j = 0; j < na; ++j) {
          const FastCell &x = ef[i * nc + c], &y = af[j * nc + c];
          if (x.mode == FastCell::kKeyed && y.mode == FastCell::kKeyed) {
            row[j] = x.key == y.key;
          } else if (x.mode == FastCell::kNumber && y.mode == FastCell::kNumber) {
            row[j] = x.number == y.number ||
                     std::fabs(x.number - y.number) <= 1e-9 * std::max(std::fabs(x.number), std::fabs(y.number));
          } else {
            row[j] = CellMatches(*cols[c]->spec, ec[i * nc + c], ac[j * nc + c], rules, col_paths[c], fuzzy[c]);
          }
        }
      }
    }
    for (size_t k = 0; k < grid; ++k) counts[k] += static_cast<uint32_t>(mc[k]);
  }
  std::vector<double> w(grid);
  for (size_t k = 0; k < grid; ++k) w[k] = static_cast<double>(counts[k]);
  std::vector<int> pair = MaxWeightAssignment(w, ne, na);
  ArrayScore s;
  s.rows = json::array(sp);
  if (with_detail) s.rows.reserve(std::max(ne, na));
  s.columns.resize(nc);
  for (size_t c = 0; c < nc; ++c) {
    ColumnTally& t = s.columns[c];
    t.path = col_paths[c];
    t.expected = ne;
    t.cells = std::max(ne, na);
    for (size_t j = 0; j < na; ++j) t.present += IsPresent(ac[j * nc + c].value);
  }
  size_t correct = 0;
  std::vector<char> actual_used(na, 0);
  for (size_t i = 0; i < ne; ++i) {
    if (pair[i] < 0) {
      if (with_detail) s.rows.push_back(RowDetail(i, std::nullopt, 0, nc, "missing_row", s.rows.storage()));
      continue;
    }
    size_t j = static_cast<size_t>(pair[i]);
    actual_used[j] = 1;
    size_t row_correct = 0;
    json::array mismatched(s.rows.storage());
    for (size_t c = 0; c < nc; ++c) {
      if (match[c * grid + i * na + j]) {
        ++row_correct;
        ++s.columns[c].correct;
      } else if (with_detail) {
        mismatched.emplace_back(cols[c]->path);
      }
    }
    correct += row_correct;
    if (with_detail) {
      json::object r = RowDetail(i, j, row_correct, nc, row_correct == nc ? "match" : "cell_mismatch", s.rows.storage());
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
                      const FieldRules& rules, const std::string& path, bool with_detail, json::storage_ptr storage,
                      const RowColumns* columns) {
  const json::array& e = expected.is_array() ? expected.as_array() : kEmpty;
  if (!actual.is_array() && !actual.is_null()) {
    ArrayScore s;
    s.verdict = {0, "type_mismatch"};
    s.total_cells = std::max<size_t>(e.size(), 1);
    return s;
  }
  const json::array& a = actual.is_array() ? actual.as_array() : kEmpty;
  const FieldSpec& item = spec.items.empty() ? FieldSpec{} : spec.items[0];
  if (item.type == FieldType::kObject) {
    if (columns) {
      if (!columns->all.empty()) return ScoreRows(*columns, e, a, rules, with_detail, storage);
    } else {
      RowColumns planned = PlanRowColumns(item, rules, path);
      if (!planned.all.empty()) return ScoreRows(planned, e, a, rules, with_detail, storage);
    }
  }
  return ScoreMultiset(item, e, a, rules, path, with_detail, storage);
}

}  // namespace goldset::eval
