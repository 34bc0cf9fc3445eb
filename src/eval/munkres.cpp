#include "eval/munkres.h"

#include <algorithm>
#include <limits>

namespace goldset::eval {
namespace {

enum Mark : unsigned char { kNone = 0, kStar = 1, kPrime = 2 };

class Solver {
 public:
  Solver(std::vector<double> cost, size_t rows, size_t cols)
      : n_(std::max(rows, cols)), c_(n_ * n_, 0.0), mark_(n_ * n_, kNone), row_cov_(n_), col_cov_(n_) {
    for (size_t i = 0; i < rows; ++i)
      for (size_t j = 0; j < cols; ++j) c_[i * n_ + j] = cost[i * cols + j];
  }

  void Run() {
    ReduceRows();
    StarFirstZeros();
    while (CoverStarredColumns() < n_) {
      // Prime uncovered zeros until one has no star in its row, adjusting the matrix
      // whenever no uncovered zero is left.
      size_t row = 0, col = 0;
      for (;;) {
        if (!FindUncoveredZero(row, col)) {
          Adjust();
          row = col = 0;  // the search restarts at the top after an adjustment
          continue;
        }
        mark_[row * n_ + col] = kPrime;
        size_t star = StarInRow(row);
        if (star == n_) break;
        col = star;
        row_cov_[row] = true;
        col_cov_[star] = false;
      }
      Augment(row, col);
    }
  }

  bool Starred(size_t i, size_t j) const { return mark_[i * n_ + j] == kStar; }

 private:
  double& C(size_t i, size_t j) { return c_[i * n_ + j]; }

  void ReduceRows() {
    for (size_t i = 0; i < n_; ++i) {
      double m = *std::min_element(c_.begin() + i * n_, c_.begin() + (i + 1) * n_);
      for (size_t j = 0; j < n_; ++j) C(i, j) -= m;
    }
  }

  void StarFirstZeros() {
    for (size_t i = 0; i < n_; ++i) {
      for (size_t j = 0; j < n_; ++j) {
        if (C(i, j) == 0 && !col_cov_[j] && !row_cov_[i]) {
          mark_[i * n_ + j] = kStar;
          col_cov_[j] = row_cov_[i] = true;
          break;
        }
      }
    }
    ClearCovers();
  }

  size_t CoverStarredColumns() {
    size_t count = 0;
    for (size_t i = 0; i < n_; ++i) {
      for (size_t j = 0; j < n_; ++j) {
        if (mark_[i * n_ + j] == kStar && !col_cov_[j]) {
          col_cov_[j] = true;
          ++count;
        }
      }
    }
    return count;
  }

  // From (row, col): rows cyclically from `row`; in the first row with an uncovered
  // zero, the last one met scanning columns cyclically from `col`.
  bool FindUncoveredZero(size_t& row, size_t& col) {
    const size_t i0 = row, j0 = col;
    for (size_t di = 0; di < n_; ++di) {
      size_t i = (i0 + di) % n_;
      if (row_cov_[i]) continue;
      bool found = false;
      for (size_t dj = 0; dj < n_; ++dj) {
        size_t j = (j0 + dj) % n_;
        if (C(i, j) == 0 && !col_cov_[j]) {
          row = i;
          col = j;
          found = true;
        }
      }
      if (found) return true;
    }
    return false;
  }

  size_t StarInRow(size_t i) const {
    for (size_t j = 0; j < n_; ++j)
      if (mark_[i * n_ + j] == kStar) return j;
    return n_;
  }

  // Smallest uncovered value added to covered rows, subtracted from uncovered columns
  // (both applied where they overlap, in this order, as the arithmetic must match).
  void Adjust() {
    double m = std::numeric_limits<double>::max();
    for (size_t i = 0; i < n_; ++i)
      for (size_t j = 0; j < n_; ++j)
        if (!row_cov_[i] && !col_cov_[j]) m = std::min(m, C(i, j));
    for (size_t i = 0; i < n_; ++i) {
      for (size_t j = 0; j < n_; ++j) {
        if (row_cov_[i]) C(i, j) += m;
        if (!col_cov_[j]) C(i, j) -= m;
      }
    }
  }

  // The alternating path of primes and stars from the prime at (row, col).
  void Augment(size_t row, size_t col) {
    std::vector<std::pair<size_t, size_t>> path{{row, col}};
    for (;;) {
      size_t r = n_;
      for (size_t i = 0; i < n_; ++i)
        if (mark_[i * n_ + path.back().second] == kStar) {
          r = i;
          break;
        }
      if (r == n_) break;
      path.emplace_back(r, path.back().second);
      size_t c = n_;
      for (size_t j = 0; j < n_; ++j)
        if (mark_[r * n_ + j] == kPrime) {
          c = j;
          break;
        }
      path.emplace_back(r, c);
    }
    for (auto [i, j] : path) mark_[i * n_ + j] = mark_[i * n_ + j] == kStar ? kNone : kStar;
    ClearCovers();
    for (auto& m : mark_)
      if (m == kPrime) m = kNone;
  }

  void ClearCovers() {
    std::fill(row_cov_.begin(), row_cov_.end(), false);
    std::fill(col_cov_.begin(), col_cov_.end(), false);
  }

  size_t n_;
  std::vector<double> c_;
  std::vector<unsigned char> mark_;
  std::vector<bool> row_cov_, col_cov_;
};

}  // namespace

std::vector<std::pair<int, int>> MunkresAssignment(std::vector<double> cost, size_t rows, size_t cols) {
  std::vector<std::pair<int, int>> out;
  if (rows == 0 || cols == 0) return out;
  Solver s(std::move(cost), rows, cols);
  s.Run();
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j)
      if (s.Starred(i, j)) out.emplace_back(static_cast<int>(i), static_cast<int>(j));
  return out;
}

}  // namespace goldset::eval
