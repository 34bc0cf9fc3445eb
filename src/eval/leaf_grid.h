// The cells of a table's rows, packed for bounding the similarity of every row of one
// table against every row of another (ANLS*'s table pairing, anls_star.cpp): per cell,
// what LeafText::SimilarityBound reads, side by side, column by column. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <vector>

#include "eval/anls_text.h"

namespace goldset::eval {

class LeafGrid {
 public:
  // Which instructions Bounds may use: the best the processor has, or portable code only
  // (tests compare the two).
  enum class Isa { kBest, kPortable };

  LeafGrid(size_t rows, size_t cols, std::pmr::memory_resource* arena = std::pmr::get_default_resource());
  // `leaf` null: not a leaf, None-like: as a ground truth it scores 1 against a none-ish
  // prediction (`nonish` is the caller's to say) and 0 against others; as a prediction it
  // scores 0. REQUIRES: `leaf` outlives the grid.
  void Set(size_t row, size_t col, const LeafText* leaf, bool nonish);

  // For ground-truth row i and predicted row j: bound[i * p.rows + j] = the sum over the
  // columns of each cell pair's SimilarityBound (or None score), and exact[...] = 1 when
  // every one of them is the similarity itself.
  // REQUIRES: g and p have the same columns; bound and exact hold g.rows x p.rows.
  static void Bounds(const LeafGrid& g, const LeafGrid& p, double* bound, char* exact, Isa isa = Isa::kBest);

 private:
  static void BoundsPortable(const LeafGrid& g, const LeafGrid& p, double* bound, char* exact);
  static void BoundsAvx512(const LeafGrid& g, const LeafGrid& p, double* bound, char* exact);

  size_t rows_, cols_;
  // Column-major: cell (row, col) at col * rows_ + row.
  std::pmr::vector<const LeafText*> leaves_;
  std::pmr::vector<uint64_t> hash_, chars_;
  std::pmr::vector<int64_t> size_;    // 0 when not a leaf (bounded by 0 then, as an empty text would be)
  std::pmr::vector<double> inverse_;  // 1 / size_, 0 for 0
  std::pmr::vector<double> nonish_;   // 1 for a none-ish cell
};

}  // namespace goldset::eval
