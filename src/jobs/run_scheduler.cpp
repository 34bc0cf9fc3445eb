#include "jobs/run_scheduler.h"

#include "eval/run_options.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <random>
#include <system_error>
#include <utility>

#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "eval/eval.h"
#include "jobs/held_completions.h"
#include "jobs/item_executor.h"
#include "jobs/rescore.h"
#include "jobs/parse_memo.h"
#include "jobs/run_analysis.h"
#include "jobs/run_end.h"
#include "jobs/run_metrics.h"
#include "store/analysis_store.h"

namespace goldset::jobs {

namespace {

// The contract's failureReason values for standalone runs.
std::string FailureReasonOf(const std::string& code) {
  for (const char* known : {"PARSING_ERROR", "INVALID_CONFIGURATION", "ABORTED", "INTERNAL_ERROR"})
    if (code == known) return code;
  if (code == "ENGINE_UNAVAILABLE") return "INTERNAL_ERROR";
  return "FAILED_TO_PROCESS_FILE";
}

void LogFailure(const std::string& what, const Status& st) {
  LogError(what + ": " + st.ToString(), {{"component", "jobs"}});
}

// Delay before attempt `attempts + 1`: base * 2^(attempts-1), plus up to 25% jitter.
int64_t RetryDelayMs(int64_t base, int attempts) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t delay = base << std::min(attempts - 1, 20);
  return delay + static_cast<int64_t>(rng() % static_cast<uint64_t>(delay / 4 + 1));
}

// Claim batches (ProcessBatch): at most kMaxClaimBatch items, about kBatchTargetMs of
// work by the worker's average item time. Their completions are held up to
// SchedulerConfig::completion_hold_ms to land together; a timer lands them when the worker
// is stuck (an item cannot know that the next one will not block on a slow engine).
constexpr int kMaxClaimBatch = 32;
constexpr double kBatchTargetMs = 100;

}  // namespace

struct RunScheduler::Impl {
  std::mutex mu;
  std::condition_variable drained;                                 // signalled when in_flight shrinks
  std::map<std::string, std::shared_ptr<const RunSnapshot>> runs;  // run id -> parsed snapshot; guarded by mu
  std::set<CancelToken*> in_flight;                                // tokens of running attempts; guarded by mu
  ParseMemo parse_memo;                                            // thread-safe itself
};

// One claimed attempt: its deadline and cancellation token, the lease kept alive while it
// runs, and its registration for Stop(). Lives on the worker's stack.
class RunScheduler::Attempt {
 public:
  Attempt(RunScheduler* s, store::LeaseKeeper::Renew renew, int64_t lease_until) : s_(s) {
    token_.SetDeadline(
        MonotonicMillis() + s->config_.item_timeout_ms,
        Status::DeadlineExceeded("the attempt did not finish within the item time limit (--item-timeout-ms " +
                                 std::to_string(s->config_.item_timeout_ms) + ")"));
    {
      std::lock_guard<std::mutex> lock(s_->impl_->mu);
      s_->impl_->in_flight.insert(&token_);
    }
    // Stop may have given up on in-flight work before this attempt registered.
    if (s_->releasing_) token_.Cancel(Status::Unavailable("the server is shutting down"));
    hold_ = s->keeper_->Keep(std::move(renew), lease_until, &token_);
  }
  ~Attempt() {
    hold_.reset();
    std::lock_guard<std::mutex> lock(s_->impl_->mu);
    s_->impl_->in_flight.erase(&token_);
    s_->impl_->drained.notify_all();
  }
  const CancelToken& token() const { return token_; }
  // Cancelled from outside (lease lost or shutdown), as opposed to the deadline passing.
  bool interrupted() const { return token_.explicitly_cancelled(); }
  bool lease_lost() const { return hold_->lost(); }

  // Runs `complete` until it succeeds, the error is permanent, or the lease is lost: a
  // completion that fails because the database is briefly unreachable is not dropped.
  // Returns the last error (logged) or OK.
  template <typename Fn>
  Status CompleteWithRetries(const std::string& what, Fn complete) {
    int64_t wait_ms = 50;
    for (;;) {
      Status st = complete();
      if (st.ok()) return st;
      if (!st.retryable() || lease_lost()) {
        LogFailure(what, st);
        return st;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      wait_ms = std::min<int64_t>(wait_ms * 2, 2000);
    }
  }

 private:
  RunScheduler* s_;
  CancelToken token_;
  std::unique_ptr<store::LeaseKeeper::Hold> hold_;
};

// A finished item waiting to land (its attempt, and so its lease's renewals and its place
// among the in-flight work Stop drains, lives until it has).
struct RunScheduler::Finished {
  store::RunItemRecord item;
  store::ItemCompletion done;
  std::unique_ptr<Attempt> attempt;
};

RunScheduler::RunScheduler(std::shared_ptr<store::Database> db, std::shared_ptr<store::BlobStore> blobs,
                           SchedulerConfig config, RunEndedHook on_run_ended)
    : db_(db),
      blobs_(std::move(blobs)),
      config_(std::move(config)),
      on_run_ended_(std::move(on_run_ended)),
      runs_(db),
      files_(db),
      processor_runs_(db, config_.on_batch_ended),
      rescores_(db),
      impl_(std::make_unique<Impl>()) {
  if (!config_.claim_ahead) config_.claim_ahead = db_->backend() == store::Backend::kPostgres;
  if (config_.claim_prefix.empty())
    config_.claim_prefix = (config_.node.empty() ? "p" : config_.node) + "/" + RandomToken(6);
  keeper_ = std::make_unique<store::LeaseKeeper>(config_.lease_ms);
  held_ = std::make_unique<HeldCompletions<Finished>>(config_.completion_hold_ms,
                                                      [this](std::vector<Finished> batch) { Land(std::move(batch)); });
}

RunScheduler::~RunScheduler() { Stop(); }

StatusOr<int64_t> RunScheduler::TakeBackClaims() {
  if (config_.node.empty()) return int64_t{0};
  auto items = runs_.ExpireClaimsOfNode(config_.node);
  if (!items.ok()) return items.status();
  auto standalone = processor_runs_.ExpireClaimsOfNode(config_.node);
  if (!standalone.ok()) return standalone.status();
  auto rescores = rescores_.ExpireClaimsOfNode(config_.node);
  if (!rescores.ok()) return rescores.status();
  return *items + *standalone + *rescores;
}

void RunScheduler::Start() {
  stopping_ = false;
  releasing_ = false;
  for (int i = 0; i < config_.workers; ++i) threads_.emplace_back([this, i] { WorkerLoop(i); });
}

void RunScheduler::StopClaiming() {
  stopping_ = true;
  cv_.notify_all();
}

void RunScheduler::Stop(int64_t drain_ms) {
  StopClaiming();
  {
    std::unique_lock<std::mutex> lock(impl_->mu);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::min<int64_t>(drain_ms, int64_t{1} << 40));
    impl_->drained.wait_until(lock, deadline, [&] { return impl_->in_flight.empty(); });
    // From here on every attempt, including one claimed just before StopClaiming that
    // registers late, is aborted and handed back.
    releasing_ = true;
    for (CancelToken* t : impl_->in_flight) t->Cancel(Status::Unavailable("the server is shutting down"));
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  held_->WaitIdle();  // a timed landing of the workers' last items
}

void RunScheduler::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++notifications_;
  }
  cv_.notify_all();
}

store::RunFinalizer RunScheduler::Finalizer() {
  // The default analysis is built in the metrics' pass and stored with the final state.
  return [this](store::Connection& c, const store::RunRecord& run) -> StatusOr<std::string> {
    return EndRunFromWrittenItems(runs_, c, run, on_run_ended_);
  };
}

void RunScheduler::WorkerLoop(int index) {
  const std::string worker = config_.claim_prefix + "/w" + std::to_string(index);
  double avg_item_ms = 0;  // running average of this worker's item times; 0: none yet
  Pipeline pipeline;       // the next batch, when claimed ahead
  while (!stopping_) {
    uint64_t seen;  // before looking for work: a Notify from then on cuts the idle wait short
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen = notifications_;
    }
    bool did = false;
    try {
      did = ProcessBatch(worker, &avg_item_ms, *config_.claim_ahead ? &pipeline : nullptr) ||
            ProcessOneStandalone(worker) || ProcessOneRescore(worker);
    } catch (const std::exception& e) {
      // E.g. no descriptor left to open a database connection: the claim, if any, lapses
      // and is retried; this worker backs off like an idle one.
      LogFailure("worker " + worker, Status::Internal(e.what()));
    }
    if (!did) {
      // Woken early by Notify (new work), else polls: the predicate must see the
      // notification, or a notified worker would sleep on until the poll interval.
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(config_.idle_poll_ms),
                   [&] { return stopping_.load() || notifications_ != seen; });
    }
  }
  try {
    EndPipeline(pipeline);
  } catch (const std::exception& e) {
    LogFailure("worker " + worker, Status::Internal(e.what()));  // its claims lapse
  }
}

int RunScheduler::BatchSize(double avg_item_ms) {
  // As many items as this worker expects to finish within kBatchTargetMs, by its running
  // average: fast items cost one claim and one completion transaction per batch, slow
  // ones (engine calls) are still claimed one at a time and spread over every worker.
  if (avg_item_ms <= 0) return 1;
  return static_cast<int>(
      std::clamp(kBatchTargetMs / std::max(avg_item_ms, 0.05), 1.0, static_cast<double>(kMaxClaimBatch)));
}

std::optional<RunScheduler::ClaimedBatch> RunScheduler::ClaimBatch(const std::string& worker, int want) {
  ClaimedBatch batch;
  // Each claim batch has its own owner token, so a result is tied to the claim that made it.
  const std::string owner = worker + ":" + RandomToken(6);
  batch.claimed_at = NowMillis();
  auto claimed = runs_.ClaimItems(owner, batch.claimed_at, config_.lease_ms, config_.node, want);
  if (!claimed.ok()) {
    if (claimed.status().code() != Status::Code::kUnavailable) LogFailure("claim", claimed.status());
    return std::nullopt;
  }
  if (claimed->empty()) return std::nullopt;
  batch.items = std::move(*claimed);
  // Every claimed item's lease is kept from the claim on; a queued item's by a hold of its
  // own until its attempt starts and takes over.
  for (const auto& item : batch.items)
    batch.queued.push_back(keeper_->Keep(RenewerOf(item), batch.claimed_at + config_.lease_ms, nullptr));
  // The batch's files in one query (each item would otherwise look its own up).
  std::map<std::string, std::vector<std::string>> ids_by_workspace;
  for (const auto& item : batch.items)
    if (item.file_id) ids_by_workspace[item.workspace_id].push_back(*item.file_id);
  for (const auto& [workspace_id, ids] : ids_by_workspace) {
    auto got = files_.GetMany(workspace_id, ids);
    if (got.ok()) batch.files.insert(batch.files.end(), got->begin(), got->end());  // else each looks its own up
  }
  return batch;
}

void RunScheduler::ReleaseUnstarted(ClaimedBatch& batch, size_t from) {
  for (size_t j = from; j < batch.items.size(); ++j) {
    if (!batch.queued[j] || batch.queued[j]->lost()) continue;
    Status st = runs_.Release(batch.items[j]);
    if (!st.ok()) LogFailure("release " + batch.items[j].item_id, st);  // its lease lapses instead
    batch.queued[j].reset();
  }
}

RunScheduler::Pipeline::Pipeline() = default;
RunScheduler::Pipeline::~Pipeline() = default;

void RunScheduler::EndPipeline(Pipeline& pipeline) {
  if (pipeline.next.valid()) {
    std::optional<ClaimedBatch> unstarted = pipeline.next.get();  // its landing, if any, is done
    if (unstarted) ReleaseUnstarted(*unstarted, 0);
  }
  Land(std::exchange(pipeline.unlanded, {}));
}

bool RunScheduler::ProcessBatch(const std::string& worker, double* avg_item_ms, Pipeline* pipeline) {
  std::optional<ClaimedBatch> claimed;
  if (pipeline && pipeline->next.valid()) {
    claimed = pipeline->next.get();  // claimed while the previous batch was worked
  } else {
    claimed = ClaimBatch(worker, BatchSize(*avg_item_ms));
  }
  std::vector<Finished> unlanded = pipeline ? std::exchange(pipeline->unlanded, {}) : std::vector<Finished>{};
  if (!claimed) {
    Land(std::move(unlanded));
    return false;
  }
  ClaimedBatch& batch = *claimed;
  std::vector<store::RunItemRecord>& items = batch.items;
  // Fast items (a full claim) would spend about as long waiting for the database as
  // working when it is a round trip away: a task lands the previous batch's last items and
  // claims the next batch while this one is worked. Slow items are never claimed ahead: an
  // idle worker elsewhere should take them.
  if (pipeline && !stopping_ && items.size() == static_cast<size_t>(kMaxClaimBatch)) {
    const int want = BatchSize(*avg_item_ms);
    auto landing = std::make_shared<std::vector<Finished>>(std::move(unlanded));
    try {
      pipeline->next = std::async(std::launch::async, [this, worker, want, landing] {
        Land(std::exchange(*landing, {}));  // first: finished work is not held behind a claim
        return ClaimBatch(worker, want);
      });
    } catch (const std::system_error&) {
      Land(std::exchange(*landing, {}));  // no thread to be had: the next batch is claimed after this one
    }
  } else {
    Land(std::move(unlanded));
  }
  // Finished items wait here to land together; the lane lands what it still holds if this
  // batch is left early (an exception).
  auto held = held_->Open();
  const double hold_ms = static_cast<double>(held_->max_delay_ms());
  const int64_t started_at = NowMillis();
  for (size_t i = 0; i < items.size(); ++i) {
    if (stopping_) {
      Land(held->Take());
      // Hand the items not started yet back at once, without spending an attempt.
      ReleaseUnstarted(batch, i);
      break;
    }
    if (batch.queued[i]->lost()) continue;  // deleted or taken over while queued
    // A cancel stops items that have not started, and one claimed in a batch has not: once
    // the batch has waited or run longer than its target (so fast batches pay no extra
    // statement), each queued item first checks whether its run is being cancelled.
    if (NowMillis() - (i == 0 ? batch.claimed_at : started_at) >= static_cast<int64_t>(kBatchTargetMs)) {
      auto cancelled = runs_.CancelIfRunCancelling(items[i], Finalizer());
      if (!cancelled.ok()) LogFailure("cancel check " + items[i].item_id, cancelled.status());
      if (cancelled.ok() && *cancelled) {
        batch.queued[i].reset();
        continue;
      }
    }
    auto attempt = std::make_unique<Attempt>(this, RenewerOf(items[i]), batch.queued[i]->expires());
    batch.queued[i].reset();
    const int64_t start = MonotonicMillis();
    std::optional<store::ItemCompletion> done = RunItem(items[i], *attempt, batch.files);
    const double took = static_cast<double>(MonotonicMillis() - start);
    *avg_item_ms = *avg_item_ms <= 0 ? std::max(took, 0.05) : 0.8 * *avg_item_ms + 0.2 * took;
    if (done) held->Add({items[i], std::move(*done), std::move(attempt)});
    // What is held lands now unless one more item, at this worker's average, still ends
    // within the bound. An item that turns out slower is covered by the timer.
    if (static_cast<double>(held->waited_ms()) + *avg_item_ms >= hold_ms) Land(held->Take());
  }
  std::vector<Finished> rest = held->Take();
  // With a next batch claimed ahead, its task lands these while that batch is worked.
  if (pipeline && pipeline->next.valid()) {
    pipeline->unlanded = std::move(rest);
  } else {
    Land(std::move(rest));
  }
  return true;
}

store::LeaseKeeper::Renew RunScheduler::RenewerOf(const store::RunItemRecord& item) {
  store::RunStore* runs = &runs_;
  return [runs, item](int64_t until) { return runs->RenewLease(item, until); };
}

std::optional<store::ItemCompletion> RunScheduler::RunItem(const store::RunItemRecord& item, Attempt& attempt,
                                                           const std::vector<model::File>& files) {
  std::shared_ptr<const RunSnapshot> snapshot;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->runs.find(item.run_id);
    if (it != impl_->runs.end()) snapshot = it->second;
  }
  if (!snapshot) {
    auto run = runs_.GetRunAnyWorkspace(item.run_id);
    if (!run.ok()) return std::nullopt;  // the lease lapses and the item is tried again
    auto snap = MakeRunSnapshot(*run, config_.max_array_rows);
    if (!snap.ok())
      return store::ItemCompletion{true, "", "", false, "INVALID_CONFIGURATION", snap.status().message(), 0, 0};
    snapshot = *snap;
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->runs.size() > 64) impl_->runs.clear();
    impl_->runs[item.run_id] = snapshot;
  }
  if (item.attempts > config_.max_attempts)
    return store::ItemCompletion{
        true,
        "",
        "",
        false,
        "ABORTED",
        "Processing did not complete after " + std::to_string(config_.max_attempts) + " attempts (worker lost)",
        0,
        0};
  ItemExecutor executor(*db_, *blobs_, files_, config_, &impl_->parse_memo);
  executor.UseFiles(&files);
  int64_t start = MonotonicMillis();
  ItemOutcome outcome;
  try {
    outcome = executor.Execute(*snapshot, item, &attempt.token());
  } catch (const std::exception& e) {
    outcome.status = Status::Internal(std::string("item execution failed: ") + e.what());
    outcome.error_code = "INTERNAL_ERROR";
  }
  int64_t latency = MonotonicMillis() - start;
  if (!outcome.status.ok() && attempt.interrupted()) {
    // Lease lost: another worker owns the item now. Shutdown: hand it back unspent.
    if (releasing_ && !attempt.lease_lost())
      attempt.CompleteWithRetries("release " + item.item_id, [&] { return runs_.Release(item); });
    return std::nullopt;
  }
  if (!outcome.status.ok()) {
    if (outcome.status.retryable() && item.attempts < config_.max_attempts) {
      const int64_t next = NowMillis() + RetryDelayMs(config_.retry_base_ms, item.attempts);
      Status later = attempt.CompleteWithRetries("retry " + item.run_id + "/" + item.item_id, [&] {
        return runs_.RetryLater(item, next, outcome.status.message());
      });
      // Without its (outside) error text, rather than leave it PROCESSING until its lease expires.
      if (!later.ok() && !attempt.lease_lost())
        (void)attempt.CompleteWithRetries("retry " + item.run_id + "/" + item.item_id, [&] {
          return runs_.RetryLater(item, next, "the last attempt's error could not be stored");
        });
      return std::nullopt;
    }
    return store::ItemCompletion{
        true, "", "", false, outcome.error_code, outcome.status.message(), latency, outcome.num_pages};
  }
  return store::ItemCompletion{false,
                               json::serialize(outcome.output),
                               json::serialize(outcome.result),
                               outcome.correct,
                               "",
                               "",
                               latency,
                               outcome.num_pages};
}

void RunScheduler::Land(std::vector<Finished> batch) {
  if (batch.empty()) return;
  try {
    std::vector<store::RunStore::CompletionRef> refs;
    for (const auto& e : batch) refs.push_back({&e.item, &e.done});
    // The whole batch in one transaction, retried while the database is briefly unreachable
    // and any of its leases still holds.
    int64_t wait_ms = 50;
    Status st;
    for (;;) {
      st = runs_.CompleteItems(refs, Finalizer()).status();
      if (st.ok() || !st.retryable()) break;
      bool held = false;
      for (const auto& e : batch) held = held || !e.attempt->lease_lost();
      if (!held) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      wait_ms = std::min<int64_t>(wait_ms * 2, 2000);
    }
    if (!st.ok()) {
      // One by one: an outcome that cannot be stored must not keep the others from landing.
      for (auto& e : batch) LandOne(e.item, e.done, *e.attempt);
    }
  } catch (const std::exception& e) {
    // E.g. out of memory: the claims lapse and the items run again elsewhere.
    LogFailure("complete " + std::to_string(batch.size()) + " items", Status::Internal(e.what()));
  }
  // Leaving ends the attempts: their leases are no longer renewed.
}

void RunScheduler::LandOne(const store::RunItemRecord& item, const store::ItemCompletion& done, Attempt& attempt) {
  const std::string what = "complete " + item.run_id + "/" + item.item_id;
  Status landed =
      attempt.CompleteWithRetries(what, [&] { return runs_.CompleteItem(item, done, Finalizer()).status(); });
  if (!landed.ok() && !attempt.lease_lost()) {
    // An item whose outcome cannot be stored must still end, or it stays PROCESSING until
    // its lease expires and runs again: store a failure that carries no outside text.
    store::ItemCompletion bare{true,
                               "",
                               "",
                               false,
                               "INTERNAL_ERROR",
                               "the item's outcome could not be stored (" + landed.message() + ")",
                               done.latency_ms,
                               done.num_pages};
    (void)attempt.CompleteWithRetries(what, [&] { return runs_.CompleteItem(item, bare, Finalizer()).status(); });
  }
}

bool RunScheduler::ProcessOneStandalone(const std::string& worker) {
  const std::string owner = worker + ":" + RandomToken(6);
  const int64_t claimed_at = NowMillis();
  auto claimed = processor_runs_.Claim(owner, claimed_at, config_.lease_ms, config_.node);
  if (!claimed.ok() || !*claimed) return false;
  const store::ProcessorRunRecord run = std::move(**claimed);
  store::ProcessorRunStore* store = &processor_runs_;
  Attempt attempt(
      this, [store, run](int64_t until) { return store->RenewLease(run, until); }, claimed_at + config_.lease_ms);
  auto config = ParseJson(run.config);
  ItemOutcome outcome;
  if (!config.ok() || !config->is_object()) {
    outcome.status = Status::InvalidArgument("the run's config is not a JSON object");
    outcome.error_code = "INVALID_CONFIGURATION";
  } else if (run.attempts > config_.max_attempts) {
    outcome.status = Status::Internal("processing did not complete after " + std::to_string(config_.max_attempts) +
                                      " attempts (worker lost)");
    outcome.error_code = "ABORTED";
  } else {
    ItemExecutor executor(*db_, *blobs_, files_, config_, &impl_->parse_memo);
    try {
      outcome = executor.Produce(run.workspace_id, eval::KindOfEntity(run.kind), config->as_object(), {run.file_id},
                                 &attempt.token());
    } catch (const std::exception& e) {
      outcome.status = Status::Internal(std::string("run execution failed: ") + e.what());
      outcome.error_code = "INTERNAL_ERROR";
    }
    if (!outcome.status.ok() && attempt.interrupted()) {
      if (releasing_ && !attempt.lease_lost())
        attempt.CompleteWithRetries("release " + run.id, [&] { return processor_runs_.Release(run); });
      return true;
    }
    if (!outcome.status.ok() && outcome.status.retryable() && run.attempts < config_.max_attempts) {
      const int64_t next = NowMillis() + RetryDelayMs(config_.retry_base_ms, run.attempts);
      attempt.CompleteWithRetries("retry " + run.id, [&] { return processor_runs_.RetryLater(run, next); });
      return true;
    }
  }
  bool failed = !outcome.status.ok();
  Status landed = attempt.CompleteWithRetries("complete " + run.id, [&] {
    return processor_runs_
        .Complete(run, failed, failed ? "" : json::serialize(outcome.output),
                  failed ? FailureReasonOf(outcome.error_code) : "", failed ? outcome.status.message() : "",
                  on_processor_run_ended_)
        .status();
  });
  if (!landed.ok() && !attempt.lease_lost()) {
    // Never leave the run PROCESSING silently: store a failure that carries no outside text.
    (void)attempt.CompleteWithRetries("complete " + run.id, [&] {
      return processor_runs_
          .Complete(run, true, "", "INTERNAL_ERROR", "the run's outcome could not be stored (" + landed.message() + ")",
                    on_processor_run_ended_)
          .status();
    });
  }
  return true;
}

bool RunScheduler::ProcessOneRescore(const std::string& worker) {
  const std::string owner = worker + ":" + RandomToken(6);
  const int64_t claimed_at = NowMillis();
  auto claimed = rescores_.Claim(owner, claimed_at, config_.lease_ms, config_.node);
  if (!claimed.ok()) {
    if (claimed.status().code() != Status::Code::kUnavailable) LogFailure("claim re-scoring", claimed.status());
    return false;
  }
  if (!*claimed) return false;
  const store::RescoreJob job = std::move(**claimed);
  store::RescoreStore* store = &rescores_;
  Attempt attempt(
      this, [store, job](int64_t until) { return store->RenewLease(job, until); }, claimed_at + config_.lease_ms);
  const std::string what = "re-score " + job.run_id;
  Status failed;
  if (job.attempts > config_.max_attempts) {
    failed = Status::Internal("Re-scoring did not complete after " + std::to_string(config_.max_attempts) +
                              " attempts (worker lost)");
  } else {
    StatusOr<RescoreOutcome> outcome = Status::Internal("not run");
    try {
      outcome = WorkRescore(rescores_, runs_, job, config_.max_array_rows, on_run_ended_, config_.rescore_threads,
                            &attempt.token());
    } catch (const std::exception& e) {
      outcome = Status::Internal(std::string("re-scoring failed: ") + e.what());
    }
    if (outcome.ok()) return true;  // ended, or the claim was lost to another worker
    if (attempt.interrupted()) {
      // Lease lost: another worker owns the job now. Shutdown: hand it back unspent.
      if (releasing_ && !attempt.lease_lost())
        attempt.CompleteWithRetries("release " + job.run_id, [&] { return rescores_.Release(job, NowMillis(), true); });
      return true;
    }
    if (outcome.status().retryable() && job.attempts < config_.max_attempts) {
      const int64_t next = NowMillis() + RetryDelayMs(config_.retry_base_ms, job.attempts);
      attempt.CompleteWithRetries(what, [&] { return rescores_.Release(job, next, false); });
      return true;
    }
    failed = outcome.status();
  }
  attempt.CompleteWithRetries(what, [&] {
    return rescores_.Fail(
        job, failed.message().rfind("Re-scoring", 0) == 0 ? failed.message() : "Re-scoring failed: " + failed.message(),
        Finalizer());
  });
  return true;
}

}  // namespace goldset::jobs
