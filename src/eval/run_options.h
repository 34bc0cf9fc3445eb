// What a run stores about how it is scored, read back into eval's types: the scoring kind
// of a processor kind ("extractor", the stored and wire name, see model/processor.h) and the
// run's `options` JSON. Shared by api/ (validation at run create) and jobs/ (scoring), so
// neither reaches into the other for a conversion. (The metrics `type` of a kind is
// MetricsTypeName in eval/outcomes.h.)
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "common/json.h"
#include "eval/eval.h"

namespace goldset::eval {

// "extractor" -> kExtractor, "classifier" -> kClassifier, "splitter" -> kSplitter; any other name
// scores as an extractor.
Kind KindOfEntity(std::string_view entity_kind);
// Run options JSON {fuzzyMatchFields?, excludeFields?, fuzzyThreshold?} (as stored with a
// run) -> Options; entries of the wrong type are skipped (they were refused at create).
Options OptionsFromJson(const json::object& options);

}  // namespace goldset::eval
