// Synchronous runs (contract §1.13, §4.5): POST /extract, /classify, /split create a run
// like POST /extract_runs and answer with it once it has finished, within
// --sync-run-timeout-ms (the contract's 5 minutes). The wait holds a handler-pool thread,
// never an event-loop thread; at most --max-sync-runs wait at once (more: 429), so
// synchronous callers cannot take the pool from everyone else.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "api/app.h"
#include "api/errors.h"
#include "api/processor_runs.h"
#include "common/clock.h"

namespace goldset::api {

namespace {

std::atomic<int> g_waiting{0};

// Holds one of the --max-sync-runs places for the life of the request.
class SyncSlot {
 public:
  explicit SyncSlot(int max) : held_(g_waiting.fetch_add(1) < max) {
    if (!held_) g_waiting.fetch_sub(1);
  }
  ~SyncSlot() {
    if (held_) g_waiting.fetch_sub(1);
  }
  bool held() const { return held_; }

 private:
  bool held_;
};

bool Finished(model::ProcessorRunStatus status) {
  return status != model::ProcessorRunStatus::kPending && status != model::ProcessorRunStatus::kProcessing;
}

StatusOr<Response> RunAndWait(RequestContext& ctx, const RunKind& k) {
  const int64_t deadline = MonotonicMillis() + ctx.svc.config.sync_run_timeout_ms;
  SyncSlot slot(std::max(1, ctx.svc.config.max_sync_runs));
  if (!slot.held())
    return Status::RateLimited("Too many synchronous runs are waiting (--max-sync-runs); retry, or use POST " +
                               std::string(k.collection) + " and poll");
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  CancelToken cancel;
  cancel.SetDeadline(std::min(deadline, MonotonicMillis() + ctx.svc.config.file_url_timeout_ms),
                     Status::DeadlineExceeded("file.url took longer than --file-url-timeout-ms"));
  GOLDSET_ASSIGN_OR_RETURN(auto run, CreateRun(ctx, k, body, cancel));
  // Polls the store: the run may execute on any worker of any node. Quick first looks
  // (rules runs finish in milliseconds), then at most 4 per second.
  int64_t pause_ms = 10;
  while (true) {
    // Deleted meanwhile: 404.
    GOLDSET_ASSIGN_OR_RETURN(auto now, ctx.svc.processor_runs->Get(ctx.caller.workspace_id, k.kind, run.id));
    if (Finished(now.status)) return JsonResponse(RunJson(ctx.svc, k, now));
    const bool draining = ctx.svc.draining.load();
    if (draining || MonotonicMillis() >= deadline) {
      // Nothing keeps running for a caller that stopped waiting.
      (void)ctx.svc.processor_runs->Cancel(ctx.caller.workspace_id, k.kind, run.id);
      if (draining) return Status::Unavailable("The server is shutting down; run " + run.id + " was cancelled");
      // Not a 408/5xx: the SDK would resend the request and start the run again (R1, R3).
      return ErrorResponse(422, "TIMEOUT",
                           "Run " + run.id + " did not finish within " +
                               std::to_string(ctx.svc.config.sync_run_timeout_ms / 1000) +
                               " s (the synchronous limit) and was cancelled; use POST " + std::string(k.collection) +
                               " and poll for long documents",
                           false, ctx.request_id);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(pause_ms, deadline - MonotonicMillis())));
    pause_ms = std::min<int64_t>(pause_ms * 2, 250);
  }
}

}  // namespace

void RegisterSyncRunRoutes(Router& router) {
  for (const RunKind& k : kRunKinds) {
    const RunKind* kp = &k;
    router.Add({"POST", k.sync_path, [kp](RequestContext& c) { return RunAndWait(c, *kp); }, true, RateCategory::kRun,
                BodyKind::kJson});
  }
}

}  // namespace goldset::api
