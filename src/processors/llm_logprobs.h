// Per-field confidence from token log-probabilities (docs/metrics.md § Confidence): an
// OpenAI-compatible endpoint asked for `logprobs: true` returns, per choice,
// logprobs.content = [{token, logprob, bytes?}, ...] whose tokens spell the message
// content. Each token is mapped, by byte offsets, to the JSON member values it overlaps
// (a string's characters inside its quotes, other values whole); a field's confidence is
// exp(mean log-probability of its tokens), the geometric mean of their probabilities
// (the mean, not the sum: a long value is not less certain for being long).
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"

namespace goldset::processors {

struct TokenLogprobs {
  double sum = 0;      // of the overlapping tokens' log-probabilities
  int64_t tokens = 0;  // how many
};

// Per dotted path of every object member in the JSON object `json_text` (objects are
// recursed into, arrays are one value), its tokens' log-probabilities. `json_text` is a
// view into `content` (the message content, perhaps with a code fence around the JSON);
// `logprobs` is choices[0].logprobs.content. nullopt when the tokens do not spell
// `content` or an entry is malformed (no confidence then, rather than a wrong one).
std::optional<std::map<std::string, TokenLogprobs>> FieldTokenLogprobs(std::string_view content,
                                                                       std::string_view json_text,
                                                                       const json::value& logprobs);

}  // namespace goldset::processors
