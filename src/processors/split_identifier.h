// The `identifier` of a split (SplitOutput): the value its split classification's
// `identifierKey` names ("invoice number"), found on the split's own pages by the rules
// extractor. Hints in the classification's `x-rules.identifier` ({patterns, labels}, the
// field hints of rules_extract.h) come first. Pure; thread-safe.
#pragma once

#include <string>

#include "common/json.h"
#include "parse/document.h"

namespace goldset::processors {

// "" when the classification names no identifier or pages [start_page, end_page] carry none.
// REQUIRES: `classification` passed ValidateEngineConfig.
std::string SplitIdentifier(const json::object& classification, const parse::Document& doc, int start_page,
                            int end_page);

}  // namespace goldset::processors
