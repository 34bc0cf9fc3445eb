// GET /evaluation_set_runs/{id}/analysis[?targetPrecision=&rowMatchShare=&treeEdit=] (an extension,
// docs/metrics.md): eval::RunAnalysis over the run's scored items, with each item's
// latency and the usage its processor output reports. While the run goes on it is
// computed per request from the items finished so far; once the run has finished it is
// computed once per parameter set and stored beside the run's comparisons (a finished
// run never changes), at most --max-stored-comparisons parameter sets per run.
#include <charconv>
#include <cmath>

#include "api/app.h"
#include "api/request_fields.h"
#include "api/errors.h"
#include "api/run_analysis_api.h"
#include "api/stored_answer.h"
#include "common/clock.h"
#include "eval/analysis.h"
#include "jobs/run_metrics.h"
#include "store/comparison_store.h"

namespace goldset::api {

namespace {

StatusOr<eval::AnalysisOptions> AnalysisOptionsOf(const Request& req) {
  eval::AnalysisOptions o;
  for (auto [name, slot] : {std::pair{"targetPrecision", &o.target_precision}, {"rowMatchShare", &o.row_match_share}}) {
    if (std::optional<double> x = QueryNumber(req, name)) *slot = *x;
  }
  std::vector<std::string> ted = req.QueryValues("treeEdit");
  if (!ted.empty()) {
    if (ted.size() != 1 || (ted[0] != "true" && ted[0] != "false"))
      return Status::InvalidArgument("treeEdit must be true or false");
    o.tree_edit = ted[0] == "true";
  }
  if (Status st = eval::ValidateAnalysisOptions(o); !st.ok()) return st;
  return o;
}

std::string Parameters(const eval::AnalysisOptions& o) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "analysis:%s:tp=%.17g:rm=%.17g:r=%d:ted=%d", eval::kAnalysisVersion, o.target_precision,
                o.row_match_share, o.resamples, o.tree_edit ? 1 : 0);
  return buf;
}

StatusOr<Response> Analysis(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto options, AnalysisOptionsOf(ctx.req));
  // The run against itself: the analysis shares the comparisons' table and bound.
  const store::ComparisonKey key{ctx.caller.workspace_id, run.id, run.id, Parameters(options)};
  return ServeStoredAnswer(ctx, key, run.finished(), [&]() -> StatusOr<std::string> {
    eval::RunAnalysis analysis(options);
    int64_t failed = 0;
    GOLDSET_RETURN_IF_ERROR(ctx.svc.runs->ForEachFinishedItem(run.id, [&](const store::RunItemRecord& item) {
      if (item.status == model::ItemStatus::kFailed) ++failed;
      if (item.status != model::ItemStatus::kProcessed || !item.result) return;
      auto v = ParseJson(*item.result);
      if (!v.ok() || !v->is_object()) return;
      eval::ItemCost cost{item.latency_ms, nullptr, nullptr, nullptr};
      StatusOr<json::value> output = Status::NotFound("");
      auto expected = ParseJson(item.expected_output);
      if (item.output) {
        output = ParseJson(*item.output);
        if (output.ok() && output->is_object()) {
          cost.usage = output->as_object().if_contains("usage");
          cost.actual = output->as_object().if_contains("value");
        }
      }
      if (expected.ok() && expected->is_object()) cost.expected = expected->as_object().if_contains("value");
      analysis.Add(v->as_object(), cost);
    }));
    json::object out{
        {"object", "evaluation_set_run_analysis"}, {"runId", run.id}, {"status", model::ToString(run.status)}};
    for (auto& kv : analysis.Build()) out[kv.key()] = std::move(kv.value());
    out["numItemsFailed"] = failed;
    return json::serialize(out);
  });
}

}  // namespace

void RegisterRunAnalysisRoutes(Router& r) {
  r.Add({"GET", "/evaluation_set_runs/{id}/analysis", Analysis, true, RateCategory::kGet});
}

}  // namespace goldset::api
