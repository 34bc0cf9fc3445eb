// Processing engines: turn a parsed Document into an extractor, classifier or splitter
// output in the public contract's shapes (§4.5).
//
// A processor config is Extend's config plus the optional `engine` key:
//   {"type":"rules"}                                   (default) built-in deterministic engine
//   {"type":"http", "url", "headers"?, "timeoutMs"?}   bring-your-own processor
//   {"type":"llm", "baseUrl", "model", "apiKeyEnv"?, "maxInputChars"?, "timeoutMs"?}
//
// Thread-safety: every function is reentrant; outbound calls go through
// outbound::PostJson with the context's egress policy and response limit.
#pragma once

#include <string>

#include "common/cancel.h"
#include "common/json.h"
#include "common/status.h"
#include "model/processor.h"
#include "outbound/egress_policy.h"
#include "processors/engine_policy.h"
#include "parse/document.h"

namespace goldset::processors {

// What an engine produces: model::ProcessorKind, whose table holds its names.
using Kind = model::ProcessorKind;

inline const char* KindName(Kind kind) { return model::KindInfo(kind).verb; }  // "extract", ...

struct FileRef {
  std::string id, name, type, url;
};

struct EngineContext {
  const outbound::EgressPolicy* egress = nullptr;  // REQUIRES: non-null for http/llm engines
  int http_timeout_ms = 30000;                     // default when the config gives none
  int http_attempts = 3;                           // total tries for retryable failures
  const EnginePolicy* policy = nullptr;            // REQUIRES: non-null
  // The item's deadline and cancellation (may be null): every outbound call and retry
  // wait ends when it fires, and the engine returns cancel->reason().
  const CancelToken* cancel = nullptr;
};

// Validates `engine` and the `x-rules` hints. InvalidArgument with a path such as
// "config.engine.url" or "schema.properties.total.x-rules.patterns[0]" in the message for
// malformed configs; Unprocessable ("...; Path: config.engine.apiKeyEnv") for well-formed
// configs the operator's policy refuses: an apiKeyEnv the allow-list does not allow,
// http engine headers the server owns or that would inject header lines. Never reads
// the environment.
Status ValidateEngineConfig(Kind kind, const json::object& config, const EnginePolicy& policy);

// Runs the config's engine over `doc`. Errors: Unprocessable for outputs or inputs the
// engine cannot handle (message says why), Unavailable/DeadlineExceeded for transient
// remote failures after retries, InvalidArgument for an invalid config or refused egress.
StatusOr<json::value> RunProcessor(Kind kind, const json::object& config, const parse::Document& doc,
                                   const FileRef& file, const EngineContext& ctx);

}  // namespace goldset::processors
