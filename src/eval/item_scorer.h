// Per-kind item scorers behind eval::ScoreItem. Pure; thread-safe.
#pragma once

#include "common/json.h"
#include "eval/array_scorer.h"
#include "eval/eval.h"
#include "eval/schema.h"

namespace goldset::eval {

// An extractor config compiled once for many items: the parsed schema, its leaves
// and each leaf's rules. Immutable after construction; share freely across threads.
struct ExtractPlan {
  ExtractPlan(const json::object& config, const Options& options);
  ExtractPlan(FieldSpec root, const Options& options);
  ExtractPlan(const ExtractPlan&) = delete;  // leaves point into root
  ExtractPlan& operator=(const ExtractPlan&) = delete;

  struct PlannedLeaf {
    Leaf leaf;
    bool excluded;
    std::optional<double> fuzzy;  // string leaves only
    RowColumns columns;           // arrays of objects only
  };
  Options options;
  FieldSpec root;                   // properties empty: infer a spec per item
  std::vector<PlannedLeaf> leaves;  // FlattenObject(root) with rules resolved
};

// Fails (TooLarge) when an array is over Options::max_array_rows or its pairing over
// the work those bound (see ArrayBudget).
StatusOr<json::object> ScoreExtractItem(const ExtractPlan& plan, const json::value& expected,
                                        const json::value& actual);
json::object ScoreClassifyItem(const json::value& expected, const json::value& actual);
json::object ScoreSplitItem(const json::value& expected, const json::value& actual);

// The extracted object of an ExtractOutput ({value, metadata}) or of a bare value.
const json::value& ExtractedValue(const json::value& output);

}  // namespace goldset::eval
