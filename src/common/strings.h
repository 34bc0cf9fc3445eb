// ASCII string helpers shared by every module: case folding and trimming that never depend
// on the C locale (std::tolower/std::isspace do), so a header name, a file extension and a
// scored value fold the same way in every process.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace goldset {

// The six ASCII white-space bytes std::isspace accepts in the "C" locale.
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";
// Space and horizontal tab: the optional white space of HTTP and MIME headers (RFC 9110 OWS).
inline constexpr std::string_view kHeaderSpace = " \t";

inline bool IsAsciiSpace(char c) { return kAsciiSpace.find(c) != std::string_view::npos; }
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
// A copy with A-Z folded to a-z; every other byte (UTF-8 included) is kept as it is.
std::string AsciiLower(std::string_view s);
// `s` without the leading and trailing bytes that are in `chars`.
std::string_view Trim(std::string_view s, std::string_view chars = kAsciiSpace);
// Whether `needle` occurs in `haystack`. Unlike std::string::find, which stops at every byte
// equal to the needle's first (a '"' in JSON: every few bytes), it skips ahead: a few times
// faster on a document's JSON.
bool Contains(std::string_view haystack, std::string_view needle);

}  // namespace goldset
