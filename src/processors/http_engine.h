// The `http` engine (bring your own processor): POSTs
// {kind, file:{id,name,type,url}, document:{pages:[{number,text}]}, config} to
// engine.url and takes the response body as the output in the contract's shape.
// Thread-safe (stateless). REQUIRES: the config passed ValidateEngineConfig.
#pragma once

#include "common/json.h"
#include "common/status.h"
#include "processors/processors.h"

namespace goldset::processors {

StatusOr<json::value> RunHttpEngine(Kind kind, const json::object& config, const parse::Document& doc,
                                    const FileRef& file, const EngineContext& ctx);

}  // namespace goldset::processors
