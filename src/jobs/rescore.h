// Re-scoring a finished run without re-running it (docs/evaluation.md § Versions,
// history and re-scoring): a new run whose items are the source run's items (outputs,
// errors, timings) with every PROCESSED item's stored output scored again, under the new
// run's options, against the source's expected outputs or the set's as of the version the
// new run recorded. No processor is called. With the source's expected outputs and
// options, every result and metric equals the source's byte for byte (scoring is
// deterministic and the metrics are built by the same RunMetricsAccumulator;
// tests/unit/jobs/rescore_test.cpp).
//
// The API creates the run PENDING with a job (store/rescore_store.h); a RunScheduler
// worker claims the job and calls WorkRescore, which writes the items a page at a time and
// ends the run. An attempt that dies (crash, lost lease) is started over by the next
// claim; RunScheduler's lease, attempt and shutdown rules apply as to a run item.
// Thread-safe (stateless; the stores are thread-safe).
#pragma once

#include "common/cancel.h"
#include "jobs/run_scheduler.h"
#include "store/rescore_store.h"
#include "store/run_store.h"

namespace goldset::jobs {

struct RescoreOutcome {
  std::optional<store::RunRecord> run;  // the new run, ended; unset when the claim was lost
  int64_t items_copied = 0;             // run items of the new run
  int64_t items_rescored = 0;           // PROCESSED items scored again
};

// Works one claimed job to its end: the run ends PROCESSED (FAILED when every item
// failed; CANCELLED when cancelled meanwhile), metrics and `on_ended` (may be null) in the
// transaction that ends it. `threads` score in parallel (1 or more). Stops early when
// `token` (may be null) is explicitly cancelled (lost lease, shutdown), returning its
// reason; the job is then left to the caller (release it or let the lease lapse). Any
// other error is returned with the job still claimed: the caller fails the run or retries.
StatusOr<RescoreOutcome> WorkRescore(store::RescoreStore& jobs, store::RunStore& runs, const store::RescoreJob& job,
                                     size_t max_array_rows, const RunEndedHook& on_ended, int threads,
                                     const CancelToken* token = nullptr);

// Creates the job for `target` (id, workspace, set, entity, config and options snapshots,
// manifest, created_at/updated_at) and works it at once on this thread: what the API and
// a worker do together, for tests and benchmarks. REQUIRES: no other job is due.
StatusOr<RescoreOutcome> RescoreNow(store::RescoreStore& jobs, store::RunStore& runs, const store::RunRecord& source,
                                    store::RunRecord target, bool expected_from_set, size_t max_array_rows,
                                    const RunEndedHook& on_ended, int threads = 2);

}  // namespace goldset::jobs
