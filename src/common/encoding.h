// Byte encodings: base64 (standard and URL-safe), hex, percent-decoding, UTF-8 checks.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goldset {

std::string Base64Encode(std::string_view bytes);     // standard alphabet, padded
std::string Base64UrlEncode(std::string_view bytes);  // URL-safe alphabet, no padding
// Accepts both alphabets, with or without padding. nullopt on invalid input.
std::optional<std::string> Base64Decode(std::string_view text);

std::string HexEncode(std::string_view bytes);  // lowercase
std::optional<std::string> HexDecode(std::string_view hex);

// Percent-decodes a path segment or query value. '+' stays '+' (contract T6).
// nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view in);
std::string PercentEncode(std::string_view in);  // encodeURIComponent semantics

bool IsValidUtf8(std::string_view s);
// Decodes the code point starting at s[*i] and advances *i past it. For a byte that does
// not start a valid sequence (truncated, overlong, surrogate, above U+10FFFF) returns -1
// and advances *i by one. REQUIRES: *i < s.size().
int32_t DecodeUtf8(std::string_view s, size_t* i);
// Appends code point `cp` as UTF-8; nothing for a value above U+10FFFF.
void AppendUtf8(uint32_t cp, std::string* out);

// `s` made safe to store or log as text, whatever its origin (a receiver's or engine's
// body, a library's error): every byte that does not start a valid UTF-8 sequence, and
// every NUL (which PostgreSQL text refuses), becomes U+FFFD; the result is cut on a
// character boundary to at most `max_bytes` bytes. *truncated (when given) tells whether
// the cut dropped anything.
std::string SanitizeUtf8(std::string_view s, size_t max_bytes = std::string::npos, bool* truncated = nullptr);

}  // namespace goldset
