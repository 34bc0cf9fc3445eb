#include "eval/leaf_grid.h"

#include <immintrin.h>

#include <algorithm>

namespace goldset::eval {
namespace {

// A bound short of 1 - least / longest by the rounding of a reciprocal is lifted by far
// more than that rounding.
constexpr double kSlack = 1e-12;

// The lanes of an 8-wide step that hold cells when `left` cells remain.
__mmask8 Lanes(size_t left) { return left >= 8 ? __mmask8{0xFF} : static_cast<__mmask8>((1u << left) - 1); }

bool HasAvx512Popcount() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                          __builtin_cpu_supports("avx512vpopcntdq");
  return has;
}

}  // namespace

LeafGrid::LeafGrid(size_t rows, size_t cols, std::pmr::memory_resource* arena)
    : rows_(rows),
      cols_(cols),
      leaves_(rows * cols, arena),
      hash_(rows * cols, arena),
      chars_(rows * cols, arena),
      size_(rows * cols, arena),
      inverse_(rows * cols, arena),
      nonish_(rows * cols, arena) {}

void LeafGrid::Set(size_t row, size_t col, const LeafText* leaf, bool nonish) {
  const size_t x = col * rows_ + row;
  leaves_[x] = leaf;
  hash_[x] = leaf ? leaf->hash_ : 0;
  chars_[x] = leaf ? leaf->chars_ : 0;
  size_[x] = leaf ? static_cast<int64_t>(leaf->size_) : 0;
  inverse_[x] = size_[x] ? 1.0 / static_cast<double>(size_[x]) : 0.0;
  nonish_[x] = nonish ? 1.0 : 0.0;
}

// Column by column, each ground-truth cell against the column's predicted cells in one
// pass without divisions and, but for texts with equal fingerprints (compared in full),
// without branches. Built twice, for processors with and without a popcount instruction.
__attribute__((target_clones("popcnt", "default"))) void LeafGrid::BoundsPortable(const LeafGrid& g, const LeafGrid& p,
                                                                                  double* bound, char* exact) {
  const size_t n = g.rows_, m = p.rows_, k = g.cols_;
  for (size_t i = 0; i < n; ++i) {
    double* out = bound + i * m;
    char* settled = exact + i * m;
    std::fill(out, out + m, 0.0);
    std::fill(settled, settled + m, 1);
    for (size_t c = 0; c < k; ++c) {
      const size_t gx = c * n + i, base = c * m;
      const LeafText* gl = g.leaves_[gx];
      if (!gl) {
        for (size_t j = 0; j < m; ++j) out[j] += p.nonish_[base + j];
        continue;
      }
      const uint64_t gh = g.hash_[gx], gc = g.chars_[gx];
      const int64_t gs = g.size_[gx];
      const double g_inverse = g.inverse_[gx];
      const uint64_t* p_hash = p.hash_.data() + base;
      const uint64_t* p_chars = p.chars_.data() + base;
      const int64_t* p_size = p.size_.data() + base;
      const double* p_inverse = p.inverse_.data() + base;
      const LeafText* const* p_leaves = p.leaves_.data() + base;
      for (size_t j = 0; j < m; ++j) {
        if (gh == p_hash[j] && p_leaves[j] && gl->SameText(*p_leaves[j])) [[unlikely]] {
          out[j] += 1.0;
          continue;
        }
        const int64_t ps = p_size[j];
        const int64_t longest = std::max(gs, ps), shortest = std::min(gs, ps);
        const uint64_t pc = p_chars[j];
        const int64_t classes = std::max(__builtin_popcountll(gc & ~pc), __builtin_popcountll(pc & ~gc));
        const int64_t least = std::max<int64_t>({longest - shortest, classes, 1});  // the texts differ
        const bool zero = 2 * least > longest;  // below one half: 0, exactly (always, with an empty side)
        const double inverse = std::min(g_inverse, p_inverse[j]);  // 1 / longest unless masked
        out[j] += (1.0 - static_cast<double>(least) * inverse + kSlack) * static_cast<double>(!zero);
        settled[j] = static_cast<char>(settled[j] & zero);
      }
    }
  }
}

// BoundsPortable, eight predicted cells at a time: each block of eight summed over the
// columns in registers and stored once.
__attribute__((target("avx512f,avx512dq,avx512vpopcntdq"))) void LeafGrid::BoundsAvx512(const LeafGrid& g,
                                                                                        const LeafGrid& p,
                                                                                        double* bound, char* exact) {
  const size_t n = g.rows_, m = p.rows_, k = g.cols_;
  const __m512i one = _mm512_set1_epi64(1);
  const __m512d ones = _mm512_set1_pd(1.0), slack = _mm512_set1_pd(kSlack);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; j += 8) {
      const __mmask8 lane = Lanes(m - j);
      __m512d o = _mm512_setzero_pd();
      __mmask8 loose = 0;
      for (size_t c = 0; c < k; ++c) {
        const size_t gx = c * n + i, px = c * m + j;
        const LeafText* gl = g.leaves_[gx];
        if (!gl) {
          o = _mm512_add_pd(o, _mm512_maskz_loadu_pd(lane, &p.nonish_[px]));
          continue;
        }
        const __m512i gs = _mm512_set1_epi64(g.size_[gx]);
        const __m512i gc = _mm512_set1_epi64(static_cast<long long>(g.chars_[gx]));
        const __m512i ps = _mm512_maskz_loadu_epi64(lane, &p.size_[px]);
        const __m512i pc = _mm512_maskz_loadu_epi64(lane, &p.chars_[px]);
        const __m512i longest = _mm512_max_epi64(gs, ps), shortest = _mm512_min_epi64(gs, ps);
        const __m512i classes = _mm512_max_epi64(_mm512_popcnt_epi64(_mm512_andnot_si512(pc, gc)),
                                                 _mm512_popcnt_epi64(_mm512_andnot_si512(gc, pc)));
        const __m512i least = _mm512_max_epi64(_mm512_max_epi64(_mm512_sub_epi64(longest, shortest), classes), one);
        const __mmask8 zero = _mm512_cmpgt_epi64_mask(_mm512_add_epi64(least, least), longest);
        const __m512d inverse =
            _mm512_min_pd(_mm512_set1_pd(g.inverse_[gx]), _mm512_maskz_loadu_pd(lane, &p.inverse_[px]));
        const __m512d ub = _mm512_add_pd(_mm512_sub_pd(ones, _mm512_mul_pd(_mm512_cvtepi64_pd(least), inverse)), slack);
        // Equal texts score 1 (their fingerprints are equal; the texts are compared).
        __mmask8 equal = _mm512_mask_cmpeq_epi64_mask(lane, _mm512_maskz_loadu_epi64(lane, &p.hash_[px]),
                                                      _mm512_set1_epi64(static_cast<long long>(g.hash_[gx])));
        for (unsigned bits = equal; bits; bits &= bits - 1) {
          const LeafText* pl = p.leaves_[px + static_cast<size_t>(__builtin_ctz(bits))];
          if (!pl || !gl->SameText(*pl)) equal = static_cast<__mmask8>(equal & ~(bits & -bits));
        }
        const __mmask8 bounded = static_cast<__mmask8>(lane & ~zero & ~equal);
        o = _mm512_mask_add_pd(o, bounded, o, ub);
        o = _mm512_mask_add_pd(o, equal, o, ones);
        loose = static_cast<__mmask8>(loose | bounded);
      }
      _mm512_mask_storeu_pd(bound + i * m + j, lane, o);
      char* settled = exact + i * m + j;
      for (size_t x = 0; x < 8 && j + x < m; ++x) settled[x] = !((loose >> x) & 1);
    }
  }
}

void LeafGrid::Bounds(const LeafGrid& g, const LeafGrid& p, double* bound, char* exact, Isa isa) {
  if (isa == Isa::kBest && HasAvx512Popcount()) BoundsAvx512(g, p, bound, exact);
  else BoundsPortable(g, p, bound, exact);
}

}  // namespace goldset::eval
