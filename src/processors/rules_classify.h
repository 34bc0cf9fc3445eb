// The `rules` classifier and splitter over TF-IDF similarity (tfidf.h).
// Pure; thread-safe. REQUIRES: the config passed ValidateEngineConfig.
#pragma once

#include <string>

#include "common/json.h"
#include "common/status.h"
#include "parse/document.h"

namespace goldset::processors {

// ClassifyOutput {"id","type","confidence","insights":[...]} for the best classification
// of config.classifications against the whole document.
StatusOr<json::value> RulesClassify(const json::object& config, const parse::Document& doc);

// SplitOutput {"splits":[...]}: each page classified against config.splitClassifications;
// a split starts where the class changes or a page contains one of its class's
// x-rules.startKeywords.
StatusOr<json::value> RulesSplit(const json::object& config, const parse::Document& doc, const std::string& file_id);

}  // namespace goldset::processors
