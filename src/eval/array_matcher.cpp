#include "eval/array_matcher.h"

#include <algorithm>
#include <limits>

namespace goldset::eval {
namespace {

// Shortest augmenting path with potentials (Crouse 2016, as in LAPJV and scipy's
// linear_sum_assignment): one Dijkstra-like search per row over the columns not
// yet reached, kept in a compact `remaining` list so the inner loop never branches
// on visited columns. `cost` is row-major nr x nc with nr <= nc.
class AugmentingPathSolver {
 public:
  AugmentingPathSolver(const double* cost, size_t nr, size_t nc)
      : cost_(cost), nr_(nr), nc_(nc), u_(nr, 0), v_(nc, 0), shortest_(nc), path_(nc, -1), col4row_(nr, -1),
        row4col_(nc, -1), sr_(nr), sc_(nc), remaining_(nc) {}

  std::vector<int> Solve() {
    for (size_t cur = 0; cur < nr_; ++cur) {
      double min_val = 0;
      long sink = Augment(cur, &min_val);
      if (sink < 0) break;  // cannot happen with finite costs
      u_[cur] += min_val;
      for (size_t i = 0; i < nr_; ++i) {
        if (sr_[i] && i != cur) u_[i] += min_val - shortest_[static_cast<size_t>(col4row_[i])];
      }
      for (size_t j = 0; j < nc_; ++j) {
        if (sc_[j]) v_[j] -= min_val - shortest_[j];
      }
      long j = sink;
      while (true) {
        long i = path_[static_cast<size_t>(j)];
        row4col_[static_cast<size_t>(j)] = i;
        std::swap(col4row_[static_cast<size_t>(i)], j);
        if (static_cast<size_t>(i) == cur) break;
      }
    }
    return std::vector<int>(col4row_.begin(), col4row_.end());
  }

 private:
  long Augment(size_t i, double* min_val) {
    const double kInf = std::numeric_limits<double>::infinity();
    size_t num_remaining = nc_;
    for (size_t it = 0; it < nc_; ++it) remaining_[it] = nc_ - it - 1;
    std::fill(sr_.begin(), sr_.end(), 0);
    std::fill(sc_.begin(), sc_.end(), 0);
    std::fill(shortest_.begin(), shortest_.end(), kInf);
    long sink = -1;
    double mv = 0;
    while (sink == -1) {
      size_t index = 0;
      double lowest = kInf;
      sr_[i] = 1;
      const double* row = cost_ + i * nc_;
      const double base = mv - u_[i];
      const size_t* rem = remaining_.data();
      double* shortest = shortest_.data();
      const double* v = v_.data();
      long* path = path_.data();
      const long* row4col = row4col_.data();
      for (size_t it = 0; it < num_remaining; ++it) {
        size_t j = rem[it];
        double r = base + row[j] - v[j];
        double sj = shortest[j];
        if (r < sj) {
          path[j] = static_cast<long>(i);
          sj = r;
          shortest[j] = r;
        }
        if (sj < lowest || (sj == lowest && row4col[j] == -1)) {
          lowest = sj;
          index = it;
        }
      }
      mv = lowest;
      if (mv == kInf) return -1;
      size_t j = remaining_[index];
      if (row4col_[j] == -1) sink = static_cast<long>(j);
      else i = static_cast<size_t>(row4col_[j]);
      sc_[j] = 1;
      remaining_[index] = remaining_[--num_remaining];
    }
    *min_val = mv;
    return sink;
  }

  const double* cost_;
  size_t nr_, nc_;
  std::vector<double> u_, v_, shortest_;
  std::vector<long> path_, col4row_, row4col_;
  std::vector<char> sr_, sc_;
  std::vector<size_t> remaining_;
};

}  // namespace

std::vector<int> MinCostAssignment(const std::vector<double>& cost, size_t rows, size_t cols) {
  if (rows == 0) return {};
  if (cols == 0) return std::vector<int>(rows, -1);
  if (rows <= cols) return AugmentingPathSolver(cost.data(), rows, cols).Solve();
  // More rows than columns: solve the transpose and invert.
  std::vector<double> t(cost.size());
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) t[c * rows + r] = cost[r * cols + c];
  }
  std::vector<int> col_to_row = AugmentingPathSolver(t.data(), cols, rows).Solve();
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
