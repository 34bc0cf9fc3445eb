#include "processors/engine_policy.h"

#include <fnmatch.h>

#include <cctype>
#include <cstdlib>

namespace goldset::processors {

KeyEnvAllowList::KeyEnvAllowList() : patterns_{"GOLDSET_LLM_*"} {}

StatusOr<KeyEnvAllowList> KeyEnvAllowList::Parse(std::string_view text, std::set<std::string> never) {
  KeyEnvAllowList out;
  out.patterns_.clear();
  out.never_ = std::move(never);
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      for (char c : item)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '?'))
          return Status::InvalidArgument("--llm-key-env-allow pattern '" + std::string(item) +
                                         "' may contain only letters, digits, _, * and ?");
      out.patterns_.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool KeyEnvAllowList::Allows(std::string_view name) const {
  if (name.empty() || never_.count(std::string(name))) return false;
  const std::string n(name);
  for (const std::string& p : patterns_)
    if (fnmatch(p.c_str(), n.c_str(), 0) == 0) return true;
  return false;
}

std::string KeyEnvAllowList::Describe() const {
  if (patterns_.empty()) return "none";
  std::string out;
  for (const std::string& p : patterns_) out += (out.empty() ? "" : ", ") + p;
  return out;
}

bool KeyEnvAllowList::HasLeadingWildcard() const {
  for (const std::string& p : patterns_)
    if (p.front() == '*' || p.front() == '?') return true;
  return false;
}

std::string ApiKeyUnavailableMessage(std::string_view name, const KeyEnvAllowList& allow) {
  return "engine.apiKeyEnv: no API key named " + std::string(name) +
         " is available to engines on this server (it reads only environment variables that match "
         "--llm-key-env-allow [" +
         allow.Describe() + "] and that the operator has set); Path: config.engine.apiKeyEnv";
}

StatusOr<std::string> ReadApiKey(std::string_view name, const KeyEnvAllowList& allow) {
  if (!allow.Allows(name)) return Status::Unprocessable(ApiKeyUnavailableMessage(name, allow));
  const char* value = std::getenv(std::string(name).c_str());
  if (!value || !*value) return Status::Unprocessable(ApiKeyUnavailableMessage(name, allow));
  return std::string(value);
}

}  // namespace goldset::processors
