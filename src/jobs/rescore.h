// Re-scoring a finished run without re-running it (docs/evaluation.md § Versions,
// history and re-scoring): a new run that copies the source run's items (outputs,
// errors, timings) and scores every PROCESSED item's stored output again, under the new
// run's options, against the source's expected outputs or the set's current ones. No
// processor is called. With the source's expected outputs and options, every result
// and metric equals the source's (scoring is deterministic; see rescore_test).
// Thread-safe (stateless; the stores are thread-safe).
#pragma once

#include "store/run_store.h"

namespace goldset::jobs {

struct RescoreOutcome {
  store::RunRecord run;     // the new run, finished
  int64_t items_copied = 0;    // run items of the new run
  int64_t items_rescored = 0;  // PROCESSED items scored again
};

// `target` is the new run as it should be stored (id, workspace, set, entity, config and
// options snapshots, manifest, set_version, created_at/updated_at); `finalize` computes
// its metrics (RunScheduler::Finalizer, or ComputeRunMetrics when null).
// REQUIRES: source.finished(). On a failure after the run row exists, the run is marked
// FAILED with the reason.
StatusOr<RescoreOutcome> RescoreRun(store::RunStore& runs, const store::RunRecord& source, store::RunRecord target,
                                    bool expected_from_set, size_t max_array_rows,
                                    const store::RunFinalizer& finalize);

}  // namespace goldset::jobs
