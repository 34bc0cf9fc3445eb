// Standalone processor runs (extract_run / classify_run / split_run): one file through
// one processor version, asynchronously, claimed by the same workers as evaluation items
// and with the same lease rules. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/statuses.h"
#include "store/database.h"
#include "store/paging.h"

namespace goldset::store {

struct ProcessorRunRecord {
  std::string id, workspace_id, kind;                       // kind: "extractor" | "classifier" | "splitter"
  std::optional<std::string> processor_json, version_json;  // summaries; absent for inline configs
  std::string config, file_id;
  std::optional<std::string> metadata;
  model::ProcessorRunStatus status = model::ProcessorRunStatus::kPending;
  int attempts = 0;
  std::string lease_owner;
  std::optional<std::string> output, failure_reason, failure_message, created_by;
  int64_t created_at = 0, updated_at = 0;
  std::string batch_id;  // "" unless created by a batch request
};

// A batch of runs (POST /extract_runs/batch, ...) and the statuses of its runs.
struct RunBatch {
  std::string id, workspace_id, kind;
  int64_t run_count = 0, created_at = 0;
  int64_t pending = 0, processing = 0, processed = 0, failed = 0, cancelled = 0;  // runs still stored
};

// The status a batch reports, derived from its runs: PENDING until a run starts;
// PROCESSING while any is unfinished; then FAILED when every run failed, CANCELLED when
// every run was cancelled, else PROCESSED.
model::ProcessorRunStatus BatchStatus(const RunBatch& b);

// Called inside the transaction in which a batch's last unfinished run ended (processed,
// failed, cancelled or deleted): exactly once per batch, however many nodes end its runs
// at once. `batch` carries the final counts; `last` is the run whose end closed it (all
// runs of a batch share the processor). An error rolls the run's end back.
using BatchEndedHook = std::function<Status(Connection&, const RunBatch& batch, const ProcessorRunRecord& last)>;

class ProcessorRunStore {
 public:
  // `on_batch_ended` may be empty: batches still end once, with no one told.
  explicit ProcessorRunStore(std::shared_ptr<Database> db, BatchEndedHook on_batch_ended = {})
      : db_(std::move(db)), on_batch_ended_(std::move(on_batch_ended)) {}
  Status Insert(const ProcessorRunRecord& r);
  StatusOr<ProcessorRunRecord> Get(const std::string& workspace_id, const std::string& kind, const std::string& id);
  // batch_id non-empty: only that batch's runs.
  StatusOr<Page<ProcessorRunRecord>> List(const std::string& workspace_id, const std::string& kind,
                                          const PageRequest& page, const std::string& batch_id = "");
  // Stores a batch and all its runs in one transaction (all or nothing).
  Status InsertBatch(const RunBatch& batch, const std::vector<ProcessorRunRecord>& runs);
  // The batch with its runs' status counts; NotFound when absent from the workspace.
  StatusOr<RunBatch> GetBatch(const std::string& workspace_id, const std::string& id);
  // As RunStore::ClaimItem: expired leases first, then due PENDING runs; `node` is recorded.
  StatusOr<std::optional<ProcessorRunRecord>> Claim(const std::string& owner, int64_t now, int64_t lease_ms,
                                                    const std::string& node = "");
  // As RunStore: RenewLease (false once the claim no longer holds: cancelled, deleted,
  // taken over), Release (shutdown; no attempt spent), ExpireClaimsOfNode.
  StatusOr<bool> RenewLease(const ProcessorRunRecord& claimed, int64_t until);
  Status Release(const ProcessorRunRecord& claimed);
  StatusOr<int64_t> ExpireClaimsOfNode(const std::string& node);
  // Final state; false when the claim no longer holds the run. `on_done` runs in the same
  // transaction (webhook outbox), before the batch hook when the run ends its batch.
  StatusOr<bool> Complete(const ProcessorRunRecord& claimed, bool failed, const std::string& output,
                          const std::string& failure_reason, const std::string& failure_message,
                          const std::function<Status(Connection&, const ProcessorRunRecord&)>& on_done);
  Status RetryLater(const ProcessorRunRecord& claimed, int64_t next_attempt_at);
  // A PENDING or PROCESSING run becomes CANCELLED. A worker still executing it finds its
  // claim gone at Complete/RetryLater and drops its result. NotFound when absent,
  // InvalidArgument when already finished. May end the run's batch (the batch hook).
  StatusOr<ProcessorRunRecord> Cancel(const std::string& workspace_id, const std::string& kind, const std::string& id);
  // Removes the run, whatever its status (a running one is dropped the same way).
  // NotFound when absent. The run's file is a resource of its own and stays. Removing a
  // batch's last unfinished run ends the batch (the batch hook).
  Status Delete(const std::string& workspace_id, const std::string& kind, const std::string& id);

 private:
  // Ends run.batch_id when `run`, just finished or removed in `c`'s transaction, left it
  // with no unfinished run, and then calls on_batch_ended_.
  Status EndBatchIfDone(Connection& c, const ProcessorRunRecord& run);

  std::shared_ptr<Database> db_;
  BatchEndedHook on_batch_ended_;
};

}  // namespace goldset::store
