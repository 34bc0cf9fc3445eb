#include "jobs/run_scheduler.h"

#include <chrono>
#include <map>
#include <random>

#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "eval/eval.h"
#include "jobs/item_executor.h"
#include "jobs/run_metrics.h"

namespace goldset::jobs {

namespace {
// The contract's failureReason values for standalone runs.
std::string FailureReasonOf(const std::string& code) {
  for (const char* known : {"PARSING_ERROR", "INVALID_CONFIGURATION", "ABORTED", "INTERNAL_ERROR"})
    if (code == known) return code;
  return "FAILED_TO_PROCESS_FILE";
}
}  // namespace

struct RunScheduler::Impl {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const RunSnapshot>> runs;  // run id -> parsed snapshot
};

RunScheduler::RunScheduler(std::shared_ptr<store::Database> db, std::shared_ptr<store::BlobStore> blobs,
                           SchedulerConfig config, RunEndedHook on_run_ended)
    : db_(db),
      blobs_(std::move(blobs)),
      config_(std::move(config)),
      on_run_ended_(std::move(on_run_ended)),
      runs_(db),
      files_(db),
      processor_runs_(db),
      impl_(std::make_unique<Impl>()) {}

RunScheduler::~RunScheduler() { Stop(); }

void RunScheduler::Start() {
  stopping_ = false;
  for (int i = 0; i < config_.workers; ++i) threads_.emplace_back([this, i] { WorkerLoop(i); });
}

void RunScheduler::Stop() {
  stopping_ = true;
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void RunScheduler::Notify() { cv_.notify_all(); }

store::RunFinalizer RunScheduler::Finalizer() {
  return [this](store::Connection& c, const store::RunRecord& run) -> StatusOr<std::string> {
    auto metrics = ComputeRunMetrics(runs_, &c, run);
    if (!metrics.ok()) return metrics.status();
    if (on_run_ended_) GOLDSET_RETURN_IF_ERROR(on_run_ended_(c, run, *metrics));
    return json::serialize(*metrics);
  };
}

void RunScheduler::WorkerLoop(int index) {
  const std::string worker = "w" + std::to_string(index) + "-" + RandomToken(6);
  while (!stopping_) {
    bool did = false;
    try {
      did = ProcessOne(worker) || ProcessOneStandalone(worker);
    } catch (const std::exception& e) {
      LogError(std::string("worker ") + worker + ": " + e.what());
    }
    if (!did) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(config_.idle_poll_ms), [this] { return stopping_.load(); });
    }
  }
}

bool RunScheduler::ProcessOne(const std::string& worker) {
  // Each claim has its own owner token, so a result is tied to the claim that made it.
  const std::string owner = worker + ":" + RandomToken(6);
  auto claimed = runs_.ClaimItem(owner, NowMillis(), config_.lease_ms);
  if (!claimed.ok()) {
    if (claimed.status().code() != Status::Code::kUnavailable)
      LogError("claim: " + claimed.status().ToString());
    return false;
  }
  if (!*claimed) return false;
  store::RunItemRecord item = std::move(**claimed);

  std::shared_ptr<const RunSnapshot> snapshot;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->runs.find(item.run_id);
    if (it != impl_->runs.end()) snapshot = it->second;
  }
  if (!snapshot) {
    auto run = runs_.GetRunAnyWorkspace(item.run_id);
    if (!run.ok()) return true;
    auto snap = MakeRunSnapshot(*run, config_.max_array_rows);
    if (!snap.ok()) {
      store::ItemCompletion fail{true, "", "", false, "INVALID_CONFIGURATION", snap.status().message(), 0, 0};
      (void)runs_.CompleteItem(item, fail, Finalizer());
      return true;
    }
    snapshot = *snap;
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->runs.size() > 64) impl_->runs.clear();
    impl_->runs[item.run_id] = snapshot;
  }

  store::ItemCompletion done;
  if (item.attempts > config_.max_attempts) {
    done = {true, "", "", false, "ABORTED",
            "Processing did not complete after " + std::to_string(config_.max_attempts) + " attempts (worker lost)", 0, 0};
  } else {
    ItemExecutor executor(*db_, *blobs_, files_, config_);
    int64_t start = MonotonicMillis();
    ItemOutcome outcome = executor.Execute(*snapshot, item);
    int64_t latency = MonotonicMillis() - start;
    if (!outcome.status.ok()) {
      if (outcome.status.retryable() && item.attempts < config_.max_attempts) {
        std::mt19937_64 rng(std::random_device{}());
        int64_t backoff = config_.retry_base_ms << (item.attempts - 1);
        backoff += static_cast<int64_t>(rng() % static_cast<uint64_t>(backoff / 4 + 1));
        Status later = runs_.RetryLater(item, NowMillis() + backoff, outcome.status.message());
        if (!later.ok()) {
          // Without its (outside) error text, rather than leave it PROCESSING until its lease expires.
          LogError("retry " + item.run_id + "/" + item.item_id + ": " + later.ToString());
          later = runs_.RetryLater(item, NowMillis() + backoff, "the last attempt's error could not be stored");
          if (!later.ok()) LogError("retry " + item.run_id + "/" + item.item_id + ": " + later.ToString());
        }
        return true;
      }
      done = {true, "", "", false, outcome.error_code, outcome.status.message(), latency, outcome.num_pages};
    } else {
      done = {false, json::serialize(outcome.output), json::serialize(outcome.result), outcome.correct, "", "",
              latency, outcome.num_pages};
    }
  }
  auto landed = runs_.CompleteItem(item, done, Finalizer());
  if (!landed.ok()) {
    // An item whose outcome cannot be stored must still end, or it stays PROCESSING until
    // its lease expires and runs again: store a failure that carries no outside text.
    LogError("complete " + item.run_id + "/" + item.item_id + ": " + landed.status().ToString());
    store::ItemCompletion bare{true, "", "", false, "INTERNAL_ERROR",
                               "the item's outcome could not be stored (" + landed.status().message() + ")",
                               done.latency_ms, done.num_pages};
    landed = runs_.CompleteItem(item, bare, Finalizer());
    if (!landed.ok()) LogError("complete " + item.run_id + "/" + item.item_id + ": " + landed.status().ToString());
  }
  return true;
}

bool RunScheduler::ProcessOneStandalone(const std::string& worker) {
  const std::string owner = worker + ":" + RandomToken(6);
  auto claimed = processor_runs_.Claim(owner, NowMillis(), config_.lease_ms);
  if (!claimed.ok() || !*claimed) return false;
  store::ProcessorRunRecord run = std::move(**claimed);
  auto config = ParseJson(run.config);
  ItemOutcome outcome;
  if (!config.ok() || !config->is_object()) {
    outcome.status = Status::InvalidArgument("the run's config is not a JSON object");
    outcome.error_code = "INVALID_CONFIGURATION";
  } else if (run.attempts > config_.max_attempts) {
    outcome.status = Status::Internal("processing did not complete after " + std::to_string(config_.max_attempts) + " attempts");
    outcome.error_code = "ABORTED";
  } else {
    ItemExecutor executor(*db_, *blobs_, files_, config_);
    outcome = executor.Produce(run.workspace_id, KindOf(run.kind), config->as_object(), {run.file_id});
    if (!outcome.status.ok() && outcome.status.retryable() && run.attempts < config_.max_attempts) {
      (void)processor_runs_.RetryLater(run, NowMillis() + (config_.retry_base_ms << (run.attempts - 1)));
      return true;
    }
  }
  bool failed = !outcome.status.ok();
  auto landed = processor_runs_.Complete(run, failed, failed ? "" : json::serialize(outcome.output),
                                         failed ? FailureReasonOf(outcome.error_code) : "",
                                         failed ? outcome.status.message() : "", on_processor_run_ended_);
  if (!landed.ok()) {
    // Never leave the run PROCESSING silently: store a failure that carries no outside text.
    LogError("complete " + run.id + ": " + landed.status().ToString());
    landed = processor_runs_.Complete(run, true, "", "INTERNAL_ERROR",
                                      "the run's outcome could not be stored (" + landed.status().message() + ")",
                                      on_processor_run_ended_);
    if (!landed.ok()) LogError("complete " + run.id + ": " + landed.status().ToString());
  }
  return true;
}

}  // namespace goldset::jobs
