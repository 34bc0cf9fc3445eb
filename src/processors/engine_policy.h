// EnginePolicy: what the server operator lets tenants' engine configs make the server do
// (flags of `goldset serve` / `goldset worker`). Tenant configs are checked against it
// when they are written (create, update, publish, inline run config) and again when an
// engine runs, so a config stored before the operator tightened a rule cannot slip past.
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace goldset::processors {

// Which environment variables `engine.apiKeyEnv` may name (audit F1). Every tenant can read
// the value of an allowed variable (it is sent to the tenant's own baseUrl), so only API
// keys meant for every tenant belong here. The decision depends on the name alone, never on
// whether the variable is set, so answers reveal nothing about the server's environment.
class KeyEnvAllowList {
 public:
  // The documented default: GOLDSET_LLM_*.
  KeyEnvAllowList();

  // Comma-separated glob patterns over variable names ("GOLDSET_LLM_*,OPENAI_API_KEY"; `*`
  // any run of characters, `?` one character); "" allows nothing. Names in `never` are
  // refused even when a pattern matches (the server's own GOLDSET_* settings).
  // A pattern with other characters than [A-Za-z0-9_*?] -> InvalidArgument.
  static StatusOr<KeyEnvAllowList> Parse(std::string_view patterns, std::set<std::string> never = {});

  bool Allows(std::string_view name) const;
  // "GOLDSET_LLM_*, OPENAI_API_KEY", or "none" — for messages.
  std::string Describe() const;
  // True when a pattern starts with a wildcard ("*", "*_KEY"): it may match variables the
  // operator never meant to share (AWS_SECRET_ACCESS_KEY); worth a warning at start.
  bool HasLeadingWildcard() const;

 private:
  std::vector<std::string> patterns_;
  std::set<std::string> never_;
};

// The one answer for an apiKeyEnv that is not allowed, or allowed but not set: the same
// words for both, so no error tells whether a variable exists. Ends in
// "; Path: config.engine.apiKeyEnv".
std::string ApiKeyUnavailableMessage(std::string_view name, const KeyEnvAllowList& allow);

// The value of the variable `name` when the allow-list allows it and it is set and
// non-empty; otherwise Unprocessable(ApiKeyUnavailableMessage(...)). Reads the environment
// only for allowed names.
StatusOr<std::string> ReadApiKey(std::string_view name, const KeyEnvAllowList& allow);

// The smallest engine.maxInputChars: with the chunk cap below, one document can make at
// most kMaxLlmCallsPerItemDefault calls, each carrying at least this much text.
inline constexpr int64_t kMinLlmInputChars = 4000;

struct EnginePolicy {
  KeyEnvAllowList key_env_allow;            // --llm-key-env-allow
  int max_llm_calls_per_item = 50;          // --llm-max-calls-per-item: chunks per document
  int64_t max_response_bytes = 16ll << 20;  // --max-outbound-response-mb: http and llm answers
};

}  // namespace goldset::processors
