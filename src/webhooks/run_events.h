// Which webhook events end a run: the one mapping from a finished evaluation run,
// processor run or batch of processor runs to the event types enqueued for it (contract §4.8; docs/webhooks.md).
// cli/ wires these into jobs::RunScheduler's end-of-run hooks; they run inside the
// transaction that stores the final state, so an event exists exactly when that state
// committed (docs/decisions.md §6).
// Thread-safety: stateless; each call writes through the caller's connection.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "store/database.h"
#include "store/processor_run_store.h"
#include "store/run_store.h"

namespace goldset::webhooks {

// The event types for an evaluation run that ended in `run.status`, in enqueue order:
// PROCESSED -> evaluation_set_run.processed, batch_processor_run.processed; FAILED -> the
// same with .failed; CANCELLED -> evaluation_set_run.cancelled only (a cancelled batch run
// has no event of its own).
std::vector<std::string> RunEndedEventTypes(const store::RunRecord& run);
// The event type for a processor run that ended: "<extract|classify|split>_run.<processed|failed>".
std::string ProcessorRunEndedEventType(const store::ProcessorRunRecord& run);
// The event type for a batch of processor runs whose last run ended, by store::BatchStatus:
// PROCESSED -> batch_processor_run.processed, FAILED -> batch_processor_run.failed,
// CANCELLED -> "" (no event, as for a cancelled evaluation run).
std::string BatchRunEndedEventType(const store::RunBatch& batch);

// Enqueues RunEndedEventTypes(run): the evaluation_set_run event carries `run_json` (the
// EvaluationSetRun the API serves), the batch_processor_run event a batch_run summary.
// Subscriptions match the run's entity id. REQUIRES: `tx` is the run-ending transaction.
Status EnqueueRunEnded(store::Connection& tx, const store::RunRecord& run, const json::object& run_json);
// Enqueues ProcessorRunEndedEventType(run) with `run_json` (the run as the API serves it);
// subscriptions match the processor's id. REQUIRES: as above.
Status EnqueueProcessorRunEnded(store::Connection& tx, const store::ProcessorRunRecord& run,
                                const json::object& run_json);
// Enqueues BatchRunEndedEventType(batch), if any, with `batch_json` (the BatchRun the API
// serves); subscriptions match the processor of `last` (the run that ended the batch).
// REQUIRES: `tx` is the transaction that ended the batch (a store::BatchEndedHook).
Status EnqueueBatchRunEnded(store::Connection& tx, const store::RunBatch& batch, const json::object& batch_json,
                            const store::ProcessorRunRecord& last);

}  // namespace goldset::webhooks
