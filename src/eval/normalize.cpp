#include "eval/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace goldset::eval {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// True when every code point is below U+0300 (valid 2-byte sequences with lead bytes
// C2..CB). Such text is already NFC: nothing below the combining marks decomposes or
// combines, so ICU can be skipped.
bool IsBelowCombiningMarks(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) continue;
    if (c < 0xC2 || c > 0xCB || i + 1 >= s.size()) return false;
    unsigned char next = static_cast<unsigned char>(s[++i]);
    if ((next & 0xC0) != 0x80) return false;
  }
  return true;
}

// Length of the whitespace sequence at s[i] (ASCII, U+0085, U+00A0), or 0.
size_t SpaceAt(std::string_view s, size_t i) {
  if (IsAsciiSpace(s[i])) return 1;
  if (static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
      (static_cast<unsigned char>(s[i + 1]) == 0x85 || static_cast<unsigned char>(s[i + 1]) == 0xA0)) {
    return 2;
  }
  return 0;
}

// Trim and collapse for text that IsBelowCombiningMarks.
std::string CollapseSimple(std::string_view s) {
  // Most values are already trimmed with single ASCII spaces: copy them whole.
  bool normalized = s.empty() || (s.front() != ' ' && s.back() != ' ');
  for (size_t i = 0; normalized && i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ') normalized = s[i + 1] != ' ';  // s.back() != ' ', so s[i + 1] exists
    else if ((c >= 0x09 && c <= 0x0D) || c == 0xC2)
      normalized = false;  // \t-\r; U+0085, U+00A0 (and other U+0080-00BF)
  }
  if (normalized) return std::string(s);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    if (size_t n = SpaceAt(s, i)) {
      pending_space = !out.empty();
      i += n;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(s[i++]);
  }
  return out;
}

icu::UnicodeString NormalizedUnicode(std::string_view utf8) {
  icu::UnicodeString src =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString nfc_text = U_SUCCESS(status) ? nfc->normalize(src, status) : src;
  if (U_FAILURE(status)) nfc_text = src;
  // Collapse whitespace over code points.
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < nfc_text.length();) {
    UChar32 c = nfc_text.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  return out;
}

}  // namespace

std::string NormalizeText(std::string_view utf8) {
  if (IsBelowCombiningMarks(utf8)) return CollapseSimple(utf8);
  std::string out;
  NormalizedUnicode(utf8).toUTF8String(out);
  return out;
}

std::u32string FoldedCodePoints(std::string_view utf8) {
  std::u32string out;
  if (IsAscii(utf8)) {  // one pass: trim, collapse, lower-case
    out.reserve(utf8.size());
    bool pending_space = false;
    for (char c : utf8) {
      if (IsAsciiSpace(c)) {
        pending_space = !out.empty();
        continue;
      }
      if (pending_space) out.push_back(U' ');
      pending_space = false;
      out.push_back(static_cast<char32_t>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    return out;
  }
  icu::UnicodeString u = NormalizedUnicode(utf8);
  u.foldCase(U_FOLD_CASE_DEFAULT);
  // Folding can denormalize (e.g. U+1E9E); renormalize so equal texts compare equal.
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_SUCCESS(status)) {
    icu::UnicodeString n = nfc->normalize(u, status);
    if (U_SUCCESS(status)) u = n;
  }
  out.reserve(static_cast<size_t>(u.length()));
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

}  // namespace goldset::eval
