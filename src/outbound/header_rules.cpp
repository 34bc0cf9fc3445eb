#include "outbound/header_rules.h"

#include <cctype>
#include <set>

#include "common/encoding.h"

namespace goldset::outbound {

namespace {

bool IsToken(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> ConfiguredHeaderProblem(std::string_view name, std::string_view value) {
  if (!IsToken(name)) return std::string("is not a valid header name");
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::set<std::string, std::less<>> kReserved = {
      "host", "content-length", "transfer-encoding", "connection", "content-type", "expect", "user-agent",
      "te",   "upgrade",        "keep-alive",        "trailer"};
  if (kReserved.count(lower) || lower.rfind("proxy-", 0) == 0 || lower.rfind("x-extend-", 0) == 0)
    return std::string("is set by the server and cannot be configured");
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == 0) return std::string("contains a line break or NUL");
  if (value.size() > kMaxConfiguredHeaderValueBytes || !IsValidUtf8(value))
    return "must be UTF-8 of at most " + std::to_string(kMaxConfiguredHeaderValueBytes) + " bytes";
  return std::nullopt;
}

}  // namespace goldset::outbound
