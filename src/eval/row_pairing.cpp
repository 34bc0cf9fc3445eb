#include "eval/row_pairing.h"

#include <algorithm>
#include <cmath>

#include "eval/array_matcher.h"
#include "eval/values.h"

namespace goldset::eval {
namespace {

bool AllKeyed(const std::vector<PairingColumn>& columns) {
  for (const PairingColumn& c : columns) {
    if (c.mode != PairingColumn::Mode::kKeys) return false;
  }
  return true;
}

// Pairs rows equal in every column, in row order among duplicates.
//
// Why this keeps the optimum: let expected row i equal actual row j in every column
// (the most matches a pair can have), and let P be a maximal pairing with i-j' and
// i'-j instead. Each column's comparison is an equivalence and i ~ j there, so i' ~ j
// and i ~ j' imply i' ~ j': per column, [i~j'] + [i'~j] <= 1 + [i'~j'], so
// matches(i,j') + matches(i',j) <= columns + matches(i',j'). Trading those two pairs
// for i-j and i'-j' loses nothing; when i or j is unpaired in P, pairing them only
// gains. So some maximal pairing holds i-j; fix it and repeat on the rest.
void PairEqualRows(size_t ne, size_t na, const std::vector<PairingColumn>& columns, std::vector<int>* pairs,
                   std::vector<char>* actual_used) {
  auto compare = [&](const std::vector<int64_t> PairingColumn::*x_side, size_t x,
                     const std::vector<int64_t> PairingColumn::*y_side, size_t y) {
    for (const PairingColumn& c : columns) {
      int64_t a = (c.*x_side)[x], b = (c.*y_side)[y];
      if (a != b) return a < b ? -1 : 1;
    }
    return 0;
  };
  auto sorted = [&](size_t n, const std::vector<int64_t> PairingColumn::*side) {
    std::vector<size_t> order(n);
    for (size_t k = 0; k < n; ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      int c = compare(side, x, side, y);
      return c != 0 ? c < 0 : x < y;
    });
    return order;
  };
  const std::vector<size_t> e = sorted(ne, &PairingColumn::expected_keys);
  const std::vector<size_t> a = sorted(na, &PairingColumn::actual_keys);
  for (size_t i = 0, j = 0; i < e.size() && j < a.size();) {
    int c = compare(&PairingColumn::expected_keys, e[i], &PairingColumn::actual_keys, a[j]);
    if (c < 0) {
      ++i;
    } else if (c > 0) {
      ++j;
    } else {
      (*pairs)[e[i]] = static_cast<int>(a[j]);
      (*actual_used)[a[j]] = 1;
      ++i;
      ++j;
    }
  }
}

}  // namespace

bool CellsEqual(const PairingColumn& column, size_t i, size_t j) {
  switch (column.mode) {
    case PairingColumn::Mode::kKeys: return column.expected_keys[i] == column.actual_keys[j];
    case PairingColumn::Mode::kNumbers: return NumbersEqual(column.expected_numbers[i], column.actual_numbers[j]);
    case PairingColumn::Mode::kCallback: return column.equal(i, j);
  }
  return false;
}

std::optional<std::vector<int>> PairRows(size_t ne, size_t na, const std::vector<PairingColumn>& columns,
                                         uint64_t max_steps) {
  std::vector<int> pairs(ne, -1);
  std::vector<char> actual_used(na, 0);
  if (!columns.empty() && AllKeyed(columns)) PairEqualRows(ne, na, columns, &pairs, &actual_used);
  std::vector<size_t> left_e, left_a;
  for (size_t i = 0; i < ne; ++i) {
    if (pairs[i] < 0) left_e.push_back(i);
  }
  for (size_t j = 0; j < na; ++j) {
    if (!actual_used[j]) left_a.push_back(j);
  }
  if (left_e.empty() || left_a.empty()) return pairs;

  // The assignment wants rows <= columns: the smaller side is the matrix's rows, so
  // the matrix is built in the orientation the solver reads (never transposed).
  const bool transpose = left_e.size() > left_a.size();
  const std::vector<size_t>& rows = transpose ? left_a : left_e;
  const std::vector<size_t>& cols = transpose ? left_e : left_a;
  const size_t n = rows.size(), m = cols.size();
  const int32_t num_columns = static_cast<int32_t>(columns.size());
  // cost = columns - equal cells, column by column, so keyed and numeric columns are
  // tight loops over contiguous keys.
  std::vector<int32_t> cost(n * m, num_columns);
  std::vector<int64_t> col_keys(m);
  std::vector<double> col_numbers(m);
  for (const PairingColumn& column : columns) {
    switch (column.mode) {
      case PairingColumn::Mode::kKeys: {
        const std::vector<int64_t>& row_keys = transpose ? column.actual_keys : column.expected_keys;
        const std::vector<int64_t>& other = transpose ? column.expected_keys : column.actual_keys;
        for (size_t c = 0; c < m; ++c) col_keys[c] = other[cols[c]];
        for (size_t r = 0; r < n; ++r) {
          const int64_t x = row_keys[rows[r]];
          int32_t* out = cost.data() + r * m;
          for (size_t c = 0; c < m; ++c) out[c] -= col_keys[c] == x;
        }
        break;
      }
      case PairingColumn::Mode::kNumbers: {
        const std::vector<double>& row_numbers = transpose ? column.actual_numbers : column.expected_numbers;
        const std::vector<double>& other = transpose ? column.expected_numbers : column.actual_numbers;
        for (size_t c = 0; c < m; ++c) col_numbers[c] = other[cols[c]];
        for (size_t r = 0; r < n; ++r) {
          const double x = row_numbers[rows[r]], ax = std::fabs(x);
          int32_t* out = cost.data() + r * m;
          for (size_t c = 0; c < m; ++c) {
            const double y = col_numbers[c];
            out[c] -= (x == y) | (std::fabs(x - y) <= 1e-9 * std::max(ax, std::fabs(y)));  // NumbersEqual, no branch
          }
        }
        break;
      }
      case PairingColumn::Mode::kCallback:
        for (size_t r = 0; r < n; ++r) {
          int32_t* out = cost.data() + r * m;
          for (size_t c = 0; c < m; ++c) {
            out[c] -= transpose ? column.equal(cols[c], rows[r]) : column.equal(rows[r], cols[c]);
          }
        }
        break;
    }
  }
  auto assigned = MinCostAssignmentInPlace(cost.data(), n, m, max_steps);
  if (!assigned) return std::nullopt;
  for (size_t r = 0; r < n; ++r) {
    size_t c = static_cast<size_t>((*assigned)[r]);
    if (transpose) pairs[cols[c]] = static_cast<int>(rows[r]);
    else pairs[rows[r]] = static_cast<int>(cols[c]);
  }
  return pairs;
}

}  // namespace goldset::eval
