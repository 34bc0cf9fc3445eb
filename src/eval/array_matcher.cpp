#include "eval/array_matcher.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <type_traits>

namespace goldset::eval {
namespace {

// One Dijkstra-like search per row over the columns not yet reached, kept in a
// compact `remaining` list so the inner loop never branches on visited columns.
// Potentials: reduced cost = cost - u[row] - v[col] >= 0, and 0 on assigned pairs.
// `Dist` holds sums of costs exactly (int64 for int32 costs).
template <typename Cost, typename Dist>
class AugmentingPathSolver {
 public:
  AugmentingPathSolver(const Cost* cost, size_t nr, size_t nc, uint64_t max_steps)
      : cost_(cost),
        nr_(nr),
        nc_(nc),
        steps_left_(max_steps ? max_steps : UINT64_MAX),
        u_(nr, 0),
        v_(nc, 0),
        shortest_(nc),
        path_(nc, -1),
        col4row_(nr, -1),
        row4col_(nc, -1),
        remaining_(nc) {
    rows_seen_.reserve(nr);
    cols_seen_.reserve(nr);
  }

  // Empty when the step budget ran out.
  std::optional<std::vector<int>> Solve() {
    ReduceRows();
    if (!Spend(static_cast<uint64_t>(nr_) * nc_)) return std::nullopt;
    for (size_t cur = 0; cur < nr_; ++cur) {
      if (col4row_[cur] < 0 && !Augment(cur)) return std::nullopt;
    }
    return col4row_;
  }

 private:
  static constexpr Dist kInf =
      std::is_floating_point_v<Dist> ? std::numeric_limits<Dist>::infinity() : std::numeric_limits<Dist>::max() / 4;

  // u = row minima, v = 0 (feasible); a row whose cheapest column is still free takes
  // it (tight). In scoring matrices most rows have one best partner, so most rows are
  // paired here in O(n m) and only conflicts need augmenting paths.
  void ReduceRows() {
    for (size_t i = 0; i < nr_; ++i) {
      const Cost* row = cost_ + i * nc_;
      Cost best = row[0];
      long free_at_best = row4col_[0] < 0 ? 0 : -1;
      for (size_t j = 1; j < nc_; ++j) {
        const Cost x = row[j];
        if (x < best) {
          best = x;
          free_at_best = row4col_[j] < 0 ? static_cast<long>(j) : -1;
        } else if (x == best && free_at_best < 0 && row4col_[j] < 0) {
          free_at_best = static_cast<long>(j);
        }
      }
      u_[i] = static_cast<Dist>(best);
      if (free_at_best >= 0) {
        col4row_[i] = static_cast<int>(free_at_best);
        row4col_[static_cast<size_t>(free_at_best)] = static_cast<int>(i);
      }
    }
  }

  bool Spend(uint64_t steps) {
    if (steps > steps_left_) return false;
    steps_left_ -= steps;
    return true;
  }

  // One shortest augmenting path from the free row `cur`; false when out of steps.
  bool Augment(size_t cur) {
    size_t num_remaining = nc_;
    for (size_t it = 0; it < nc_; ++it) remaining_[it] = static_cast<int>(it);
    std::fill(shortest_.begin(), shortest_.end(), kInf);
    rows_seen_.clear();
    cols_seen_.clear();
    long sink = -1;
    Dist mv = 0;
    size_t i = cur;
    while (sink < 0) {
      if (!Spend(num_remaining)) return false;
      rows_seen_.push_back(static_cast<int>(i));
      size_t index = 0;
      Dist lowest = kInf;
      const Cost* row = cost_ + i * nc_;
      const Dist base = mv - u_[i];
      const int* rem = remaining_.data();
      Dist* shortest = shortest_.data();
      const Dist* v = v_.data();
      int* path = path_.data();
      const int* row4col = row4col_.data();
      for (size_t it = 0; it < num_remaining; ++it) {
        const size_t j = static_cast<size_t>(rem[it]);
        const Dist r = base + static_cast<Dist>(row[j]) - v[j];
        Dist sj = shortest[j];
        if (r < sj) {
          path[j] = static_cast<int>(i);
          sj = r;
          shortest[j] = r;
        }
        if (sj < lowest || (sj == lowest && row4col[j] < 0)) {
          lowest = sj;
          index = it;
          // Nothing is closer than the current row: a free column here ends the search.
          if (sj == mv && row4col[j] < 0) break;
        }
      }
      mv = lowest;
      const size_t j = static_cast<size_t>(remaining_[index]);
      cols_seen_.push_back(static_cast<int>(j));
      remaining_[index] = remaining_[--num_remaining];
      if (row4col_[j] < 0) sink = static_cast<long>(j);
      else i = static_cast<size_t>(row4col_[j]);
    }
    u_[cur] += mv;
    for (int r : rows_seen_) {
      if (static_cast<size_t>(r) != cur)
        u_[static_cast<size_t>(r)] += mv - shortest_[static_cast<size_t>(col4row_[static_cast<size_t>(r)])];
    }
    for (int c : cols_seen_) v_[static_cast<size_t>(c)] -= mv - shortest_[static_cast<size_t>(c)];
    size_t j = static_cast<size_t>(sink);
    while (true) {
      const int r = path_[j];
      row4col_[j] = r;
      const int previous = col4row_[static_cast<size_t>(r)];
      col4row_[static_cast<size_t>(r)] = static_cast<int>(j);
      if (static_cast<size_t>(r) == cur) break;
      j = static_cast<size_t>(previous);
    }
    return true;
  }

  const Cost* cost_;
  size_t nr_, nc_;
  uint64_t steps_left_;
  std::vector<Dist> u_, v_, shortest_;
  std::vector<int> path_, col4row_, row4col_, remaining_;
  std::vector<int> rows_seen_, cols_seen_;
};

}  // namespace

std::optional<std::vector<int>> MinCostAssignmentInPlace(const int32_t* cost, size_t rows, size_t cols,
                                                         uint64_t max_steps) {
  if (rows == 0) return std::vector<int>();
  return AugmentingPathSolver<int32_t, int64_t>(cost, rows, cols, max_steps).Solve();
}

std::vector<int> MinCostAssignmentInPlace(const double* cost, size_t rows, size_t cols) {
  if (rows == 0) return {};
  return *AugmentingPathSolver<double, double>(cost, rows, cols, 0).Solve();
}

std::vector<int> MinCostAssignment(const std::vector<double>& cost, size_t rows, size_t cols) {
  if (rows == 0) return {};
  if (cols == 0) return std::vector<int>(rows, -1);
  if (rows <= cols) return MinCostAssignmentInPlace(cost.data(), rows, cols);
  // More rows than columns: solve the transpose and invert.
  std::vector<double> t(cost.size());
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) t[c * rows + r] = cost[r * cols + c];
  }
  std::vector<int> col_to_row = MinCostAssignmentInPlace(t.data(), cols, rows);
  std::vector<int> row_to_col(rows, -1);
  for (size_t c = 0; c < cols; ++c) row_to_col[static_cast<size_t>(col_to_row[c])] = static_cast<int>(c);
  return row_to_col;
}

std::vector<int> MaxWeightAssignment(const std::vector<double>& weight, size_t rows, size_t cols) {
  std::vector<double> cost(weight.size());
  for (size_t i = 0; i < weight.size(); ++i) cost[i] = -weight[i];
  return MinCostAssignment(cost, rows, cols);
}

}  // namespace goldset::eval
