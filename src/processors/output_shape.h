// Checks that a value produced outside this process (http engine, llm) has the
// contract's output shape for a processor kind, and fills optional members.
// Pure; thread-safe.
#pragma once

#include <string>

#include "common/json.h"
#include "common/status.h"
#include "processors/processors.h"

namespace goldset::processors {

// The name of the output type: "ExtractOutput", "ClassifyOutput", "SplitOutput".
const char* OutputTypeName(Kind kind);

// Returns `v` with defaults filled in (metadata {}, confidence 1, insights [], split ids
// and fileId), or Unprocessable naming what is wrong ("missing 'type'",
// "splits[1].startPage is not an integer").
StatusOr<json::value> NormalizeOutput(Kind kind, const json::value& v, const std::string& file_id);

}  // namespace goldset::processors
