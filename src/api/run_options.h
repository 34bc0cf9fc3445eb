// The `options` extension of run create and rescore (fuzzyMatchFields, excludeFields,
// fuzzyThreshold). Thread-safe.
#pragma once

#include <string>

#include "common/json.h"
#include "common/status.h"

namespace goldset::api {

// Normalizes and checks `v` (may be null: defaults) for a run of `kind` ("extractor", …)
// scoring with `config`; returns the JSON stored with the run. InvalidArgument naming
// the bad option.
StatusOr<json::object> ParseRunOptions(const json::value* v, const std::string& kind, const json::object& config);

}  // namespace goldset::api
