// Evaluation runs and their run items: creation (one run item per selected set item,
// snapshotting the expected output), leased claiming by workers, completion written in
// one transaction together with the run's progress counters, cancellation, and reads.
//
// Exactly-once results: a completion only lands while the claim that produced it still
// holds the item (lease_owner matches and status is PROCESSING). A worker whose lease
// expired and was re-claimed elsewhere has its late result discarded.
//
// Leases: a claim's lease is short and renewed (RenewLease) while the item is worked on;
// each claim records the node that made it (store/node_identity.h), so a restarted node
// can hand its dead predecessor's claims back at once (ExpireClaimsOfNode).
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "model/statuses.h"
#include "store/database.h"
#include "store/paging.h"

namespace goldset::store {

struct RunRecord {
  std::string id, workspace_id, set_id, entity_kind;
  std::string entity_json, entity_version_json, config, options;  // JSON text snapshots
  model::RunStatus status = model::RunStatus::kPending;
  std::optional<std::string> failure_message;
  int64_t num_items = 0, num_done = 0, num_failed = 0;
  std::optional<std::string> metrics;  // final metrics JSON, set when the run ends
  int64_t created_at = 0, updated_at = 0;
  // Versions (set_history.h); unset on runs from before them.
  std::optional<int64_t> set_version;        // the set version the run's expected outputs are
  std::optional<std::string> manifest;       // JSON object: api/run_manifest.h
  std::optional<std::string> rescored_from;  // the run whose outputs this one re-scored

  bool finished() const {
    return status == model::RunStatus::kProcessed || status == model::RunStatus::kFailed ||
           status == model::RunStatus::kCancelled;
  }
};

struct RunItemRecord {
  std::string run_id, item_id, workspace_id;
  int64_t seq = 0;
  std::optional<std::string> file_id;
  std::string file_ids;  // JSON array text or ""
  std::string expected_output;
  model::ItemStatus status = model::ItemStatus::kPending;
  int attempts = 0;
  std::string lease_owner;
  std::optional<std::string> output, result;
  std::optional<bool> correct;
  std::optional<std::string> error_code, error_message;
  std::optional<int64_t> latency_ms;
  std::optional<int> num_pages;
  int64_t updated_at = 0;
};

struct ItemCompletion {
  bool failed = false;
  std::string output, result;  // JSON text, when !failed
  bool correct = false;
  std::string error_code, error_message;  // when failed
  int64_t latency_ms = 0;
  int num_pages = 0;
};

// Called inside the transaction that moves a run to a final status; returns the final
// metrics JSON to store. May write more in the same transaction (webhook outbox).
using RunFinalizer = std::function<StatusOr<std::string>(Connection&, const RunRecord&)>;

// Records the set's current version in run->set_version and, when run->manifest is a JSON
// object, adds evaluationSetVersion and contentHash to it. Takes the set row's share lock:
// item changes update that row first (SetHistory::BeginChange), so what the caller's
// transaction reads of the set next is exactly that version. (RunStore, RescoreStore.)
Status StampSetVersion(Database& db, Connection& c, RunRecord* run);
// The run row, read through c under a row lock where the backend has them.
StatusOr<RunRecord> ReadRunForUpdate(Database& db, Connection& c, const std::string& run_id);

// A run's items are numbered 1..n when it is created (a rescored run keeps its source's
// numbers, with gaps where items were left out). Readers that walk a run page by windows of
// seq, (a, a + kSeqWindow], rather than `seq > a ORDER BY seq LIMIT n`: with statistics
// taken before a large run was created, PostgreSQL plans that LIMIT as a bitmap scan of
// every later row and a top-n sort (259 ms a page at 100,000 items) instead of n index
// entries; a window reads only its own rows whatever the plan.
inline constexpr int64_t kSeqWindow = 1000;
// The highest seq of the run's items; 0 when it has none.
StatusOr<int64_t> LastItemSeq(Connection& c, const std::string& run_id);
// Up to `limit` rows of the run's items numbered after `after_seq`, in seq order, read by
// windows of seq: one of `limit` seqs when the numbers have no gaps, doubling while a
// window comes back short. `select_from` is "SELECT <columns> FROM evaluation_run_items";
// the window's WHERE, ORDER BY and LIMIT are added here.
StatusOr<std::vector<Row>> ItemRowsAfter(Connection& c, const std::string& select_from, const std::string& run_id,
                                         int64_t after_seq, int limit);

class RunStore {
 public:
  explicit RunStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // Inserts the run and its items. `item_ids` empty: every item of the set. Records the
  // set's version as of the items' snapshot in run->set_version and, when run->manifest
  // is a JSON object, adds to it evaluationSetVersion and contentHash.
  Status CreateRun(RunRecord* run, const std::vector<std::string>& item_ids);
  StatusOr<RunRecord> GetRun(const std::string& workspace_id, const std::string& id);
  StatusOr<RunRecord> GetRunAnyWorkspace(const std::string& id);
  StatusOr<Page<RunRecord>> ListRuns(const std::string& workspace_id, const std::string& set_id,
                                     const PageRequest& page);

  // Claims one due item: a PROCESSING item whose lease expired first, else a PENDING item
  // whose retry time has come; the claim counts an attempt. `node` is recorded with it.
  // nullopt when nothing is due.
  StatusOr<std::optional<RunItemRecord>> ClaimItem(const std::string& owner, int64_t now, int64_t lease_ms,
                                                   const std::string& node = "");
  // Claims up to `max` due items in one transaction (one round trip per kind of due item
  // instead of one claim per item), each as ClaimItem would, all under `owner`: each
  // item's lease is its own (renewed, completed or lost one by one). In (run, seq) order.
  // Each distinct `max` is a statement of its own (its limit is in the text); negative
  // counts as 0.
  StatusOr<std::vector<RunItemRecord>> ClaimItems(const std::string& owner, int64_t now, int64_t lease_ms,
                                                  const std::string& node, int max);
  // Extends a held claim's lease to `until`; false when the claim no longer holds.
  StatusOr<bool> RenewLease(const RunItemRecord& claimed, int64_t until);
  // Gives a held claim up without spending an attempt (shutdown): the item is claimable
  // at once, by any node. No-op when the claim no longer holds.
  Status Release(const RunItemRecord& claimed);
  // Makes every claim recorded under `node` claimable at once. REQUIRES: no live process
  // claims as `node` (NodeIdentity::exclusive). Returns how many claims were freed.
  StatusOr<int64_t> ExpireClaimsOfNode(const std::string& node);
  // Records the final state of a claimed item. Returns false (and writes nothing) when the
  // claim no longer holds the item.
  StatusOr<bool> CompleteItem(const RunItemRecord& claimed, const ItemCompletion& c, const RunFinalizer& finalize);
  // A claimed item not started yet whose run is being cancelled ends CANCELLED, counted
  // done as Cancel counts the PENDING ones (and the run ends when it was the last). True
  // when it was cancelled; false (nothing written) when the run is not cancelling or the
  // claim no longer holds.
  StatusOr<bool> CancelIfRunCancelling(const RunItemRecord& claimed, const RunFinalizer& finalize);
  // CompleteItem for several claimed items in one transaction (one UPDATE for the items,
  // one per run for its counters). Returns, per entry, whether it landed; an entry whose
  // claim no longer holds writes nothing. An error writes nothing at all.
  // REQUIRES: no item appears twice.
  struct CompletionRef {
    const RunItemRecord* item;
    const ItemCompletion* done;
  };
  StatusOr<std::vector<bool>> CompleteItems(const std::vector<CompletionRef>& batch, const RunFinalizer& finalize);
  // Puts a claimed item back for another attempt at `next_attempt_at`.
  Status RetryLater(const RunItemRecord& claimed, int64_t next_attempt_at, const std::string& error_message);
  // Stops claiming: pending items become CANCELLED; the run ends now when nothing is in
  // flight, else it is CANCELLING until the in-flight items finish.
  StatusOr<RunRecord> Cancel(const std::string& workspace_id, const std::string& run_id, const RunFinalizer& finalize);

  // Items in seq order after `after_seq` (results pages, CSV export).
  StatusOr<std::vector<RunItemRecord>> ListItems(const std::string& run_id, int64_t after_seq, int limit);
  StatusOr<RunItemRecord> GetItem(const std::string& run_id, const std::string& item_id);
  // Every finished item's status, result and timings, for metrics. Uses `c` when given.
  Status ForEachFinishedItem(Connection& c, const std::string& run_id,
                             const std::function<void(const RunItemRecord&)>& fn);
  Status ForEachFinishedItem(const std::string& run_id, const std::function<void(const RunItemRecord&)>& fn);
  // Every item id of the run (any status).
  Status ForEachItemId(const std::string& run_id, const std::function<void(const std::string&)>& fn);

 private:
  // CreateRun's transaction.
  Status InsertRun(RunRecord* run, const std::vector<std::string>& item_ids);
  // PostgreSQL: the claim columns' statistics refreshed after a large run's items arrived.
  void RefreshClaimStatistics(int64_t new_items);
  Status FinishRunIfDone(Connection& c, const std::string& run_id, const RunFinalizer& finalize);
  // The same with the run's current row already read (under its lock) by the caller.
  Status FinishRunIfDone(Connection& c, RunRecord run, const RunFinalizer& finalize);
  // CompleteItems' PostgreSQL path.
  StatusOr<std::vector<bool>> CompleteItemsInOneStatement(const std::vector<CompletionRef>& batch,
                                                          const RunFinalizer& finalize);
  // ClaimItems' PostgreSQL path.
  StatusOr<std::vector<RunItemRecord>> ClaimInOneStatement(const std::string& owner, int64_t now, int64_t lease_ms,
                                                           const std::string& node, int max);
  // Runs this store has seen leave PENDING (committed): a claim need not move them to
  // PROCESSING again. A run never returns to PENDING, so the set can be incomplete but
  // never wrong. Shared by copies of the store. Thread-safe.
  class StartedRuns {
   public:
    bool Contains(const std::string& run_id);
    void Add(const std::string& run_id);

   private:
    std::mutex mu_;
    std::unordered_set<std::string> ids_;
  };
  std::shared_ptr<Database> db_;
  std::shared_ptr<StartedRuns> started_ = std::make_shared<StartedRuns>();
};

}  // namespace goldset::store
