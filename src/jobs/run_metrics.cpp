#include "jobs/run_metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/clock.h"
#include "eval/outcomes.h"
#include "eval/run_options.h"
#include "jobs/run_analysis.h"
#include "model/statuses.h"

namespace goldset::jobs {

namespace {

double Percentile(const std::vector<int64_t>& sorted, double p) {
  // Nearest rank: the smallest value with at least p% of values at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::max<size_t>(rank, 1) - 1]);
}

}  // namespace

RunMetricsAccumulator::RunMetricsAccumulator(const store::RunRecord& run) {
  auto config = ParseJson(run.config);
  auto options = ParseJson(run.options);
  if (!config.ok() || !config->is_object() || !options.ok() || !options->is_object()) return;
  builder_.emplace(eval::KindOfEntity(run.entity_kind), config->as_object(),
                   eval::OptionsFromJson(options->as_object()));
}

void RunMetricsAccumulator::AddProcessed(const std::optional<int64_t>& latency_ms, const std::optional<int>& num_pages,
                                         const json::object* result) {
  ++processed_;
  pages_ += num_pages.value_or(0);
  if (latency_ms) latencies_.push_back(*latency_ms);
  if (result) builder_->Add(*result);
}

json::object RunMetricsAccumulator::Build(const store::RunRecord& run) const {
  json::object m = builder_->Build();
  m["type"] = eval::MetricsTypeName(eval::KindOfEntity(run.entity_kind));
  eval::SetFileCounts(&m, run.num_items, processed_, failed_);
  m["numPages"] = pages_;
  if (!latencies_.empty()) {
    std::vector<int64_t> sorted = latencies_;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (int64_t l : sorted) sum += static_cast<double>(l);
    m["meanLatencyMs"] = sum / static_cast<double>(sorted.size());
    m["p50LatencyMs"] = Percentile(sorted, 50);
    m["p90LatencyMs"] = Percentile(sorted, 90);
    m["p95LatencyMs"] = Percentile(sorted, 95);
    m["p99LatencyMs"] = Percentile(sorted, 99);
  }
  return m;
}

StatusOr<json::object> ComputeRunMetrics(store::RunStore& runs, store::Connection* tx, const store::RunRecord& run,
                                         RunAnalysisAccumulator* analysis) {
  RunMetricsAccumulator acc(run);
  if (!acc.ok()) return Status::Internal("run " + run.id + " has a corrupt config snapshot");
  auto visit = [&](const store::RunItemRecord& item) {
    if (item.status == model::ItemStatus::kFailed) {
      acc.AddFailed();
      if (analysis) analysis->AddFailed();
      return;
    }
    std::optional<json::value> parsed;
    if (item.result) {
      auto r = ParseJson(*item.result);
      if (r.ok() && r->is_object()) parsed = std::move(*r);
    }
    acc.AddProcessed(item.latency_ms, item.num_pages, parsed ? &parsed->as_object() : nullptr);
    if (analysis && item.status == model::ItemStatus::kProcessed) {
      analysis->AddProcessed(item, parsed ? &parsed->as_object() : nullptr);
    }
  };
  // num_done counts every finished (and cancelled) item: a run that has none, such as one
  // just created over 100,000 items, needs no scan of its items.
  if (run.num_done > 0) {
    Status st = tx ? runs.ForEachFinishedItem(*tx, run.id, visit) : runs.ForEachFinishedItem(run.id, visit);
    if (!st.ok()) return st;
  }
  return acc.Build(run);
}

StatusOr<json::object> MetricsCache::Get(store::RunStore& runs, const store::RunRecord& run) {
  if (run.metrics) {
    auto v = ParseJson(*run.metrics);
    if (v.ok() && v->is_object()) return std::move(v->as_object());
  }
  const int64_t now = clock_();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() > 256) entries_.clear();
    Entry& e = entries_[run.id];
    if (e.num_done >= 0) {
      const bool fresh = e.num_done == run.num_done || now - e.computed_at < RefreshAfterMs(ttl_ms_, e.compute_ms);
      if (fresh || e.computing) return e.metrics;
    }
    e.computing = true;
  }
  StatusOr<json::object> m = Status::Internal("not computed");
  try {
    m = ComputeRunMetrics(runs, nullptr, run);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[run.id].computing = false;
    throw;
  }
  const int64_t took = clock_() - now;
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entries_[run.id];  // anew: the map may have been cleared meanwhile
  e.computing = false;
  if (!m.ok()) return m.status();
  e.num_done = run.num_done;
  e.computed_at = now;
  e.compute_ms = took;
  e.metrics = *m;
  return m;
}

}  // namespace goldset::jobs
