// Run metrics: the contract's EvaluationSetRunMetrics (base fields + the EXTRACT /
// CLASSIFY / SPLITTER part built by eval/) computed from a run's finished items.
// Live while a run progresses; frozen into the run row when it ends.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <vector>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "eval/eval.h"
#include "store/run_store.h"

namespace goldset::jobs {

class RunAnalysisAccumulator;

// Computes metrics over the run's finished items. Reads through `tx` when given (inside
// the transaction that finishes the run), else through a pooled connection. `analysis`,
// when given, is fed the same items in the same pass (the run analysis stored at finish).
StatusOr<json::object> ComputeRunMetrics(store::RunStore& runs, store::Connection* tx, const store::RunRecord& run,
                                         RunAnalysisAccumulator* analysis = nullptr);

// What ComputeRunMetrics does, fed one finished item at a time (in seq order) by a caller
// that already holds the items' parsed results (jobs/rescore.h): the same metrics, bit
// for bit. Not thread-safe.
class RunMetricsAccumulator {
 public:
  // InvalidArgument-free: a corrupt snapshot is reported by ok() being false.
  explicit RunMetricsAccumulator(const store::RunRecord& run);
  bool ok() const { return builder_.has_value(); }
  void AddFailed() { ++failed_; }
  // `result` may be null (an item with no stored result).
  void AddProcessed(const std::optional<int64_t>& latency_ms, const std::optional<int>& num_pages,
                    const json::object* result);
  json::object Build(const store::RunRecord& run) const;

 private:
  std::optional<eval::MetricsBuilder> builder_;
  std::vector<int64_t> latencies_;
  int64_t processed_ = 0, failed_ = 0, pages_ = 0;
};

// Caches live metrics per run: SDK pollers ask every second and a 100,000-item run is
// too large to rescore on each request. Computing them reads every finished item, so a
// run's live metrics are computed again only once they are ttl_ms old, or 10 times as old
// as their computation took (RefreshAfterMs): whatever its size, watching a run costs a
// node at most ~10% of a thread. While one request computes a run's metrics, the others
// get the last ones computed instead of computing them too.
// Thread-safe.
class MetricsCache {
 public:
  // `clock`: milliseconds on a monotonic clock (tests pass their own).
  explicit MetricsCache(int64_t ttl_ms = 1000, std::function<int64_t()> clock = MonotonicMillis)
      : ttl_ms_(ttl_ms), clock_(std::move(clock)) {}
  StatusOr<json::object> Get(store::RunStore& runs, const store::RunRecord& run);

  // How long live metrics that took `compute_ms` to compute are served.
  static int64_t RefreshAfterMs(int64_t ttl_ms, int64_t compute_ms) { return std::max(ttl_ms, 10 * compute_ms); }

 private:
  struct Entry {
    int64_t num_done = -1;  // -1: never computed
    int64_t computed_at = 0;
    int64_t compute_ms = 0;
    bool computing = false;  // a request is computing them now
    json::object metrics;
  };
  const int64_t ttl_ms_;
  const std::function<int64_t()> clock_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace goldset::jobs
