// The `rules` extractor: finds each schema field's value in the document's lines with
// the field's `x-rules` hints (patterns, labels, dateOrder, rowPattern) or, without
// hints, a label heuristic from the field's name and description.
// Pure; thread-safe. REQUIRES: the config passed ValidateEngineConfig.
#pragma once

#include "common/json.h"
#include "common/status.h"
#include "parse/document.h"

namespace goldset::processors {

// Returns ExtractOutput {"value":{...}, "metadata":{"<path>":{confidence, ocrConfidence,
// citations:[{page:{number}}]}}}. Missing values are null (metadata confidence 0).
StatusOr<json::value> RulesExtract(const json::object& config, const parse::Document& doc);

}  // namespace goldset::processors
