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
// citations:[{page:{number, width?, height?}, referenceText?, polygon?:[{x,y}×4]}]}}}:
// the polygon surrounds the words the value was read from, in the page's coordinates
// (points for PDF text, pixels for OCR), for pages that have them (not plain text);
// referenceText is the date as printed for date fields. Array cells are cited under
// "path[i].column". Missing values are null (metadata confidence 0, no citation).
StatusOr<json::value> RulesExtract(const json::object& config, const parse::Document& doc);

}  // namespace goldset::processors
