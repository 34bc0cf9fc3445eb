// Re-scoring jobs (jobs/rescore.h): a re-scored run is created PENDING with one job row
// (evaluation_run_rescores) that a scheduler worker claims, leases and works like a run
// item — the whole run is one claim. The worker writes the run's items a page at a time,
// each page in one transaction that also advances the run's progress counters and checks
// that its claim still holds (so a worker whose lease lapsed never writes beside the one
// that took over). A new attempt starts over: BeginAttempt deletes what an earlier,
// dead attempt wrote. Finish and Fail end the run and delete the job in one transaction.
//
// Leases as RunStore's (run_store.h): short, renewed while worked on, recorded with the
// claiming node so a restarted node frees its predecessor's claims at once.
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/run_store.h"

namespace goldset::store {

struct RescoreJob {
  std::string run_id, workspace_id, source_run_id;
  bool expected_from_set = false;  // the set's expected outputs at run.set_version, else the source's
  int attempts = 0;
  std::string lease_owner;
};

class RescoreStore {
 public:
  explicit RescoreStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // Inserts the run (status PENDING, rescored_from = source.id, num_items = the source's)
  // and its job, in one transaction. expected_from_set: stamps run->set_version and the
  // manifest with the set's current version as RunStore::CreateRun does; the job scores
  // against the expected outputs of exactly that version, however the set changes later.
  Status Create(RunRecord* run, const RunRecord& source, bool expected_from_set);

  // Claims one due job (an expired lease first, else one whose retry time has come),
  // counting an attempt, and moves its run to PROCESSING. nullopt when none is due.
  StatusOr<std::optional<RescoreJob>> Claim(const std::string& owner, int64_t now, int64_t lease_ms,
                                            const std::string& node = "");
  // Extends a held claim's lease; false when the claim no longer holds.
  StatusOr<bool> RenewLease(const RescoreJob& claimed, int64_t until);
  // Gives a held claim up: claimable again at `next_attempt_at`. refund_attempt: the
  // attempt does not count (shutdown). No-op when the claim no longer holds.
  Status Release(const RescoreJob& claimed, int64_t next_attempt_at, bool refund_attempt);
  // Makes every claim recorded under `node` claimable at once (NodeIdentity::exclusive).
  StatusOr<int64_t> ExpireClaimsOfNode(const std::string& node);

  // Starts an attempt over: deletes the run's items, zeroes its progress, sets num_items.
  // false when the claim no longer holds (nothing written).
  StatusOr<bool> BeginAttempt(const RescoreJob& claimed, int64_t num_items);
  // The set's expected outputs as of `version` (item id -> JSON text), from the items'
  // revisions: the latest revision at or before it, deleted items left out.
  StatusOr<std::map<std::string, std::string>> ExpectedAtVersion(const std::string& set_id, int64_t version);
  // The source run's items after `after_seq`, in seq order, as a re-score reads them:
  // `result` only when it carries warnings (the one thing a re-score keeps from it; the
  // rest is scored again), which spares reading every old result.
  StatusOr<std::vector<RunItemRecord>> SourcePage(const std::string& source_run_id, int64_t after_seq, int limit);
  // Inserts finished items of the run and advances num_done/num_failed, in one
  // transaction. false when the claim no longer holds or the run is being cancelled
  // (nothing written).
  // The items' texts are moved into the statement, not copied.
  StatusOr<bool> InsertItems(const RescoreJob& claimed, std::vector<RunItemRecord> items, int64_t num_failed);
  // Ends the run: PROCESSED (FAILED when every item failed; CANCELLED when it was being
  // cancelled, with num_items cut to what was written), metrics from `finalize`, job
  // deleted; one transaction. nullopt when the claim no longer holds.
  StatusOr<std::optional<RunRecord>> Finish(const RescoreJob& claimed, const RunFinalizer& finalize);
  // Ends the run FAILED with `message` (num_items cut to the items written, metrics from
  // `finalize` over them) and deletes the job. No-op when the claim no longer holds.
  Status Fail(const RescoreJob& claimed, const std::string& message, const RunFinalizer& finalize);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
