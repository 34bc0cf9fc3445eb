// Unicode text normalization for string comparison (docs/decisions.md §3).
//
// Pure functions over UTF-8; ICU does the Unicode work, with an ASCII fast path
// (ASCII is already NFC and folds with tolower). Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace goldset::eval {

// NFC, trimmed, runs of Unicode whitespace collapsed to one U+0020. Invalid UTF-8
// bytes become U+FFFD.
std::string NormalizeText(std::string_view utf8);

// NormalizeText, then full Unicode case folding, as code points (what fuzzy
// matching measures distances over).
std::u32string FoldedCodePoints(std::string_view utf8);

}  // namespace goldset::eval
