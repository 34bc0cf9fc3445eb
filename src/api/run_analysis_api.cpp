// GET /evaluation_set_runs/{id}/analysis[?targetPrecision=&rowMatchShare=&treeEdit=&grits=] (an extension,
// docs/metrics.md): jobs/run_analysis.h over the run's finished items. While the run goes
// on it is computed per request from the items finished so far; the default parameter set
// is stored when the run finishes (store/analysis_store.h) and served from there; another
// parameter set is computed on its first request and stored, at most
// --max-stored-comparisons of them per run.
#include <charconv>
#include <cmath>

#include "api/app.h"
#include "api/request_fields.h"
#include "api/errors.h"
#include "api/run_analysis_api.h"
#include "api/stored_answer.h"
#include "common/clock.h"
#include "eval/analysis.h"
#include "jobs/run_analysis.h"
#include "store/analysis_store.h"

namespace goldset::api {

namespace {

StatusOr<eval::AnalysisOptions> AnalysisOptionsOf(const Request& req) {
  eval::AnalysisOptions o;
  for (auto [name, slot] : {std::pair{"targetPrecision", &o.target_precision}, {"rowMatchShare", &o.row_match_share}}) {
    if (std::optional<double> x = QueryNumber(req, name)) *slot = *x;
  }
  for (auto [name, slot] : {std::pair{"treeEdit", &o.tree_edit}, {"grits", &o.grits}}) {
    std::vector<std::string> v = req.QueryValues(name);
    if (v.empty()) continue;
    if (v.size() != 1 || (v[0] != "true" && v[0] != "false"))
      return Status::InvalidArgument(std::string(name) + " must be true or false");
    *slot = v[0] == "true";
  }
  if (Status st = eval::ValidateAnalysisOptions(o); !st.ok()) return st;
  return o;
}

StatusOr<Response> Analysis(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto options, AnalysisOptionsOf(ctx.req));
  options.max_work = ctx.svc.config.max_analysis_work;
  const store::AnalysisKey key{ctx.caller.workspace_id, run.id, jobs::AnalysisParameters(options)};
  return ServeStoredAnswer(ctx, key, run.finished(),
                           [&] { return jobs::ComputeRunAnalysis(*ctx.svc.runs, nullptr, run, options); });
}

}  // namespace

void RegisterRunAnalysisRoutes(Router& r) {
  r.Add({"GET", "/evaluation_set_runs/{id}/analysis", Analysis, true, RateCategory::kGet});
}

}  // namespace goldset::api
