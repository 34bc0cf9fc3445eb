#include "parse/deadline.h"

#include <cstdio>

namespace goldset::parse {

std::string TimeLimitMessage(int timeout_ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "parse exceeded the %g s limit", timeout_ms / 1000.0);
  return buf;
}

Status WordLimitError(size_t max_words) {
  const std::string n = std::to_string(max_words);
  return Status::Unprocessable("document has more than " + n + " words, over the " + n + "-word limit");
}

}  // namespace goldset::parse
