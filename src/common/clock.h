// Wall-clock time in milliseconds since the Unix epoch, and RFC 3339 formatting.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goldset {

int64_t NowMillis();
int64_t MonotonicMillis();

// "2024-03-21T16:45:00.123Z" (UTC, millisecond precision).
std::string FormatRfc3339(int64_t unix_millis);
// Parses the format above, with or without fraction, 'Z' or +hh:mm offsets.
std::optional<int64_t> ParseRfc3339(std::string_view text);

}  // namespace goldset
