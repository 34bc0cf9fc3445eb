// RunScheduler: the pool of workers that executes evaluation runs.
//
// Each worker loops: claim one due run item (with a lease), parse its file(s), run the
// snapshot config's engine, score the output against the snapshot expected output, and
// complete the item — output, verdicts and completion in one transaction. Transient
// failures are retried with exponential backoff up to `max_attempts`; an item whose
// lease expires (its worker died) is claimed again by any worker on any node.
//
// Thread-safety: Start/Stop/Notify may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "store/blob_store.h"
#include "store/file_store.h"
#include "store/processor_run_store.h"
#include "store/run_store.h"

namespace goldset::outbound {
class EgressPolicy;
}
namespace goldset::processors {
struct EnginePolicy;
}

namespace goldset::jobs {

struct SchedulerConfig {
  int workers = 2;
  int64_t lease_ms = 330000;          // must exceed item_timeout_ms
  int64_t item_timeout_ms = 300000;
  int max_attempts = 3;
  int64_t retry_base_ms = 1000;
  int64_t idle_poll_ms = 250;
  int max_pages = 500;
  double max_page_megapixels = 50;  // ParseOptions::max_page_megapixels
  int max_document_words = 1000000;  // ParseOptions::max_words
  size_t max_array_rows = 5000;  // eval::Options::max_array_rows
  // Signs a download URL for the http engine (the file's presignedUrl).
  std::function<std::string(const std::string& file_id)> presign;
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
  void Start();
  // Stops claiming; waits for in-flight items to finish.
  void Stop();
  // Wakes idle workers (a run was created).
  void Notify();
  void SetProcessorRunEndedHook(ProcessorRunEndedHook hook) { on_processor_run_ended_ = std::move(hook); }

  // Finalizer shared with the API's cancel route: computes and returns final metrics.
  store::RunFinalizer Finalizer();
  store::RunStore& runs() { return runs_; }

 private:
  void WorkerLoop(int index);
  bool ProcessOne(const std::string& owner);
  bool ProcessOneStandalone(const std::string& worker);

  std::shared_ptr<store::Database> db_;
  std::shared_ptr<store::BlobStore> blobs_;
  SchedulerConfig config_;
  RunEndedHook on_run_ended_;
  store::RunStore runs_;
  store::FileStore files_;
  store::ProcessorRunStore processor_runs_;
  ProcessorRunEndedHook on_processor_run_ended_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
};

}  // namespace goldset::jobs
