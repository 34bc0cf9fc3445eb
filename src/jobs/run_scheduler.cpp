#include "jobs/run_scheduler.h"

#include <chrono>
#include <map>
#include <random>

#include "common/clock.h"
#include "common/ids.h"
#include "eval/eval.h"
#include "jobs/item_executor.h"
#include "jobs/run_metrics.h"

namespace goldset::jobs {

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
      did = ProcessOne(worker);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"worker %s: %s\"}\n", worker.c_str(), e.what());
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
      std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"claim: %s\"}\n", claimed.status().ToString().c_str());
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
    auto snap = MakeRunSnapshot(*run);
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
        (void)runs_.RetryLater(item, NowMillis() + backoff, outcome.status.message());
        return true;
      }
      done = {true, "", "", false, outcome.error_code, outcome.status.message(), latency, outcome.num_pages};
    } else {
      done = {false, json::serialize(outcome.output), json::serialize(outcome.result), outcome.correct, "", "",
              latency, outcome.num_pages};
    }
  }
  auto landed = runs_.CompleteItem(item, done, Finalizer());
  if (!landed.ok())
    std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"complete %s/%s: %s\"}\n", item.run_id.c_str(),
                 item.item_id.c_str(), landed.status().ToString().c_str());
  return true;
}

}  // namespace goldset::jobs
