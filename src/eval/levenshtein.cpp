#include "eval/levenshtein.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

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

// ASCII text (bytes < 0x80), pattern length m in [1, 64]: a 128-entry match table
// and Hyyro's recurrence written on the complement of the horizontal +1 vector
// (nph = ~ph), which shortens the loop-carried chain through pv from 12 dependent
// operations to 9, since ~((ph << 1) | 1) == (~ph) << 1. (Splitting the text into
// two interleaved chains was measured slower: the recombination costs what it saves.)
size_t DistanceOneWordAscii(std::string_view p, std::string_view t) {
  const size_t m = p.size();
  uint64_t peq[128];
  std::memset(peq, 0, sizeof(peq));
  for (size_t i = 0; i < m; ++i) peq[static_cast<unsigned char>(p[i])] |= uint64_t{1} << i;
  const uint64_t high = uint64_t{1} << (m - 1);
  uint64_t pv = ~uint64_t{0}, mv = 0;
  size_t score = m;
  for (char c : t) {
    uint64_t eq = peq[static_cast<unsigned char>(c)];
    uint64_t xv = eq | mv;
    uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t nph = (xh | pv) & ~mv;
    uint64_t mh = pv & xh;
    score += (nph & high) == 0;
    score -= (mh & high) != 0;
    uint64_t nph_shifted = nph << 1;
    pv = (mh << 1) | (nph_shifted & ~xv);
    mv = ~nph_shifted & xv;
  }
  return score;
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
      map[c] = c >= 0x80 ? 0xFF : (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : static_cast<unsigned char>(c);
    }
    map[0] = 0xFF;  // NUL takes the general path
    for (int c : {' ', '\t', '\n', '\r', '\f', '\v'}) map[c] = 0;
  }
};
constexpr AsciiFoldTable kFold;

constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;

// Trims, collapses whitespace and lower-cases ASCII into `out` (capacity n); false
// when the text is not ASCII (or has NUL bytes) or does not fit. Eight bytes at a
// time when a word has no whitespace or control bytes (SWAR lower-casing).
bool FoldAscii(std::string_view s, char* out, size_t n, size_t* len) {
  if (s.size() > n) return false;
  size_t k = 0, i = 0;
  bool pending_space = false;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      uint64_t x;
      std::memcpy(&x, s.data() + i, 8);
      if (x & kHighs) return false;
      uint64_t spaces = x ^ (kOnes * ' ');
      bool has_space = ((spaces - kOnes) & ~spaces & kHighs) != 0;
      bool has_control = ((x - kOnes * 0x0E) & ~x & kHighs) != 0;  // any byte < 0x0E
      if (!has_space && !has_control) {
        if (pending_space) out[k++] = ' ';
        pending_space = false;
        uint64_t upper = (x + kOnes * 0x3F) & ~(x + kOnes * 0x25) & kHighs;  // 'A'..'Z'
        x |= upper >> 2;
        std::memcpy(out + k, &x, 8);
        k += 8;
        i += 8;
        continue;
      }
    }
    // Byte at a time up to the next word boundary (or the end).
    size_t stop = std::min(s.size(), i + 8);
    for (; i < stop; ++i) {
      unsigned char m = kFold.map[static_cast<unsigned char>(s[i])];
      if (m == 0) {
        pending_space = k > 0;
        continue;
      }
      if (m == 0xFF) return false;
      if (pending_space) out[k++] = ' ';
      pending_space = false;
      out[k++] = static_cast<char>(m);
    }
  }
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
