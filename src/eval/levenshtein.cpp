#include "eval/levenshtein.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "eval/normalize.h"

namespace goldset::eval {
namespace {

// Match masks ("Peq") of the pattern: bit i of word w is set when pattern[64w+i] == c.
// Code points below 256 use a flat table; others a short list (patterns are short).
class PatternMasks {
 public:
  PatternMasks(std::u32string_view pattern, size_t words) : words_(words), small_(256 * words, 0) {
    for (size_t i = 0; i < pattern.size(); ++i) {
      uint64_t bit = uint64_t{1} << (i % 64);
      size_t w = i / 64;
      char32_t c = pattern[i];
      if (c < 256) {
        small_[c * words_ + w] |= bit;
        continue;
      }
      auto it = std::find(other_chars_.begin(), other_chars_.end(), c);
      size_t slot;
      if (it == other_chars_.end()) {
        slot = other_chars_.size();
        other_chars_.push_back(c);
        other_masks_.resize(other_masks_.size() + words_, 0);
      } else {
        slot = static_cast<size_t>(it - other_chars_.begin());
      }
      other_masks_[slot * words_ + w] |= bit;
    }
  }
  uint64_t Get(char32_t c, size_t w) const {
    if (c < 256) return small_[c * words_ + w];
    for (size_t i = 0; i < other_chars_.size(); ++i) {
      if (other_chars_[i] == c) return other_masks_[i * words_ + w];
    }
    return 0;
  }

 private:
  size_t words_;
  std::vector<uint64_t> small_;
  std::vector<char32_t> other_chars_;
  std::vector<uint64_t> other_masks_;
};

// Single word, pattern length m in [1, 64]. Flat stack table for code points < 256.
// Templated so ASCII text runs on bytes without widening.
template <typename Char>
size_t DistanceOneWord(std::basic_string_view<Char> p, std::basic_string_view<Char> t) {
  uint64_t small[256];
  std::memset(small, 0, sizeof(small));
  char32_t other_chars[64];
  uint64_t other_masks[64];
  size_t n_other = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    uint64_t bit = uint64_t{1} << i;
    char32_t c = static_cast<char32_t>(p[i]);
    if (c < 256) {
      small[c] |= bit;
      continue;
    }
    size_t k = 0;
    while (k < n_other && other_chars[k] != c) ++k;
    if (k == n_other) {
      other_chars[n_other] = c;
      other_masks[n_other++] = 0;
    }
    other_masks[k] |= bit;
  }
  const size_t m = p.size();
  const uint64_t high = uint64_t{1} << (m - 1);
  uint64_t pv = ~uint64_t{0}, mv = 0;
  size_t score = m;
  for (Char ch : t) {
    char32_t c = static_cast<char32_t>(ch);
    uint64_t eq = 0;
    if (c < 256) {
      eq = small[c];
    } else {
      for (size_t k = 0; k < n_other; ++k) {
        if (other_chars[k] == c) {
          eq = other_masks[k];
          break;
        }
      }
    }
    uint64_t xv = eq | mv;
    uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t nph = (xh | pv) & ~mv;  // ~ph, see DistanceOneWordAscii
    uint64_t mh = pv & xh;
    score += (nph & high) == 0;
    score -= (mh & high) != 0;
    uint64_t nph_shifted = nph << 1;  // ~((ph << 1) | 1): the top row grows by one per column
    pv = (mh << 1) | (nph_shifted & ~xv);
    mv = ~nph_shifted & xv;
  }
  return score;
}

// Blocked variant (Myers 1999, section 4): words advance top to bottom, each passing
// its bottom horizontal delta (+1, 0, -1) to the next as carry-in.
size_t DistanceBlocked(std::u32string_view p, std::u32string_view t) {
  const size_t m = p.size();
  const size_t words = (m + 63) / 64;
  PatternMasks masks(p, words);
  std::vector<uint64_t> pv(words, ~uint64_t{0}), mv(words, 0);
  const uint64_t last_high = uint64_t{1} << ((m - 1) % 64);
  size_t score = m;
  for (char32_t c : t) {
    int hin = 1;
    for (size_t w = 0; w < words; ++w) {
      uint64_t eq = masks.Get(c, w);
      uint64_t p_v = pv[w], m_v = mv[w];
      uint64_t xv = eq | m_v;
      if (hin < 0) eq |= 1;
      uint64_t xh = (((eq & p_v) + p_v) ^ p_v) | eq;
      uint64_t ph = m_v | ~(xh | p_v);
      uint64_t mh = p_v & xh;
      uint64_t high = (w + 1 == words) ? last_high : (uint64_t{1} << 63);
      int hout = (ph & high) ? 1 : ((mh & high) ? -1 : 0);
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pv[w] = mh | ~(xv | ph);
      mv[w] = ph & xv;
      hin = hout;
    }
    score = static_cast<size_t>(static_cast<long long>(score) + hin);
  }
  return score;
}

// ASCII text (bytes < 0x80), pattern length m in [1, 64].
//
// Hyyro's recurrence, rewritten so the loop-carried chain is short: it carries pv
// and nmv = ~mv, and uses the identities
//   xh | pv = b | pv | eq,  pv & xh = (pv & ~b) | a   (a = eq & pv, b = a + pv)
//   (x << 1) & y = (x & (y >> 1)) << 1
// so the +1 boundary of the top row ((ph << 1) | 1) needs no extra operation and
// pv -> pv' is 6-7 dependent operations instead of 12. The distance is read once
// from the last column (D(m, n) = n + #pv - #mv) rather than tracked per character.
// The match table is thread-local and left all-zero after each call, so no call
// clears 1 KiB up front.
size_t DistanceOneWordAscii(std::string_view p, std::string_view t) {
  // 256 entries (not 128) so no byte needs masking in the three loops below.
  thread_local uint64_t peq_table[256] = {};
  uint64_t* peq = peq_table;
  const size_t m = p.size();
  const auto* pattern = reinterpret_cast<const unsigned char*>(p.data());
  uint64_t bit = 1;
  for (size_t i = 0; i < m; ++i, bit <<= 1) peq[pattern[i]] |= bit;
  uint64_t pv = ~uint64_t{0}, nmv = ~uint64_t{0};
  for (char c : t) {
    const uint64_t eq = peq[static_cast<unsigned char>(c)];
    const uint64_t a = eq & pv;
    const uint64_t b = a + pv;
    const uint64_t t1 = b | pv | eq;      // xh | pv
    const uint64_t mh = (pv & ~b) | a;    // pv & xh
    const uint64_t nxv = ~eq & nmv;       // ~xv
    const uint64_t nph = t1 & nmv;        // ~ph, before the shift
    pv = (mh | (nph & (nxv >> 1))) << 1;  // (mh << 1) | ((nph << 1) & ~xv)
    nmv = nxv | (nph << 1);               // ~(xv & ~((ph << 1) | 1))
  }
  for (size_t i = 0; i < m; ++i) peq[pattern[i]] = 0;
  const uint64_t mask = m == 64 ? ~uint64_t{0} : (uint64_t{1} << m) - 1;
  return t.size() + static_cast<size_t>(std::popcount(pv & mask)) - static_cast<size_t>(std::popcount(~nmv & mask));
}

template <typename Char>
size_t Distance(std::basic_string_view<Char> a, std::basic_string_view<Char> b) {
  // Common prefix and suffix never change the distance.
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  a.remove_prefix(pre);
  b.remove_prefix(pre);
  while (!a.empty() && !b.empty() && a.back() == b.back()) {
    a.remove_suffix(1);
    b.remove_suffix(1);
  }
  if (a.size() > b.size()) std::swap(a, b);  // pattern = the shorter
  if (a.empty()) return b.size();
  if constexpr (sizeof(Char) == 1) {
    if (a.size() <= 64) return DistanceOneWordAscii(a, b);  // callers pass ASCII only
  }
  if (a.size() <= 64) return DistanceOneWord(a, b);
  return DistanceBlocked(std::u32string(a.begin(), a.end()), std::u32string(b.begin(), b.end()));
}

// Byte classes for FoldAscii: the lower-cased byte, or 0 for whitespace, 0xFF for
// non-ASCII.
struct AsciiFoldTable {
  unsigned char map[256];
  constexpr AsciiFoldTable() : map() {
    for (int c = 0; c < 256; ++c) {
      map[c] = c >= 0x80                ? 0xFF
               : (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32)
                                        : static_cast<unsigned char>(c);
    }
    map[0] = 0xFF;  // NUL takes the general path
    for (int c : {' ', '\t', '\n', '\r', '\f', '\v'}) map[c] = 0;
  }
};
constexpr AsciiFoldTable kFold;

// Appends one byte of ASCII text to the folded output: whitespace becomes one space
// unless the output is empty or already ends in one. False for non-ASCII or NUL.
inline bool FoldByte(unsigned char c, char* out, size_t* k) {
  unsigned char m = kFold.map[c];
  if (m == 0xFF) return false;
  if (m != 0) {
    out[(*k)++] = static_cast<char>(m);
  } else if (*k > 0 && out[*k - 1] != ' ') {
    out[(*k)++] = ' ';
  }
  return true;
}

// Trims, collapses whitespace and lower-cases ASCII into `out` (capacity n); false
// when the text is not ASCII (or has NUL bytes) or does not fit. With SSE2 (every
// x86-64), 16 bytes at a time when a block has no control bytes and no space that
// would be dropped (leading, or after another space); other blocks byte by byte.
bool FoldAscii(std::string_view s, char* out, size_t n, size_t* len) {
  if (s.size() > n) return false;
  size_t k = 0, i = 0;
#if defined(__SSE2__)
  const __m128i below_a = _mm_set1_epi8('A' - 1), above_z = _mm_set1_epi8('Z' + 1);
  const __m128i controls = _mm_set1_epi8(0x0E), space = _mm_set1_epi8(' '), case_bit = _mm_set1_epi8(0x20);
  for (; i + 16 <= s.size(); i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    if (_mm_movemask_epi8(x) != 0) return false;  // a byte >= 0x80: not ASCII
    // Bytes are < 0x80 from here, so signed byte compares order them correctly.
    unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, space)));
    unsigned after_space = (k == 0 || out[k - 1] == ' ') ? 1u : 0u;
    if (_mm_movemask_epi8(_mm_cmplt_epi8(x, controls)) == 0 && (spaces & ((spaces << 1) | after_space)) == 0) {
      __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(x, below_a), _mm_cmplt_epi8(x, above_z));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), _mm_or_si128(x, _mm_and_si128(upper, case_bit)));
      k += 16;
      continue;
    }
    for (size_t j = i; j < i + 16; ++j) {
      if (!FoldByte(static_cast<unsigned char>(s[j]), out, &k)) return false;
    }
  }
#endif
  for (; i < s.size(); ++i) {
    if (!FoldByte(static_cast<unsigned char>(s[i]), out, &k)) return false;
  }
  if (k > 0 && out[k - 1] == ' ') --k;  // trailing whitespace
  *len = k;
  return true;
}

double Similarity(size_t distance, size_t a_len, size_t b_len) {
  size_t longest = std::max(a_len, b_len);
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(distance) / static_cast<double>(longest);
}

}  // namespace

size_t LevenshteinDistance(std::u32string_view a, std::u32string_view b) { return Distance(a, b); }

double LevenshteinSimilarity(std::u32string_view a, std::u32string_view b) {
  return Similarity(Distance(a, b), a.size(), b.size());
}

double FuzzySimilarity(std::string_view a_utf8, std::string_view b_utf8) {
  // ASCII fast path: fold on the stack, measure over bytes (ASCII bytes are code points).
  char a_buf[256], b_buf[256];
  size_t a_len = 0, b_len = 0;
  if (FoldAscii(a_utf8, a_buf, sizeof(a_buf), &a_len) && FoldAscii(b_utf8, b_buf, sizeof(b_buf), &b_len)) {
    std::string_view a(a_buf, a_len), b(b_buf, b_len);
    return Similarity(Distance(a, b), a_len, b_len);
  }
  return LevenshteinSimilarity(FoldedCodePoints(a_utf8), FoldedCodePoints(b_utf8));
}

}  // namespace goldset::eval
