// The time limit of one parse: an absolute deadline plus the configured length (for the
// error message), and a cheap periodic check for loops over the input.
// Plain values; thread-safety is that of a value.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/status.h"

namespace goldset::parse {

using Deadline = std::chrono::steady_clock::time_point;

// The message of the time-limit error, shared by every parser.
std::string TimeLimitMessage(int timeout_ms);

// Unprocessable("document has more than N words, over the N-word limit").
Status WordLimitError(size_t max_words);

struct TimeLimit {
  Deadline deadline = Deadline::max();
  int timeout_ms = 0;  // what the message names

  bool Passed() const { return std::chrono::steady_clock::now() >= deadline; }
  Status Error() const { return Status::Unprocessable(TimeLimitMessage(timeout_ms)); }
};

// For loops that make linear progress through an input: Expired(position) reads the
// clock only when `position` has moved `stride` bytes past the last reading, so a check
// in every iteration costs a compare.
class DeadlineTicker {
 public:
  explicit DeadlineTicker(const TimeLimit& limit, size_t stride = size_t{1} << 16) : limit_(limit), stride_(stride) {}
  bool Expired(size_t position) {
    if (position < next_) return false;
    next_ = position + stride_;
    return limit_.Passed();
  }

 private:
  const TimeLimit& limit_;
  size_t stride_;
  size_t next_ = 0;
};

}  // namespace goldset::parse
