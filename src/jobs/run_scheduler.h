// RunScheduler: the pool of workers that executes evaluation run items and standalone
// processor runs (extract/classify/split runs).
//
// Each worker loops: claim a batch of due items (one transaction; as many as it expects
// to finish in ~100 ms by its average item time, 1 to 32), then for each: parse its
// file(s), run the snapshot config's engine, score the output against the snapshot
// expected output. Finished items land together, several in one transaction
// (jobs/held_completions.h): each waits at most completion_hold_ms, landed by the worker
// before an item it expects to end past that bound, at the batch's end or when stopping,
// and by a timer thread when the worker is still busy (an engine call that blocks).
// With claim_ahead (PostgreSQL by default), a worker whose claim came back full (fast
// items) claims its next batch while it works the current one, and a task lands the
// current batch's last items while the worker works the next: one worker then waits on
// the database only when the database is slower than its work. At most one batch is ever
// claimed ahead per worker, and slow items never are.
// Standalone runs and re-scoring jobs (jobs/rescore.h: a whole re-scored run is one claim)
// are claimed one at a time.
//
// Claim, lease and retry rules (the store enforces exactly-once landing, see run_store.h):
// * A claim counts an attempt and has a short lease (lease_ms), renewed every lease_ms/3
//   by a LeaseKeeper for as long as the item is worked on, parse and engine calls
//   included. A worker that dies stops renewing; its items are claimed again within one
//   lease period. A node restarted on the same data dir frees its predecessor's claims
//   at Start (TakeBackClaims) instead of waiting.
// * Each attempt has its own deadline, item_timeout_ms, independent of the lease: when it
//   passes, the parse or engine call in progress is aborted (CancelToken) and the attempt
//   fails with TIMEOUT. So one attempt makes its engine calls exactly once, however long
//   they take within the deadline, and never overlaps another attempt of the same item.
// * A failed attempt whose error is retryable (engine 5xx/429/timeout, deadline, database
//   or disk unavailable) is retried after retry_base_ms * 2^(attempt-1) (+ up to 25%
//   jitter) while attempts < max_attempts; otherwise the item ends FAILED with that error.
//   Permanent errors (unparseable file, invalid config, 4xx from an engine) fail at once.
// * An item claimed with attempts > max_attempts was lost by workers that died mid-attempt
//   max_attempts times: it ends ABORTED ("worker lost") without running again.
// * A lost lease (claim cancelled, deleted, or not renewable for a whole lease period)
//   aborts the work; its result, if any, would not land and is dropped.
// * Every claimed item's lease is renewed from the claim on, also while it waits in its
//   worker's batch and while its result waits to land; a batch's items not started when
//   stopping begins are released at once (what finished lands first).
// * A batch claimed ahead is handed back like the unstarted items of the current one.
// * Stop(drain_ms): no new claims; items that do not finish within drain_ms are aborted
//   and their claims released without spending an attempt, so another node (or the next
//   start) takes them at once.
//
// Locks: Impl::mu (run_scheduler.cpp) guards the run-snapshot cache (cleared when it passes
// 64 runs) and the set of in-flight attempts that Stop drains; mu_ guards the idle wait on
// cv_ and its notification count; held_ has its own. None is held across a store, parse or
// engine call.
//
// Thread-safety: Start/StopClaiming/Stop/Notify may be called from any thread; Start and
// Stop not concurrently with each other.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/cancel.h"
#include "common/json.h"
#include "store/blob_store.h"
#include "store/file_store.h"
#include "store/lease_keeper.h"
#include "store/processor_run_store.h"
#include "store/rescore_store.h"
#include "store/run_store.h"

namespace goldset::outbound {
class EgressPolicy;
}
namespace goldset::processors {
struct EnginePolicy;
}

namespace goldset::jobs {

template <typename Entry>
class HeldCompletions;

struct SchedulerConfig {
  int workers = 2;
  int64_t lease_ms = 15000;          // claim lease; renewed every lease_ms/3 while worked on
  int64_t item_timeout_ms = 300000;  // one attempt's parse + engine calls; then aborted
  int max_attempts = 3;
  int64_t retry_base_ms = 1000;
  int64_t idle_poll_ms = 250;
  int max_pages = 500;
  double max_page_megapixels = 50;   // ParseOptions::max_page_megapixels
  int max_document_words = 1000000;  // ParseOptions::max_words
  size_t max_array_rows = 5000;      // eval::Options::max_array_rows
  int rescore_threads = 2;           // scoring threads of one re-scoring job (jobs/rescore.h)
  // How long a finished item may wait to land in one transaction with the items finished
  // after it (visible that much later; its lease is renewed meanwhile).
  int64_t completion_hold_ms = 50;
  // Whether a worker with fast items claims its next batch (and lands its last one) while
  // it works the current one. Unset: when the database is out of process (PostgreSQL),
  // where each claim and landing is a wait on a round trip; SQLite's are in-process CPU.
  std::optional<bool> claim_ahead;
  // Recorded with every claim (store/node_identity.h); "" when unknown (tests).
  std::string node;
  // Prefix of lease owners, unique per process start; a random one when empty.
  std::string claim_prefix;
  // Signs a download URL for the http engine (the file's presignedUrl).
  std::function<std::string(const std::string& file_id)> presign;
  // In the transaction that ends a batch's last run (webhook outbox); may be empty.
  store::BatchEndedHook on_batch_ended;
  const outbound::EgressPolicy* egress = nullptr;
  const processors::EnginePolicy* engine_policy = nullptr;  // REQUIRES: non-null to run http/llm engines
};

// Called in the transaction that ends a run, after metrics are computed; writes the
// webhook outbox row. May be empty.
using RunEndedHook = std::function<Status(store::Connection&, const store::RunRecord&, const json::object& metrics)>;
// Called in the transaction that ends a standalone processor run (webhook outbox).
using ProcessorRunEndedHook = std::function<Status(store::Connection&, const store::ProcessorRunRecord&)>;

class RunScheduler {
 public:
  RunScheduler(std::shared_ptr<store::Database> db, std::shared_ptr<store::BlobStore> blobs, SchedulerConfig config,
               RunEndedHook on_run_ended);
  ~RunScheduler();
  // Frees the claims an earlier process of config.node left behind. Call before Start,
  // and only when this process holds the node's identity exclusively. Returns the count.
  StatusOr<int64_t> TakeBackClaims();
  void Start();
  // Stops claiming new items; in-flight items go on. Idempotent.
  void StopClaiming();
  // Stops claiming, waits up to `drain_ms` for in-flight items, then aborts the rest and
  // releases their claims; joins the workers.
  void Stop(int64_t drain_ms = std::numeric_limits<int64_t>::max());
  // Wakes idle workers (a run was created).
  void Notify();
  void SetProcessorRunEndedHook(ProcessorRunEndedHook hook) { on_processor_run_ended_ = std::move(hook); }

  // Finalizer shared with the API's cancel route: computes and returns final metrics.
  store::RunFinalizer Finalizer();
  store::RunStore& runs() { return runs_; }

 private:
  friend class RunSchedulerTestPeer;  // tests drive one worker's ProcessBatch directly
  struct Impl;
  class Attempt;
  struct Finished;

  // Claimed items not started yet: their leases kept, their files looked up together.
  struct ClaimedBatch {
    int64_t claimed_at = 0;
    std::vector<store::RunItemRecord> items;
    std::vector<std::unique_ptr<store::LeaseKeeper::Hold>> queued;  // per item, until its attempt starts
    std::vector<model::File> files;
  };
  // A worker's claim of its next batch while it works the current one, and the last items
  // of the batch before, landed by the task that makes that claim. Owned by WorkerLoop.
  struct Pipeline {
    Pipeline();
    ~Pipeline();                                    // where Finished is complete
    std::future<std::optional<ClaimedBatch>> next;  // invalid: nothing claimed ahead
    std::vector<Finished> unlanded;                 // the last batch's last items, landed by the next task
  };

  void WorkerLoop(int index);
  static int BatchSize(double avg_item_ms);
  // nullopt when none was due (or the claim failed).
  std::optional<ClaimedBatch> ClaimBatch(const std::string& worker, int want);
  // Hands back, without spending an attempt, the items from `from` on whose leases hold.
  void ReleaseUnstarted(ClaimedBatch& batch, size_t from);
  // Waits for what the pipeline has in flight, releases a batch claimed ahead, lands the rest.
  void EndPipeline(Pipeline& pipeline);
  // Claims a batch of due items (or takes the one `pipeline` claimed ahead) and works them
  // in order; false when none was due. Without a pipeline, everything it claimed has
  // landed or been handed back when it returns.
  bool ProcessBatch(const std::string& worker, double* avg_item_ms, Pipeline* pipeline = nullptr);
  // Runs one claimed item; the completion to land, or nullopt when it was handled
  // otherwise (put back for a retry, released, or its lease lost).
  // `files`: the batch's files, looked up together.
  std::optional<store::ItemCompletion> RunItem(const store::RunItemRecord& item, Attempt& attempt,
                                               const std::vector<model::File>& files);
  // Lands finished items in one transaction (one by one if that fails). Never throws.
  void Land(std::vector<Finished> batch);
  void LandOne(const store::RunItemRecord& item, const store::ItemCompletion& done, Attempt& attempt);
  store::LeaseKeeper::Renew RenewerOf(const store::RunItemRecord& item);
  bool ProcessOneStandalone(const std::string& worker);
  bool ProcessOneRescore(const std::string& worker);

  std::shared_ptr<store::Database> db_;
  std::shared_ptr<store::BlobStore> blobs_;
  SchedulerConfig config_;
  RunEndedHook on_run_ended_;
  store::RunStore runs_;
  store::FileStore files_;
  store::ProcessorRunStore processor_runs_;
  store::RescoreStore rescores_;
  ProcessorRunEndedHook on_processor_run_ended_;
  std::unique_ptr<store::LeaseKeeper> keeper_;
  std::unique_ptr<Impl> impl_;                       // run snapshots and in-flight attempts; guarded by Impl::mu
  std::unique_ptr<HeldCompletions<Finished>> held_;  // finished items not landed yet (before impl_ goes)
  std::atomic<bool> stopping_{false};                // no new claims
  std::atomic<bool> releasing_{false};               // the drain time is over: give claims back
  std::mutex mu_;                                    // guards notifications_ and the idle wait on cv_
  std::condition_variable cv_;
  uint64_t notifications_ = 0;        // Notify() calls; guarded by mu_
  std::vector<std::thread> threads_;  // touched by Start/Stop only
};

}  // namespace goldset::jobs
