// Processor config validation: the one place that decides whether an extractor,
// classifier or splitter config is acceptable (contract 4.4, docs/decisions.md §2, §4).
//
// Errors are InvalidArgument (400) with the message "<what is wrong>; Path: <path>",
// the path starting at the request's `config` (e.g. config.schema.properties.total.type);
// a well-formed config the operator's engine policy refuses (an apiKeyEnv outside
// --llm-key-env-allow, http engine headers the server owns) is Unprocessable (422) in the
// same form.
// Unknown top-level keys are not errors: they are kept as given and reported by
// UnknownConfigKeys so the API can warn. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "model/processor.h"
#include "processors/engine_policy.h"

namespace goldset::api {

// Structural checks of the whole config, including `schema` (extractors),
// `classifications` / `splitClassifications`, the `engine` extension and `x-rules` hints.
Status ValidateProcessorConfig(model::ProcessorKind kind, const json::object& config,
                               const processors::EnginePolicy& policy);

// Top-level keys the kind's config does not define, in the order given.
std::vector<std::string> UnknownConfigKeys(model::ProcessorKind kind, const json::object& config);

// The draft config of a processor created without `config`.
json::object DefaultProcessorConfig(model::ProcessorKind kind);

// The x-goldset-warnings header value for the unknown keys (printable ASCII only: keys are
// JSON-quoted with non-ASCII escaped); empty when there is nothing to warn about.
std::string UnknownKeysWarning(const std::vector<std::string>& keys);

}  // namespace goldset::api
