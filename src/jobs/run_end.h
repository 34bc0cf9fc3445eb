// The end of an evaluation run, inside the transaction that gives it its final state:
// the default analysis is stored (store/analysis_store.h), the run-ended hook (webhooks)
// is called, and the metrics to store on the run are returned. One place for the worked
// run (RunScheduler::Finalizer) and the re-scored run (WorkRescore, RescoreNow), so both
// end the same way. Thread-safe (stateless).
#pragma once

#include <string>

#include "common/json.h"
#include "common/status.h"
#include "jobs/run_scheduler.h"
#include "store/database.h"
#include "store/run_store.h"

namespace goldset::jobs {

// Stores `analysis_body` as the run's default analysis, calls `on_ended` (if set) with
// `metrics`, and returns the metrics serialized. REQUIRES: c is in the ending transaction.
StatusOr<std::string> EndRun(store::Connection& c, const store::RunRecord& run, const json::object& metrics,
                             const std::string& analysis_body, const RunEndedHook& on_ended);

// EndRun with the metrics and analysis computed from the run's written items (one pass).
StatusOr<std::string> EndRunFromWrittenItems(store::RunStore& runs, store::Connection& c, const store::RunRecord& run,
                                             const RunEndedHook& on_ended);

}  // namespace goldset::jobs
