// Per-kind item scorers behind eval::ScoreItem. Pure; thread-safe.
#pragma once

#include "common/json.h"
#include "eval/eval.h"

namespace goldset::eval {

json::object ScoreExtractItem(const json::object& config, const json::value& expected, const json::value& actual,
                              const Options& options);
json::object ScoreClassifyItem(const json::value& expected, const json::value& actual);
json::object ScoreSplitItem(const json::value& expected, const json::value& actual);

// The extracted object of an ExtractOutput ({value, metadata}) or of a bare value.
const json::value& ExtractedValue(const json::value& output);

}  // namespace goldset::eval
