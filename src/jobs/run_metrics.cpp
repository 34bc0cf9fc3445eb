#include "jobs/run_metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/clock.h"

namespace goldset::jobs {

eval::Kind KindOf(const std::string& entity_kind) {
  if (entity_kind == "classifier") return eval::Kind::kClassify;
  if (entity_kind == "splitter") return eval::Kind::kSplit;
  return eval::Kind::kExtract;
}

const char* MetricsTypeOf(const std::string& entity_kind) {
  if (entity_kind == "classifier") return "CLASSIFY";
  if (entity_kind == "splitter") return "SPLITTER";
  return "EXTRACT";
}

eval::Options OptionsOf(const json::object& o) {
  eval::Options opts;
  auto strings = [&](const char* key, std::vector<std::string>* out) {
    if (auto* v = o.if_contains(key); v && v->is_array())
      for (const auto& e : v->as_array())
        if (e.is_string()) out->emplace_back(e.as_string());
  };
  strings("fuzzyMatchFields", &opts.fuzzy_match_fields);
  strings("excludeFields", &opts.exclude_fields);
  if (auto* v = o.if_contains("fuzzyThreshold"); v && v->is_number()) opts.fuzzy_threshold = v->to_number<double>();
  return opts;
}

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
  eval::Kind kind = KindOf(run.entity_kind);
  eval::MetricsBuilder builder(kind, config->as_object(), OptionsOf(options->as_object()));
  std::vector<int64_t> latencies;
  int64_t processed = 0, failed = 0, pages = 0;
  auto visit = [&](const store::RunItemRecord& item) {
    if (item.status == "FAILED") {
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
  // num_done counts every finished (and cancelled) item: a run that has none, such as one
  // just created over 100,000 items, needs no scan of its items.
  if (run.num_done > 0) {
    Status st = tx ? runs.ForEachFinishedItem(*tx, run.id, visit) : runs.ForEachFinishedItem(run.id, visit);
    if (!st.ok()) return st;
  }

  json::object m = builder.Build();
  m["type"] = MetricsTypeOf(run.entity_kind);
  m["numFilesTotal"] = run.num_items;
  m["numFilesProcessed"] = processed + failed;
  m["numFiles"] = processed + failed;
  m["numFilesFailed"] = failed;
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
