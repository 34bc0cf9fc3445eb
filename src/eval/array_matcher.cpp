#include "eval/array_matcher.h"

#include <algorithm>
#include <limits>

namespace goldset::eval {
namespace {

// n <= m. a is 1-based in the classic formulation; here 0-based with a virtual
// column m standing for "unassigned".
std::vector<int> SolveRowsLeCols(const double* cost, size_t n, size_t m, bool transposed) {
  auto at = [&](size_t i, size_t j) { return transposed ? cost[j * n + i] : cost[i * m + j]; };
  const double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(m + 1, 0), minv(m + 1);
  std::vector<size_t> p(m + 1, n), way(m + 1, m);  // p[j]: row matched to column j (n = none)
  std::vector<char> used(m + 1);
  for (size_t i = 0; i < n; ++i) {
    p[m] = i;
    size_t j0 = m;
    std::fill(minv.begin(), minv.end(), kInf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      size_t i0 = p[j0];
      double delta = kInf;
      size_t j1 = m;
      double ui0 = u[i0];
      for (size_t j = 0; j < m; ++j) {
        if (used[j]) continue;
        double cur = at(i0, j) - ui0 - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != n);
    do {
      size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != m);
  }
  std::vector<int> row_to_col(n, -1);
  for (size_t j = 0; j < m; ++j) {
    if (p[j] != n) row_to_col[p[j]] = static_cast<int>(j);
  }
  return row_to_col;
}

}  // namespace

std::vector<int> MinCostAssignment(const std::vector<double>& cost, size_t rows, size_t cols) {
  if (rows == 0) return {};
  if (cols == 0) return std::vector<int>(rows, -1);
  if (rows <= cols) return SolveRowsLeCols(cost.data(), rows, cols, false);
  // Transpose: columns become rows; invert the result.
  std::vector<int> col_to_row = SolveRowsLeCols(cost.data(), cols, rows, true);
  std::vector<int> row_to_col(rows, -1);
  for (size_t c = 0; c < cols; ++c) {
    if (col_to_row[c] >= 0) row_to_col[static_cast<size_t>(col_to_row[c])] = static_cast<int>(c);
  }
  return row_to_col;
}

std::vector<int> MaxWeightAssignment(const std::vector<double>& weight, size_t rows, size_t cols) {
  std::vector<double> cost(weight.size());
  for (size_t i = 0; i < weight.size(); ++i) cost[i] = -weight[i];
  return MinCostAssignment(cost, rows, cols);
}

}  // namespace goldset::eval
