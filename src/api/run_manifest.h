// A run's manifest: what its numbers depend on, recorded when the run is created
// (docs/evaluation.md § Versions, history and re-scoring):
//   {evaluationSetVersion, contentHash,   // added by RunStore::CreateRun under the set's lock
//    configHash,      // SHA-256 of the canonical JSON of the config snapshot the run scores with
//    scoringVersion,  // eval::kScoringVersion
//    goldsetVersion,  // common/version.h
//    engine}          // the config's engine.type ("rules" when absent)
// Pure; thread-safe.
#pragma once

#include <string>

#include "common/json.h"

namespace goldset::api {

// The manifest's fixed part, for a run scoring with `config`.
json::object RunManifestBase(const json::object& config);

}  // namespace goldset::api
