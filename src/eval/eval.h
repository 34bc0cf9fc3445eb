// The scoring engine: the public face of eval/ (DESIGN.md section 3).
//
// A pure library: JSON in, verdicts and metrics out. No I/O, no clock, no globals,
// no threads. Every function is reentrant; distinct calls may run concurrently.
// A MetricsBuilder is movable, not copyable: use one per thread or guard it.
//
// Item result (what ScoreItem returns, stored per run item):
//   {"correct": bool,             // every labelled field fully right / class right / splits exact
//    "score": number in [0,1],     // mean of labelled field scores (splits: correct/max(exp,pred))
//    "fields": {"<path>": {
//        "expected"?: v, "actual"?: v,       // omitted when the key is missing
//        "verdict": "correct"|"incorrect"|"excluded"|"unlabeled",  // unlabeled: no expected key
//        "score": number, "reason": string,
//        "similarity"?: number,               // fuzzy string fields
//        "confidence"?: number,               // metadata logprobsConfidence, else ocrConfidence
//        "correctCells"?, "totalCells"?,      // array fields
//        "rows"?: [{"expectedIndex", "actualIndex", "correctCells", "totalCells", "reason",
//                   "mismatchedColumns"?}],   // pairing; null index = unpaired
//        "columns"?: {"<path>[].<col>": {"expected", "present", "correct", "cells"}}}},
//    "splits"?: {"numSplitsExpected", "numSplitsPredicted", "numSplitsCorrect",
//                "pagesCorrect", "pagesTotal"}}                  // splitters only
// Classifiers report one field, "classification" (expected/actual type, expectedId,
// actualId, confidence); splitters one field per expected split, "splits[i]".
// Reasons: "match", "missing", "null_value", "unexpected_value", "type_mismatch",
// "value_mismatch", "below_fuzzy_threshold", "invalid_date", "partial_match",
// "excluded", "no_expected_value", "id_mismatch" (classifier), "page_range_mismatch",
// "type_mismatch_split" (splitter). Row reasons: "match", "cell_mismatch",
// "missing_row", "extra_row".
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace goldset::eval {

enum class Kind { kExtract, kClassify, kSplit };

struct Options {
  std::vector<std::string> fuzzy_match_fields;  // scorable string paths
  std::vector<std::string> exclude_fields;      // scorable paths
  double fuzzy_threshold = 0.9;                 // similarity >= threshold is a match
};

// Validates an extractor `schema`. Errors: InvalidArgument whose message ends with
// "; Path: schema.properties.total.type".
Status ValidateExtractorSchema(const json::value& schema);
// `classifications`: [{id,type,description}] required; ids unique, types unique, strings.
Status ValidateClassifyConfig(const json::object& config);
// `splitClassifications`: [{id,type,description,identifierKey?}], same rules.
Status ValidateSplitConfig(const json::object& config);

// Scorable field paths of an extractor config's schema, in schema order, e.g.
// {"invoice_number","vendor.name","line_items","line_items[].description"}.
// Empty when the config has no usable schema.
std::vector<std::string> FieldPaths(const json::object& extractor_config);

// Option paths must be scorable paths (fuzzy: string fields only, columns included);
// fuzzy_threshold in (0,1]. InvalidArgument naming the bad path.
Status ValidateOptions(Kind kind, const json::object& config, const Options& options);

// Checks an item's expectedOutput against the entity's config. Errors are
// Unprocessable with a path such as "expectedOutput.value.line_items[2].amount".
// `page_count`, when known, bounds splitter endPage.
Status ValidateExpectedOutput(Kind kind, const json::object& config,
                              const json::value& expected, std::optional<int> page_count);

// Scores one item. `expected` is the ProvidedProcessorOutput; `actual` the processor
// output (ExtractOutput {value, metadata}, ClassifyOutput {id,type,confidence},
// SplitOutput {splits}). Never fails: malformed actual output scores as wrong.
// REQUIRES: ValidateOptions(kind, config, options).ok().
json::object ScoreItem(Kind kind, const json::object& config, const json::value& expected,
                       const json::value& actual, const Options& options);

// ScoreItem with the config compiled once (schema parsed, fields flattened, rules
// resolved), for scoring the many items of one run. Same results as ScoreItem.
// Immutable: Score may run concurrently; copies share the compiled plan.
// REQUIRES: ValidateOptions(kind, config, options).ok().
struct ExtractPlan;
class ItemScorer {
 public:
  ItemScorer(Kind kind, const json::object& config, const Options& options);
  json::object Score(const json::value& expected, const json::value& actual) const;

 private:
  Kind kind_;
  std::shared_ptr<const ExtractPlan> extract_;  // kExtract only
};

// Aggregates item results (ScoreItem's objects) into the type-specific part of
// EvaluationSetRunMetrics: EXTRACT {type, accuracy, fieldMetrics}, CLASSIFY {type,
// accuracy, classificationMetrics, confusionMatrix, calibration?}, SPLITTER {type,
// precision, recall, f1, numSplitsExpected, numSplitsPredicted, numSplitsCorrect,
// pageAccuracy}. Failed items are not added; the caller counts them.
class MetricsBuilder {
 public:
  MetricsBuilder(Kind kind, const json::object& config, const Options& options);
  ~MetricsBuilder();
  MetricsBuilder(MetricsBuilder&&) noexcept;
  MetricsBuilder& operator=(MetricsBuilder&&) noexcept;
  void Add(const json::object& item_result);
  json::object Build() const;

 private:
  Kind kind_;
  json::object config_;
  Options options_;
  json::storage_ptr arena_;           // holds items_: freed together with the builder
  std::vector<json::object> items_;  // classify/split: the parts of each result that Build reads
  std::unique_ptr<struct ExtractTallies> extract_;  // extract: running tallies
};

// Run comparison: items paired by item_id (only those in both runs), per-field
// deltas, regressed/improved items, a paired bootstrap 95% CI of the accuracy
// difference (10,000 resamples, fixed seed) and an exact McNemar p-value on
// item-level correctness.
struct ComparedItem {
  std::string item_id;
  json::object result;  // a ScoreItem result
};
json::object CompareRuns(Kind kind, const std::vector<ComparedItem>& baseline,
                         const std::vector<ComparedItem>& candidate);
// Everything besides the two runs that CompareRuns' answer depends on (the method's
// version, resamples, seed; later e.g. a requested alpha), as one string: a stored
// comparison is reused only under the same parameters.
std::string CompareRunsParameters();

}  // namespace goldset::eval
