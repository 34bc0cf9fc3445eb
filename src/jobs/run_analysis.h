// The run analysis (eval/analysis.h, docs/metrics.md) over a run's finished items, as
// GET /evaluation_set_runs/{id}/analysis serves it: eval::RunAnalysis fed with each
// PROCESSED item's result, latency and the usage its processor output reports. Computed
// live while the run goes on; for the default parameters, once more in the transaction
// that ends the run (RunScheduler::Finalizer, WorkRescore) and stored (store/analysis_store.h).
#pragma once

#include <string>

#include "common/json.h"
#include "eval/analysis.h"
#include "store/run_store.h"

namespace goldset::jobs {

// The key of a parameter set in store::AnalysisKey (the analysis version included, so a
// new version is computed afresh rather than read from an old row).
std::string AnalysisParameters(const eval::AnalysisOptions& options);

// Fed one finished item at a time (in seq order). Not thread-safe.
class RunAnalysisAccumulator {
 public:
  // REQUIRES: eval::ValidateAnalysisOptions(options).ok().
  explicit RunAnalysisAccumulator(const eval::AnalysisOptions& options = {});
  void AddFailed() { ++failed_; }
  // `result` is the item's parsed result (null: none stored). Parses the item's output
  // for its usage, and the expected and actual values when an option needs them.
  void AddProcessed(const store::RunItemRecord& item, const json::object* result);
  // {object: "evaluation_set_run_analysis", runId, status, ...analysis, numItemsFailed}.
  std::string Body(const store::RunRecord& run) const;
  // Whether options.max_work ran out (eval::RunAnalysis::over_budget).
  bool over_budget() const { return analysis_.over_budget(); }

 private:
  eval::AnalysisOptions options_;
  eval::RunAnalysis analysis_;
  int64_t failed_ = 0;
};

// The body for `run` under `options`, reading through `tx` when given. TooLarge when
// options.max_work runs out (it stops the tree-edit and GriTS work at once; the rest of
// the items are only read, not parsed).
StatusOr<std::string> ComputeRunAnalysis(store::RunStore& runs, store::Connection* tx, const store::RunRecord& run,
                                         const eval::AnalysisOptions& options);

}  // namespace goldset::jobs
