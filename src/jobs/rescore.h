// Re-scoring a finished run without re-running it (docs/evaluation.md § Versions,
// history and re-scoring): a new run whose items are the source run's items (outputs,
// errors, timings) with every PROCESSED item's stored output scored again, under the new
// run's options, against the source's expected outputs or the set's current ones. No
// processor is called. With the source's expected outputs and options, every result and
// metric equals the source's byte for byte (scoring is deterministic and the metrics are
// built by the same RunMetricsAccumulator; tests/unit/jobs/rescore_test.cpp).
// Thread-safe (stateless; the stores are thread-safe).
#pragma once

#include "jobs/run_scheduler.h"
#include "store/run_store.h"

namespace goldset::jobs {

struct RescoreOutcome {
  store::RunRecord run;        // the new run, finished
  int64_t items_copied = 0;    // run items of the new run
  int64_t items_rescored = 0;  // PROCESSED items scored again
};

// `target` is the new run as it should be stored (id, workspace, set, entity, config and
// options snapshots, manifest, set_version, created_at/updated_at). expected_from_set:
// the set's current expected outputs (items no longer in the set are left out; the run
// records the set's current version), else the source's. `on_ended` (may be null) runs
// in the transaction that ends the run, as RunScheduler's hook does for a worked run.
// `threads` score in parallel (1 or more).
// REQUIRES: source.finished(). On a failure after the run row exists, the run is marked
// FAILED with the reason.
StatusOr<RescoreOutcome> RescoreRun(store::RunStore& runs, const store::RunRecord& source, store::RunRecord target,
                                    bool expected_from_set, size_t max_array_rows, const RunEndedHook& on_ended,
                                    int threads = 2);

}  // namespace goldset::jobs
