// The run analysis (an extension; docs/metrics.md): beyond-accuracy metrics of one
// extractor run, built from its scored item results (ScoreItem's objects).
//
//   {scoringVersion, numItems,
//    anlsStar: {score, fields: {key: score}},          // means over items
//    treeEditAccuracy: {score?, fieldF1?, numItems},   // nTED mean, micro field F1 (tree_edit.h)
//    lineItems: {path: {rowsExpected, rowsActual, rowsMatched, dropped, extra,
//                       duplicated, precision?, recall?, f1?, rowMatchShare,
//                       lir: {truePositives, falsePositives, falseNegatives, precision?,
//                             recall?, f1?},
//                       cellAccuracy?,                 // correct / total cells
//                       gritsCon: {computed, numItems, numItemsTooLarge?, score?,
//                                  precision?, recall?, upperBound?}}},  // means over items
//    errors: {path: {correct, missing, hallucinated, formatOnly, nearMiss, wrongValue,
//                    total}},
//    calibration: {path: {numFields, ece, brier, auroc?, bins: [{low, high, count,
//                  accuracy, meanConfidence}], errorsCaughtAt: {"5%", "10%", "20%"}?,
//                  recommendedThreshold: {targetPrecision, threshold, coverage,
//                  precision, ci95: [low, high]} | null}},
//    usage: {itemsWithLatency, latencyMs: {total, mean, p50, p95}?, promptTokens,
//            completionTokens, cost?, currency?, costPerItem?, costPerCorrectField?}}
// Ratios whose denominator is 0 are omitted. Memory: O(fields with confidence) pairs
// plus O(1) per path. Not thread-safe; one per computation. Deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace goldset::eval {

inline constexpr const char* kAnalysisVersion = "goldset-analysis-1";

// A tree-edit distance-table cell costs about 20 GriTS steps (bench/scoring/bench_analysis:
// 85 ns against 3.8 ns).
inline constexpr uint64_t kTreeEditCellWork = 20;

struct AnalysisOptions {
  double target_precision = 0.99;  // (0, 1]: the auto-accept threshold's target
  double row_match_share = 0.5;    // (0, 1]: a paired row matches at this share of cells
  int resamples = 1000;            // bootstrap of the threshold's precision
  // Tree-edit accuracy costs ~10 ms per item with a 30-row table (Zhang-Shasha is
  // quadratic in nodes): computed only when asked (?treeEdit=true).
  bool tree_edit = false;
  // GriTS-Con of each array-of-objects field (grits.h) costs every true cell against every
  // predicted one: also only when asked (?grits=true).
  bool grits = false;
  uint64_t seed = 0x60D5E7;
  // Bound on one analysis's tree-edit and GriTS work, summed over its items, in GriTS
  // cell-comparison steps (grits.h); a tree-edit distance-table cell counts
  // kTreeEditCellWork of them. 0: none. Past it, neither is computed for further items
  // and over_budget() says so.
  uint64_t max_work = 0;
  // Whether Add needs ItemCost's expected and actual values.
  bool NeedsValues() const { return tree_edit; }
};
// InvalidArgument naming the option and its range.
Status ValidateAnalysisOptions(const AnalysisOptions& options);

// What running an item cost: `usage` is the processor output's usage object
// ({promptTokens, completionTokens, cost?, currency?}), when the engine reported one.
// `expected`/`actual`, when given, are the item's expected and actual `value` objects,
// for the tree-edit accuracy.
struct ItemCost {
  std::optional<int64_t> latency_ms;
  const json::value* usage = nullptr;
  const json::value* expected = nullptr;
  const json::value* actual = nullptr;
};

class RunAnalysis {
 public:
  // REQUIRES: ValidateAnalysisOptions(options).ok().
  explicit RunAnalysis(const AnalysisOptions& options = {});
  void Add(const json::object& item_result, const ItemCost& cost = {});
  json::object Build() const;
  // Whether an item's tree-edit or GriTS work went past options.max_work (the result then
  // leaves items out; callers refuse it rather than serve it).
  bool over_budget() const { return over_budget_; }
  // The tree-edit and GriTS work done so far, in max_work's units.
  uint64_t work() const { return work_; }

 private:
  // Takes `work` from what options.max_work leaves; false (and over_budget) when it is not there.
  bool Spend(uint64_t work);
  struct Errors {
    int64_t correct = 0, missing = 0, hallucinated = 0, format_only = 0, near_miss = 0, wrong_value = 0;
  };
  struct Rows {
    int64_t expected = 0, actual = 0, matched = 0, dropped = 0, extra = 0, duplicated = 0;
    int64_t tp = 0, expected_cells = 0, predicted_cells = 0;
    int64_t correct_cells = 0, total_cells = 0;
    int64_t grits_items = 0, grits_too_large = 0;
    double grits = 0, grits_precision = 0, grits_recall = 0, grits_upper = 0;
  };
  void AddGrits(const std::string& path, const json::object& field, Rows& rows);
  struct Sample {
    double confidence;
    bool correct;
  };
  AnalysisOptions options_;
  int64_t items_ = 0, anls_items_ = 0, correct_fields_ = 0;
  double anls_sum_ = 0;
  std::map<std::string, std::pair<double, int64_t>> anls_fields_;
  // Per scored field path: its error categories, its confidences (when the output gave
  // any) and its row tallies (when it was a table in some item).
  struct Field {
    Errors errors;
    std::vector<Sample> confidence;
    bool table = false;  // rows counts
    Rows rows;
  };
  std::map<std::string, Field> fields_;
  // The map entries of the keys the last item listed, by position: a run's items list the
  // same fields in the same order, so finding one is mostly a single compare.
  // Returns {key, its map entry}.
  template <typename Value>
  static std::pair<std::string, Value*>& SlotOf(std::vector<std::pair<std::string, Value*>>& slots,
                                                std::map<std::string, Value>& map, size_t index, std::string_view key);
  std::vector<std::pair<std::string, std::pair<double, int64_t>*>> anls_slots_;
  std::vector<std::pair<std::string, Field*>> field_slots_;
  std::vector<int64_t> latencies_;
  int64_t ted_items_ = 0, ted_tp_ = 0, ted_pred_ = 0, ted_gt_ = 0;
  uint64_t work_ = 0;
  bool over_budget_ = false;
  double ted_sum_ = 0;
  int64_t prompt_tokens_ = 0, completion_tokens_ = 0, usage_items_ = 0;
  double cost_ = 0;
  bool has_cost_ = false;
  std::string currency_;
};

// Calibration of one set of (confidence, correct) pairs: the calibration object above.
// Exposed for tests. REQUIRES: confidences in [0, 1] (others are clamped).
json::object CalibrationOf(std::vector<std::pair<double, bool>> samples, const AnalysisOptions& options);

}  // namespace goldset::eval
