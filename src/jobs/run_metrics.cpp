#include "jobs/run_metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/clock.h"
#include "eval/outcomes.h"
#include "eval/run_options.h"
#include "model/statuses.h"

namespace goldset::jobs {

namespace {

double Percentile(const std::vector<int64_t>& sorted, double p) {
  // Nearest rank: the smallest value with at least p% of values at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::max<size_t>(rank, 1) - 1]);
}

}  // namespace

StatusOr<json::object> ComputeRunMetrics(store::RunStore& runs, store::Connection* tx, const store::RunRecord& run) {
  auto config = ParseJson(run.config);
  auto options = ParseJson(run.options);
  if (!config.ok() || !config->is_object() || !options.ok() || !options->is_object())
    return Status::Internal("run " + run.id + " has a corrupt config snapshot");
  eval::Kind kind = eval::KindOfEntity(run.entity_kind);
  eval::MetricsBuilder builder(kind, config->as_object(), eval::OptionsFromJson(options->as_object()));
  std::vector<int64_t> latencies;
  int64_t processed = 0, failed = 0, pages = 0;
  auto visit = [&](const store::RunItemRecord& item) {
    if (item.status == model::ToString(model::ItemStatus::kFailed)) {
      ++failed;
      return;
    }
    ++processed;
    pages += item.num_pages.value_or(0);
    if (item.latency_ms) latencies.push_back(*item.latency_ms);
    if (item.result) {
      auto r = ParseJson(*item.result);
      if (r.ok() && r->is_object()) builder.Add(r->as_object());
    }
  };
  Status st = tx ? runs.ForEachFinishedItem(*tx, run.id, visit) : runs.ForEachFinishedItem(run.id, visit);
  if (!st.ok()) return st;

  json::object m = builder.Build();
  m["type"] = eval::MetricsTypeName(kind);
  eval::SetFileCounts(&m, run.num_items, processed, failed);
  m["numPages"] = pages;
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    double sum = 0;
    for (int64_t l : latencies) sum += static_cast<double>(l);
    m["meanLatencyMs"] = sum / static_cast<double>(latencies.size());
    m["p50LatencyMs"] = Percentile(latencies, 50);
    m["p90LatencyMs"] = Percentile(latencies, 90);
    m["p95LatencyMs"] = Percentile(latencies, 95);
    m["p99LatencyMs"] = Percentile(latencies, 99);
  }
  return m;
}

StatusOr<json::object> MetricsCache::Get(store::RunStore& runs, const store::RunRecord& run) {
  if (run.metrics) {
    auto v = ParseJson(*run.metrics);
    if (v.ok() && v->is_object()) return std::move(v->as_object());
  }
  int64_t now = MonotonicMillis();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(run.id);
    if (it != entries_.end() && (it->second.num_done == run.num_done || now - it->second.computed_at < ttl_ms_))
      return it->second.metrics;
  }
  auto m = ComputeRunMetrics(runs, nullptr, run);
  if (!m.ok()) return m.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() > 256) entries_.clear();
  entries_[run.id] = Entry{run.num_done, now, *m};
  return m;
}

}  // namespace goldset::jobs
