#include "eval/anls_text.h"

#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>

#include "eval/levenshtein.h"

namespace goldset::eval {
namespace {

constexpr double kThreshold = 0.5;

// Python's str.isspace() set (what str.split() splits on).
bool IsPySpace(char32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// str.lower() of a text within Latin-1 (accented Western letters: most non-ASCII text in
// documents), with every code point decoded to `out`; false (out unspecified) when some
// code point is beyond U+00FF or the UTF-8 is malformed. Latin-1's upper-case letters are
// A-Z and U+00C0-U+00DE but for U+00D7 (the multiplication sign), each 0x20 below its
// lower-case letter; no other code point there changes.
bool LowerLatin1(std::string_view s, std::u32string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    char32_t c = b;
    if (b >= 0x80) {
      if ((b != 0xC2 && b != 0xC3) || i + 1 == s.size()) return false;
      const auto t = static_cast<unsigned char>(s[++i]);
      if ((t & 0xC0) != 0x80) return false;
      c = static_cast<char32_t>(((b & 0x1F) << 6) | (t & 0x3F));
    }
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7)) c += 0x20;
    out.push_back(c);
  }
  return true;
}

// Full lower-case mapping (str.lower(): U+0130 -> "i\u0307", final sigma), via UTF-16.
std::u32string LowerNonAscii(std::string_view s) {
  if (std::u32string latin1; LowerLatin1(s, latin1)) return latin1;
  std::u16string in;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) c = 0xFFFD;
    if (c > 0xFFFF) {
      in.push_back(static_cast<char16_t>(U16_LEAD(c)));
      in.push_back(static_cast<char16_t>(U16_TRAIL(c)));
    } else {
      in.push_back(static_cast<char16_t>(c));
    }
  }
  std::u16string out(in.size() * 3 + 4, u'\0');
  UErrorCode err = U_ZERO_ERROR;
  int32_t len = u_strToLower(reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()),
                             reinterpret_cast<const UChar*>(in.data()), static_cast<int32_t>(in.size()), "", &err);
  if (U_FAILURE(err)) {
    out = in;
    len = static_cast<int32_t>(in.size());
  }
  std::u32string lowered;
  for (int32_t k = 0; k < len;) {
    UChar32 c;
    U16_NEXT(out.data(), k, len, c);
    lowered.push_back(static_cast<char32_t>(c));
  }
  return lowered;
}

// Characters fall into 64 classes: a class present in one text and absent from the
// other stands for at least one character that needs an edit.
constexpr uint64_t CharBit(char32_t c) {
  return uint64_t{1} << ((static_cast<uint64_t>(c) * 0x9E3779B97F4A7C15ull) >> 58);
}

constexpr std::array<uint64_t, 128> kAsciiBits = [] {
  std::array<uint64_t, 128> bits{};
  for (char32_t c = 0; c < 128; ++c) bits[c] = CharBit(c);
  return bits;
}();

// What tells unequal texts apart at once, in one compare (equal texts have equal
// fingerprints, whichever path built them): code points packed three to a word, 21 bits
// each, and the words mixed by FNV-1a's multiply. Up to three code points, every step is a
// bijection: texts of one such length have equal fingerprints only when they are equal
// (LeafText::SameText relies on it).
class Fingerprint {
 public:
  void Add(char32_t c) {
    word_ = (word_ << 21) ^ c;
    ++count_;
    if (++phase_ == 3) {
      h_ = (h_ ^ word_) * 1099511628211ull;
      word_ = 0;
      phase_ = 0;
    }
  }
  uint64_t Done() const { return (h_ ^ word_ ^ (count_ << 58)) * 1099511628211ull; }

 private:
  uint64_t h_ = 1469598103934665603ull, word_ = 0, count_ = 0;
  unsigned phase_ = 0;  // count_ % 3
};

// Lower-cased code points to `out` (room for all of them), whitespace runs as one space,
// none at either end; returns how many were written.
size_t CollapseSpaces(std::u32string_view lowered, char32_t* out) {
  size_t n = 0;
  bool pending = false;
  for (char32_t c : lowered) {
    if (IsPySpace(c)) {
      pending = n > 0;
      continue;
    }
    if (pending) out[n++] = U' ';
    pending = false;
    out[n++] = c;
  }
  return n;
}

}  // namespace

void LeafText::Release() {
  if (pattern_) std::pmr::polymorphic_allocator<Pattern>(arena_).delete_object(pattern_);
  pattern_ = nullptr;
  if (data_) arena_->deallocate(data_, capacity_ * sizeof(char32_t), alignof(char32_t));
  data_ = nullptr;
  size_ = capacity_ = 0;
}

char32_t* LeafText::Reserve(size_t n) {
  Release();
  capacity_ = static_cast<uint32_t>(std::max<size_t>(n, 1));
  data_ = static_cast<char32_t*>(arena_->allocate(capacity_ * sizeof(char32_t), alignof(char32_t)));
  return data_;
}

void LeafText::Assign(std::string_view raw) {
  // ASCII (most leaves) in one pass, straight into the arena: lower-cased, spaces
  // collapsed, character classes and fingerprint gathered. A byte beyond ASCII sends the
  // text through the full lower-case mapping instead.
  char32_t* out = Reserve(raw.size());
  uint64_t chars = 0;
  Fingerprint fingerprint;
  size_t n = 0;
  bool pending = false;
  for (char ch : raw) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x80) return AssignBeyondAscii(raw);
    const char32_t c = b >= 'A' && b <= 'Z' ? b + 32 : b;
    if (c <= 0x20 && IsPySpace(c)) {
      pending = n > 0;
      continue;
    }
    if (pending) {
      out[n++] = U' ';
      chars |= kAsciiBits[' '];
      fingerprint.Add(U' ');
      pending = false;
    }
    out[n++] = c;
    chars |= kAsciiBits[c];
    fingerprint.Add(c);
  }
  size_ = static_cast<uint32_t>(n);
  chars_ = chars;
  hash_ = fingerprint.Done();
}

void LeafText::AssignBeyondAscii(std::string_view raw) {
  const std::u32string lowered = LowerNonAscii(raw);
  size_ = static_cast<uint32_t>(CollapseSpaces(lowered, Reserve(lowered.size())));
  uint64_t chars = 0;
  Fingerprint fingerprint;
  for (char32_t c : text()) {
    chars |= CharBit(c);
    fingerprint.Add(c);
  }
  chars_ = chars;
  hash_ = fingerprint.Done();
}

bool LeafText::SameText(const LeafText& o) const {
  if (hash_ != o.hash_ || size_ != o.size_) return false;
  return size_ <= 3 || text() == o.text();  // Fingerprint: a bijection up to three code points
}

// The distance of unequal texts is at least 1, the length difference, and the number of
// character classes only one side holds: when twice that exceeds the longer length, the
// similarity is below one half and counts 0.
double LeafText::SimilarityBound(const LeafText& pred, bool* exact) const {
  *exact = true;
  if (SameText(pred)) return 1.0;
  const size_t longest = std::max(size_, pred.size_);
  const size_t shortest = std::min(size_, pred.size_);
  const size_t classes =
      static_cast<size_t>(std::max(std::popcount(chars_ & ~pred.chars_), std::popcount(pred.chars_ & ~chars_)));
  const size_t least = std::max<size_t>({longest - shortest, classes, 1});  // the texts differ
  if (2 * least > longest) return 0.0;
  *exact = false;
  return 1.0 - static_cast<double>(least) / static_cast<double>(longest);
}

double LeafText::Similarity(const LeafText& pred) const {
  bool settled;
  const double bound = SimilarityBound(pred, &settled);
  if (settled) return bound;  // equal texts, or too far apart to reach one half
  const std::u32string_view t = pred.text();
  const size_t longest = std::max<size_t>(size_, t.size());
  size_t distance;
  if (size_ <= 64) {  // not empty: the texts differ and are within 2x in length
    if (!pattern_) pattern_ = std::pmr::polymorphic_allocator<Pattern>(arena_).new_object<Pattern>(text(), arena_);
    distance = pattern_->Distance(t);
  } else {
    distance = LevenshteinDistance(text(), t);
  }
  const double q = 1.0 - static_cast<double>(distance) / static_cast<double>(longest);
  return q < kThreshold ? 0.0 : q;
}

LeafText::Pattern::Pattern(std::u32string_view p, std::pmr::memory_resource* arena) : m_(p.size()), other_(arena) {
  ascii_.fill(0);
  for (size_t i = 0; i < p.size(); ++i) {
    uint64_t bit = uint64_t{1} << i;
    if (p[i] < 128) {
      ascii_[p[i]] |= bit;
      continue;
    }
    auto it = std::find_if(other_.begin(), other_.end(), [&](const auto& e) { return e.first == p[i]; });
    if (it == other_.end()) other_.emplace_back(p[i], bit);
    else it->second |= bit;
  }
}

size_t LeafText::Pattern::Distance(std::u32string_view t) const {
  const uint64_t high = uint64_t{1} << (m_ - 1);
  uint64_t pv = ~uint64_t{0}, mv = 0;
  size_t score = m_;
  for (char32_t c : t) {
    uint64_t eq = 0;
    if (c < 128) {
      eq = ascii_[c];
    } else {
      for (const auto& [ch, mask] : other_)
        if (ch == c) eq = mask;
    }
    uint64_t xv = eq | mv;
    uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t ph = mv | ~(xh | pv);
    uint64_t mh = pv & xh;
    if (ph & high) ++score;
    else if (mh & high) --score;
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return score;
}

}  // namespace goldset::eval
