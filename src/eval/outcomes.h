// Binary outcomes of a scored item (a ScoreItem result), the units that comparison tests
// and summaries count:
//   item: `correct` (every labelled field fully right, the class right, the splits exact);
//   extractor: each labelled field (verdict correct|incorrect; excluded and unlabeled are
//     not outcomes), right when its verdict is correct (arrays: every cell right);
//   classifier: one unit per class, named by the expected type;
//   splitter: one unit per expected split type, right when every expected split of that
//     type in the item is.
// Internal to eval/. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/json.h"
#include "eval/eval.h"

namespace goldset::eval {

// "EXTRACT", "CLASSIFY", "SPLITTER": the metrics `type` of a kind.
const char* MetricsTypeName(Kind kind);

bool ItemCorrect(const json::object& result);

// A field result with verdict correct|incorrect: right or wrong. nullopt for excluded,
// unlabeled or malformed fields (not outcomes).
std::optional<bool> LabelledOutcome(const json::value& field);

// unit name -> right. Units whose name cannot be read (no expected type) are left out.
std::map<std::string, bool> UnitOutcomes(Kind kind, const json::object& result);

// Paths of labelled fields (the result's own `fields` keys) right in `from` and wrong in `to`.
json::array FieldsTurnedWrong(const json::object& from, const json::object& to);

}  // namespace goldset::eval
