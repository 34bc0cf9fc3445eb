// The `llm` engine: an OpenAI-compatible POST {baseUrl}/chat/completions with
// temperature 0 and a strict json_schema response_format built from the config
// (extractor: its schema without x-rules/extend:* keys; classifier: {type: enum of
// classification types}; splitter: {splits:[{type enum, startPage, endPage}]}).
// Documents longer than engine.maxInputChars (default 100000) are sent in chunks of
// whole pages; extraction results are merged (first non-null per field, arrays
// concatenated), split results concatenated, and a classifier sees the first chunk.
// Extraction outputs carry `usage` {calls, promptTokens?, completionTokens?, cost?,
// currency?}: the tokens the endpoint reports (usage.prompt_tokens/completion_tokens,
// summed over chunks) and, with engine.pricing {promptPer1M, completionPer1M, currency?},
// their cost.
// The model gives no calibrated confidence, so outputs carry a fixed prior (0.8 for a
// value, 0 for null) — callers should not read it as a measurement.
// Thread-safe (stateless). REQUIRES: the config passed ValidateEngineConfig.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "processors/processors.h"

namespace goldset::processors {

StatusOr<json::value> RunLlmEngine(Kind kind, const json::object& config, const parse::Document& doc,
                                   const FileRef& file, const EngineContext& ctx);

// Page texts packed into chunks of at most `max_chars` (a page longer than that is cut).
struct TextChunk {
  int first_page = 1, last_page = 1;
  std::string text;  // pages marked "--- Page N ---"
};
std::vector<TextChunk> ChunkPages(const parse::Document& doc, size_t max_chars);

// Merges extraction values: the first non-null wins per field, objects merge
// recursively, arrays concatenate.
json::value MergeExtracted(const json::value& a, const json::value& b);

}  // namespace goldset::processors
