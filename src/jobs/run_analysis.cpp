#include "jobs/run_analysis.h"

#include <cstdio>

#include "common/strings.h"
#include "model/statuses.h"

namespace goldset::jobs {

std::string AnalysisParameters(const eval::AnalysisOptions& o) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "analysis:%s:tp=%.17g:rm=%.17g:r=%d:ted=%d:grits=%d", eval::kAnalysisVersion,
                o.target_precision, o.row_match_share, o.resamples, o.tree_edit ? 1 : 0, o.grits ? 1 : 0);
  return buf;
}

RunAnalysisAccumulator::RunAnalysisAccumulator(const eval::AnalysisOptions& options)
    : options_(options), analysis_(options) {}

void RunAnalysisAccumulator::AddProcessed(const store::RunItemRecord& item, const json::object* result) {
  if (!result) return;
  eval::ItemCost cost{item.latency_ms, nullptr, nullptr, nullptr};
  StatusOr<json::value> output = Status::NotFound("");
  StatusOr<json::value> expected = Status::NotFound("");
  // The output is read for its usage alone unless an option needs its value: one without
  // the word "usage" anywhere has none, and a document's output is large to parse.
  if (item.output && (options_.NeedsValues() || Contains(*item.output, "\"usage\""))) {
    output = ParseJson(*item.output);
    if (output.ok() && output->is_object()) {
      cost.usage = output->as_object().if_contains("usage");
      cost.actual = output->as_object().if_contains("value");
    }
  }
  if (options_.NeedsValues()) {
    expected = ParseJson(item.expected_output);
    if (expected.ok() && expected->is_object()) cost.expected = expected->as_object().if_contains("value");
  }
  analysis_.Add(*result, cost);
}

std::string RunAnalysisAccumulator::Body(const store::RunRecord& run) const {
  json::object out{
      {"object", "evaluation_set_run_analysis"}, {"runId", run.id}, {"status", model::ToString(run.status)}};
  for (auto& kv : analysis_.Build()) out[kv.key()] = std::move(kv.value());
  out["numItemsFailed"] = failed_;
  return json::serialize(out);
}

StatusOr<std::string> ComputeRunAnalysis(store::RunStore& runs, store::Connection* tx, const store::RunRecord& run,
                                         const eval::AnalysisOptions& options) {
  RunAnalysisAccumulator acc(options);
  auto visit = [&](const store::RunItemRecord& item) {
    if (acc.over_budget()) return;  // refused below: the rest is only read, not parsed
    if (item.status == model::ItemStatus::kFailed) {
      acc.AddFailed();
      return;
    }
    if (item.status != model::ItemStatus::kProcessed || !item.result) return;
    auto r = ParseJson(*item.result);
    if (r.ok() && r->is_object()) acc.AddProcessed(item, &r->as_object());
  };
  Status st = tx ? runs.ForEachFinishedItem(*tx, run.id, visit) : runs.ForEachFinishedItem(run.id, visit);
  if (!st.ok()) return st;
  if (acc.over_budget()) {
    return Status::TooLarge("the tree-edit and GriTS work of this run's analysis is over --max-analysis-work (" +
                            std::to_string(options.max_work) + " steps, a tree-edit table cell counting " +
                            std::to_string(eval::kTreeEditCellWork) +
                            "); ask without treeEdit=true / grits=true, or raise the flag");
  }
  return acc.Body(run);
}

}  // namespace goldset::jobs
