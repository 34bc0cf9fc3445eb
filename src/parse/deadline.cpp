#include "parse/deadline.h"

#include <cstdio>

namespace goldset::parse {

std::string TimeLimitMessage(int timeout_ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "parse exceeded the %g s limit", timeout_ms / 1000.0);
  return buf;
}

}  // namespace goldset::parse
