// Levenshtein distance over code points, bit-parallel (Myers 1999 / Hyyrö 2003).
//
// One machine word per text character for patterns up to 64 code points, and
// ceil(m/64) words (blocked, carries between words) beyond that. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace goldset::eval {

// Unit-cost edit distance (insert, delete, substitute) between two code-point strings.
size_t LevenshteinDistance(std::u32string_view a, std::u32string_view b);

// 1 - distance / max(|a|, |b|); two empty strings -> 1.
double LevenshteinSimilarity(std::u32string_view a, std::u32string_view b);

// docs/decisions.md §3 similarity of two UTF-8 strings: normalized (NFC, whitespace) and
// case-folded first.
double FuzzySimilarity(std::string_view a_utf8, std::string_view b_utf8);

}  // namespace goldset::eval
