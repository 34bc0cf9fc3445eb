// Helpers shared by the text-format parsers (text_formats.h): entity decoding and line
// tidying. Both run in time linear in their input. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace goldset::parse {

// Longest entity reference DecodeEntities reads, '&' and ';' included: anything longer
// is not an entity, so a '&' never makes it look further than this.
inline constexpr size_t kMaxEntityLength = 32;

// Decodes the common named entities and numeric ones (&#38; &#x26;) whose code point is
// a Unicode scalar value other than NUL; anything else stays as written.
std::string DecodeEntities(std::string_view s);

// Collapses runs of spaces/tabs/CRs to one space, trims lines and drops blank ones.
std::string TidyLines(std::string_view s);

}  // namespace goldset::parse
