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
// mapping, str.split()'s whitespace). The text and its pattern live in `arena`.
class LeafText {
 public:
  explicit LeafText(std::pmr::memory_resource* arena = std::pmr::get_default_resource()) : arena_(arena) {}
  LeafText(LeafText&& o) noexcept
      : arena_(o.arena_),
        data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)),
        hash_(o.hash_),
        chars_(o.chars_),
        pattern_(std::exchange(o.pattern_, nullptr)) {}
  LeafText& operator=(LeafText&&) = delete;
  ~LeafText() { Release(); }
  void Assign(std::string_view raw);
  std::u32string_view text() const { return {data_, size_}; }
  // text() == o.text(), decided by the fingerprint alone where it is exact (texts of up to
  // three code points).
  bool SameText(const LeafText& o) const;

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
    Pattern(std::u32string_view p, std::pmr::memory_resource* arena);
    size_t Distance(std::u32string_view t) const;

   private:
    size_t m_;
    std::array<uint64_t, 128> ascii_;
    std::pmr::vector<std::pair<char32_t, uint64_t>> other_;
  };
  // Room for `n` code points in the arena (what was held before is given back).
  char32_t* Reserve(size_t n);
  void Release();
  void AssignBeyondAscii(std::string_view raw);

  friend class LeafGrid;  // leaf_grid.h
  std::pmr::memory_resource* arena_;
  char32_t* data_ = nullptr;  // size_ code points, in arena_
  uint32_t size_ = 0, capacity_ = 0;
  uint64_t hash_ = 0;                   // Fingerprint(text()): most unequal texts differ here at once
  uint64_t chars_ = 0;                  // a bit per character class present (64 classes)
  mutable Pattern* pattern_ = nullptr;  // in the text's arena, on first use
};

}  // namespace goldset::eval
