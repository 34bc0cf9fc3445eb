#include "jobs/run_end.h"

#include "common/clock.h"
#include "jobs/run_analysis.h"
#include "jobs/run_metrics.h"
#include "store/analysis_store.h"

namespace goldset::jobs {

StatusOr<std::string> EndRun(store::Connection& c, const store::RunRecord& run, const json::object& metrics,
                             const std::string& analysis_body, const RunEndedHook& on_ended) {
  GOLDSET_RETURN_IF_ERROR(store::AnalysisStore::PutAtFinish(c, {run.workspace_id, run.id, AnalysisParameters({})},
                                                            analysis_body, NowMillis()));
  if (on_ended) GOLDSET_RETURN_IF_ERROR(on_ended(c, run, metrics));
  return json::serialize(metrics);
}

StatusOr<std::string> EndRunFromWrittenItems(store::RunStore& runs, store::Connection& c, const store::RunRecord& run,
                                             const RunEndedHook& on_ended) {
  RunAnalysisAccumulator analysis;
  auto metrics = ComputeRunMetrics(runs, &c, run, &analysis);
  if (!metrics.ok()) return metrics.status();
  return EndRun(c, run, *metrics, analysis.Body(run), on_ended);
}

}  // namespace goldset::jobs
