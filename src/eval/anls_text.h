// ANLS* leaves (anls_star.h): the reference's text normalisation and the normalised
// Levenshtein similarity of two leaves, with cheap bounds that settle most unequal
// pairs before any distance is computed. Pure; thread-safe (a LeafText's pattern is
// built on first use: one thread per LeafText).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace goldset::eval {

// A leaf's text with what comparing it needs, computed once per leaf: the reference's
// " ".join(str(x).strip().lower().split()) as code points (Python's full lower-case
// mapping, str.split()'s whitespace). The text lives in `arena`.
class LeafText {
 public:
  explicit LeafText(std::pmr::memory_resource* arena = std::pmr::get_default_resource()) : text_(arena) {}
  void Assign(std::string_view raw);
  const std::pmr::u32string& text() const { return text_; }

  // 1 - Levenshtein / longer length; 0 below the reference's threshold of 1/2.
  // Called on ground-truth leaves (their pattern is reused against many predictions).
  double Similarity(const LeafText& pred) const;
  // An upper bound on Similarity(pred) from lengths and character classes alone, with
  // `*exact` set when it is Similarity(pred) itself (equal texts, or too far apart).
  double SimilarityBound(const LeafText& pred, bool* exact) const;

 private:
  // Bit-parallel Levenshtein (Myers 1999, Hyyro's formulation) for 1..64 code points.
  class Pattern {
   public:
    explicit Pattern(std::u32string_view p);
    size_t Distance(std::u32string_view t) const;

   private:
    size_t m_;
    std::array<uint64_t, 128> ascii_;
    std::vector<std::pair<char32_t, uint64_t>> other_;
  };

  friend class LeafGrid;
  std::pmr::u32string text_;
  uint64_t hash_ = 0;   // of text_: most unequal texts differ here at once
  uint64_t chars_ = 0;  // a bit per character class present (64 classes)
  mutable std::unique_ptr<Pattern> pattern_;
};

// The cells of a table's rows (rows x columns), packed for bounding every row of one
// table against every row of another: what SimilarityBound reads of each cell, side by
// side. A cell that is not a leaf is None-like: it scores 1 against a none-ish cell
// ("none-ish" is the caller's to say) as a ground truth, and 0 against anything as a
// prediction. Not thread-safe.
class LeafGrid {
 public:
  LeafGrid(size_t rows, size_t cols);
  // `leaf` null: not a leaf.
  void Set(size_t row, size_t col, const LeafText* leaf, bool nonish);

  // For every ground-truth row i and predicted row j: bound[i * p.rows + j] = the sum
  // over columns of each cell pair's SimilarityBound (or None score), and exact[...] =
  // whether every one of them is the score itself.
  // REQUIRES: g and p have the same number of columns; bound and exact hold g.rows x p.rows.
  static void Bounds(const LeafGrid& g, const LeafGrid& p, double* bound, char* exact);

 private:
  size_t rows_, cols_;
  std::vector<const LeafText*> leaves_;
  std::vector<uint64_t> hash_, chars_;
  std::vector<int64_t> size_;    // 0 when not a leaf (bounded by 0 then, as an empty text would be)
  std::vector<double> inverse_;  // 1 / size_, 0 for 0
  std::vector<double> nonish_;   // 1 for a none-ish cell
  std::vector<double> none_;     // 1 for a cell that is not a leaf
};

}  // namespace goldset::eval
