// The scoring engine: the public face of eval/ (docs/decisions.md §3).
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
//        "columns"?: {"<path>[].<col>": {"expected", "expectedNonNull", "present", "correct",
//                                        "correctNonNull", "cells"}}}},   // see ColumnTally
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

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "model/processor.h"

namespace goldset::eval {

// The kind of output being scored: model::ProcessorKind, whose table holds its names.
using Kind = model::ProcessorKind;

// The version of the scoring rules, recorded in every run's manifest. Bump it with any
// change that could change a verdict or a metric: two runs are comparable only when
// their scoring versions match (compare says when they do not).
inline constexpr int kScoringVersion = 1;

struct Options {
  std::vector<std::string> fuzzy_match_fields;  // scorable string paths
  std::vector<std::string> exclude_fields;      // scorable paths
  double fuzzy_threshold = 0.9;                 // similarity >= threshold is a match
  // Rows per side of any array (nested included) that an item may have; beyond it the
  // item fails. Also bounds the pairing work (see array_scorer.h). Set by the operator
  // (--max-array-rows), not by run options.
  size_t max_array_rows = 5000;
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
Status ValidateExpectedOutput(Kind kind, const json::object& config, const json::value& expected,
                              std::optional<int> page_count);

// Scores one item. `expected` is the ProvidedProcessorOutput; `actual` the processor
// output (ExtractOutput {value, metadata}, ClassifyOutput {id,type,confidence},
// SplitOutput {splits}). Malformed actual output scores as wrong. Fails only on a
// limit: TooLarge when an array has more than options.max_array_rows rows (message
// names the field path and the count) or its row pairing needs more work than that
// bound allows.
// REQUIRES: ValidateOptions(kind, config, options).ok().
StatusOr<json::object> ScoreItem(Kind kind, const json::object& config, const json::value& expected,
                                 const json::value& actual, const Options& options);

// ScoreItem with the config compiled once (schema parsed, fields flattened, rules
// resolved), for scoring the many items of one run. Same results as ScoreItem.
// Immutable: Score may run concurrently; copies share the compiled plan.
// REQUIRES: ValidateOptions(kind, config, options).ok().
struct ExtractPlan;
class ItemScorer {
 public:
  ItemScorer(Kind kind, const json::object& config, const Options& options);
  StatusOr<json::object> Score(const json::value& expected, const json::value& actual) const;

 private:
  Kind kind_;
  std::shared_ptr<const ExtractPlan> extract_;  // kExtractor only
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
  json::storage_ptr arena_;                         // holds items_: freed together with the builder
  std::vector<json::object> items_;                 // classify/split: the parts of each result that Build reads
  std::unique_ptr<struct ExtractTallies> extract_;  // extract: running tallies
};

// The file counts of a run's metrics, the one definition shared by the server's
// EvaluationSetRunMetrics and `goldset eval`: numFilesTotal = `total`; numFilesProcessed and
// numFiles = files finished so far, scored plus failed (the contract's "Files finished so
// far"); numFilesFailed = `failed`. REQUIRES: scored + failed <= total.
void SetFileCounts(json::object* metrics, int64_t total, int64_t scored, int64_t failed);

// Run comparison: items paired by item_id (only those in both runs; pass only scored
// items). Keys (docs/evaluation.md § Compare):
//   accuracy {baseline, candidate, delta, ci95, resamples, seed}: the run accuracy (extractor
//     micro accuracy, classifier share correct, splitter mean item score) and a paired
//     bootstrap 95% interval of its change (Monte Carlo, fixed seed);
//   mcnemar {regressed, improved, pValue}: exact McNemar on item correctness;
//   fieldDeltas, regressedItems, improvedItems: mean field scores, items whose score moved;
//   parameters, verdict (McNemar at alpha, direction of the discordant items), delta, ci95,
//   pValue (= accuracy.delta, accuracy.ci95, mcnemar.pValue), nonInferior (ci95.low >
//   -margin), itemAccuracy (item share correct, Wilson intervals), discordanceRate,
//   minimumDetectableEffect, itemsNeeded (McNemar power 80%, Connor 1987), fields{unit:
//   numItems, baseline, candidate (+Wilson ci95s), delta, ci95 (exact paired bootstrap),
//   regressed, improved, pValue, pValueAdjusted (Holm over units), verdict}, where a unit
//   is a labelled field (extractor), an expected class (classifier) or split type
//   (splitter); newlyIncorrect / newlyCorrect: items whose correctness flipped, with the
//   fields that flipped.
// Deterministic: the same inputs and options give the same object.
struct ComparedItem {
  std::string item_id;
  json::object result;  // a ScoreItem result
};
struct CompareOptions {
  double alpha = 0.05;    // significance level of every verdict, (0, 0.5]
  double margin = 0.01;   // non-inferiority margin on the accuracy delta, [0, 1]
  double effect = 0.01;   // the change itemsNeeded is computed for, (0, 1]
  int resamples = 10000;  // Monte Carlo resamples of accuracy.ci95 (tests use fewer)
};
// InvalidArgument naming the option and its range.
Status ValidateCompareOptions(const CompareOptions& options);
// REQUIRES: ValidateCompareOptions(options).ok(). Cost: options.resamples * paired items
// random draws, plus per unit O(discordant items) for its exact interval.
json::object CompareRuns(Kind kind, const std::vector<ComparedItem>& baseline,
                         const std::vector<ComparedItem>& candidate, const CompareOptions& options = {});
// Everything besides the two runs that CompareRuns' answer depends on (the method's
// version, resamples, seed, alpha, margin, effect), as one string: a stored comparison
// is reused only under the same parameters. Numbers in shortest round-trip form, so
// 0.05 and 0.050 give the same string.
std::string CompareRunsParameters(const CompareOptions& options = {});

// Accuracies of one run's scored items with Wilson 95% intervals (an extension; never
// added to the contract's metrics): item share correct, and per unit (see CompareRuns) the
// share right. Add() each scored item's result, then Build():
//   {type, itemAccuracy: {numItems, numCorrect, accuracy, ci95}, fields: {unit: {numItems,
//    numCorrect, accuracy, ci95}}}. accuracy is omitted when numItems is 0.
class ResultsSummary {
 public:
  explicit ResultsSummary(Kind kind) : kind_(kind) {}
  void Add(const json::object& item_result);
  json::object Build() const;

 private:
  struct Count {
    size_t n = 0, right = 0;
  };
  Kind kind_;
  Count items_;
  std::map<std::string, Count> units_;
};

}  // namespace goldset::eval
