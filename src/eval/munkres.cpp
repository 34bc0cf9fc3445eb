#include "eval/munkres.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>

namespace goldset::eval {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

// The step formulation with its state kept in indexes instead of a mark matrix: the
// star of each row and column, the prime of each row (a row holds at most one prime
// per augmentation: priming covers the row or ends the search), and, per row, a bit set
// of its zero cells. The steps, the order in which zeros are found and the arithmetic
// are those of the plain formulation (the search just skips non-zeros in 64-bit words),
// so the same assignment comes out on ties; tests/unit/eval/anls_star_test.cpp checks it
// against the plain one on random matrices full of ties.
class Solver {
 public:
  Solver(std::vector<double> cost, size_t rows, size_t cols)
      : n_(std::max(rows, cols)),
        words_((n_ + 63) / 64),
        c_(n_ * n_, 0.0),
        zero_(n_ * words_, 0),
        col_uncov_(words_, 0),
        row_cov_(n_),
        star_of_row_(n_, kNone),
        star_of_col_(n_, kNone),
        prime_of_row_(n_, kNone) {
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
        prime_of_row_[row] = col;
        size_t star = star_of_row_[row];
        if (star == kNone) break;
        col = star;
        row_cov_[row] = true;
        Uncover(star);
      }
      Augment(row, col);
    }
  }

  size_t StarOfRow(size_t i) const { return star_of_row_[i]; }

 private:
  double& C(size_t i, size_t j) { return c_[i * n_ + j]; }
  bool ColCovered(size_t j) const { return !(col_uncov_[j / 64] >> (j % 64) & 1); }
  void Cover(size_t j) { col_uncov_[j / 64] &= ~(uint64_t{1} << (j % 64)); }
  void Uncover(size_t j) { col_uncov_[j / 64] |= uint64_t{1} << (j % 64); }
  void SetZeroBit(size_t i, size_t j) {
    uint64_t bit = uint64_t{1} << (j % 64);
    if (C(i, j) == 0) zero_[i * words_ + j / 64] |= bit;
    else zero_[i * words_ + j / 64] &= ~bit;
  }

  void ReduceRows() {
    for (size_t i = 0; i < n_; ++i) {
      double m = *std::min_element(c_.begin() + i * n_, c_.begin() + (i + 1) * n_);
      for (size_t j = 0; j < n_; ++j) {
        C(i, j) -= m;
        SetZeroBit(i, j);
      }
    }
  }

  void StarFirstZeros() {
    for (size_t i = 0; i < n_; ++i) {
      for (size_t j = 0; j < n_; ++j) {
        if (C(i, j) == 0 && star_of_col_[j] == kNone) {
          star_of_row_[i] = j;
          star_of_col_[j] = i;
          break;
        }
      }
    }
  }

  size_t CoverStarredColumns() {
    size_t count = 0;
    std::fill(col_uncov_.begin(), col_uncov_.end(), 0);
    for (size_t j = 0; j < n_; ++j) {
      if (star_of_col_[j] != kNone) ++count;
      else Uncover(j);
    }
    return count;
  }

  // The highest set bit of row i's uncovered zeros within columns [from, to), or kNone.
  size_t LastUncoveredZero(size_t i, size_t from, size_t to) const {
    if (from >= to) return kNone;
    for (size_t w = (to - 1) / 64 + 1; w-- > from / 64;) {
      uint64_t bits = zero_[i * words_ + w] & col_uncov_[w];
      if (w == (to - 1) / 64 && to % 64) bits &= (uint64_t{1} << (to % 64)) - 1;
      if (w == from / 64) bits &= ~uint64_t{0} << (from % 64);
      if (bits) return w * 64 + 63 - static_cast<size_t>(std::countl_zero(bits));
    }
    return kNone;
  }

  // From (row, col): rows cyclically from `row`; in the first row with an uncovered
  // zero, the last one met scanning columns cyclically from `col` (the last below `col`
  // if any, else the last from `col` on).
  bool FindUncoveredZero(size_t& row, size_t& col) {
    const size_t i0 = row, j0 = col;
    for (size_t di = 0; di < n_; ++di) {
      size_t i = (i0 + di) % n_;
      if (row_cov_[i]) continue;
      size_t j = LastUncoveredZero(i, 0, j0);
      if (j == kNone) j = LastUncoveredZero(i, j0, n_);
      if (j != kNone) {
        row = i;
        col = j;
        return true;
      }
    }
    return false;
  }

  // Smallest uncovered value added to covered rows, subtracted from uncovered columns
  // (both applied where they overlap, in this order, as the arithmetic must match).
  void Adjust() {
    open_cols_.clear();
    for (size_t j = 0; j < n_; ++j)
      if (!ColCovered(j)) open_cols_.push_back(j);
    double m = std::numeric_limits<double>::max();
    for (size_t i = 0; i < n_; ++i) {
      if (row_cov_[i]) continue;
      for (size_t j : open_cols_) m = std::min(m, C(i, j));
    }
    for (size_t i = 0; i < n_; ++i) {
      if (!row_cov_[i]) {  // only its uncovered columns change
        for (size_t j : open_cols_) {
          C(i, j) -= m;
          SetZeroBit(i, j);
        }
        continue;
      }
      for (size_t j = 0; j < n_; ++j) {
        C(i, j) += m;
        if (!ColCovered(j)) C(i, j) -= m;
        SetZeroBit(i, j);
      }
    }
  }

  // The alternating path of primes and stars from the prime at (row, col).
  void Augment(size_t row, size_t col) {
    path_.assign(1, {row, col});
    for (;;) {
      size_t r = star_of_col_[path_.back().second];
      if (r == kNone) break;
      path_.emplace_back(r, path_.back().second);
      path_.emplace_back(r, prime_of_row_[r]);
    }
    // Stars on the path (odd positions) go, primes (even positions) become stars.
    for (size_t k = 1; k < path_.size(); k += 2) {
      auto [i, j] = path_[k];
      if (star_of_row_[i] == j) star_of_row_[i] = kNone;
      if (star_of_col_[j] == i) star_of_col_[j] = kNone;
    }
    for (size_t k = 0; k < path_.size(); k += 2) {
      auto [i, j] = path_[k];
      star_of_row_[i] = j;
      star_of_col_[j] = i;
    }
    std::fill(row_cov_.begin(), row_cov_.end(), false);
    std::fill(prime_of_row_.begin(), prime_of_row_.end(), kNone);
  }

  size_t n_, words_;
  std::vector<double> c_;
  std::vector<uint64_t> zero_;       // row-major bit sets: C(i, j) == 0
  std::vector<uint64_t> col_uncov_;  // bit set of uncovered columns
  std::vector<bool> row_cov_;
  std::vector<size_t> star_of_row_, star_of_col_, prime_of_row_;
  std::vector<std::pair<size_t, size_t>> path_;
  std::vector<size_t> open_cols_;  // Adjust's uncovered columns
};

}  // namespace

std::vector<std::pair<int, int>> MunkresAssignment(std::vector<double> cost, size_t rows, size_t cols) {
  std::vector<std::pair<int, int>> out;
  if (rows == 0 || cols == 0) return out;
  Solver s(std::move(cost), rows, cols);
  s.Run();
  for (size_t i = 0; i < rows; ++i) {
    size_t j = s.StarOfRow(i);
    if (j < cols) out.emplace_back(static_cast<int>(i), static_cast<int>(j));
  }
  return out;
}

}  // namespace goldset::eval
