#include "jobs/rescore.h"

#include "eval/run_options.h"

#include <algorithm>
#include <thread>

#include "common/clock.h"
#include "jobs/run_analysis.h"
#include "jobs/run_metrics.h"
#include "store/analysis_store.h"

namespace goldset::jobs {

namespace {

constexpr int kPageSize = 1000;

struct Scored {
  std::optional<json::object> result;  // unset: failed, see error
  std::string error_code, error_message;
};

// One item scored as ItemExecutor::Execute scores it: same scorer, same failure on a
// scoring limit, the source result's warnings carried over.
Scored ScoreAgain(const eval::ItemScorer& scorer, const store::RunItemRecord& item, const std::string& expected_text) {
  Scored out;
  auto expected = ParseJson(expected_text);
  auto actual = item.output ? ParseJson(*item.output) : StatusOr<json::value>(json::value(nullptr));
  if (!expected.ok() || !actual.ok()) {
    out.error_code = "INTERNAL_ERROR";
    out.error_message = "corrupt stored output or expected output";
    return out;
  }
  auto scored = scorer.Score(*expected, *actual);
  if (!scored.ok()) {
    out.error_code = "POST_PROCESSING_FAILURE";
    out.error_message = scored.status().message();
    return out;
  }
  // Only results that carry warnings are parsed again for them.
  if (item.result && item.result->find("\"warnings\"") != std::string::npos) {
    auto old = ParseJson(*item.result);
    if (old.ok() && old->is_object())
      if (const json::value* w = old->as_object().if_contains("warnings")) (*scored)["warnings"] = *w;
  }
  out.result = std::move(*scored);
  return out;
}

}  // namespace

StatusOr<RescoreOutcome> RescoreRun(store::RunStore& runs, const store::RunRecord& source, store::RunRecord target,
                                    bool expected_from_set, size_t max_array_rows, const RunEndedHook& on_ended,
                                    int threads) {
  auto config = ParseJson(target.config);
  auto options = ParseJson(target.options);
  if (!config.ok() || !config->is_object() || !options.ok() || !options->is_object())
    return Status::Internal("run " + source.id + " has a corrupt config snapshot");
  eval::Options opts = eval::OptionsFromJson(options->as_object());
  opts.max_array_rows = max_array_rows;
  const eval::ItemScorer scorer(eval::KindOfEntity(target.entity_kind), config->as_object(), opts);
  RunMetricsAccumulator metrics(target);
  RunAnalysisAccumulator analysis;  // stored with the final state, as for a worked run
  if (!metrics.ok()) return Status::Internal("run " + source.id + " has a corrupt config snapshot");

  std::map<std::string, std::string> current;
  GOLDSET_RETURN_IF_ERROR(runs.CreateRescoredRun(&target, source.id, expected_from_set, &current));

  RescoreOutcome outcome;
  int64_t failed = 0;
  auto work = [&]() -> Status {
    int64_t after = 0;
    for (;;) {
      auto page = runs.ListItems(source.id, after, kPageSize);
      if (!page.ok()) return page.status();
      if (page->empty()) return Status::OK();
      after = page->back().seq;
      std::vector<store::RunItemRecord> items;
      items.reserve(page->size());
      for (auto& src : *page) {
        store::RunItemRecord it = std::move(src);
        if (expected_from_set) {
          auto e = current.find(it.item_id);
          if (e == current.end()) continue;  // no longer in the set
          it.expected_output = e->second;
        }
        it.run_id = target.id;
        it.updated_at = target.created_at;
        if (it.status != model::ItemStatus::kProcessed && it.status != model::ItemStatus::kFailed)
          it.status = model::ItemStatus::kCancelled;
        items.push_back(std::move(it));
      }
      // Score the page's PROCESSED items on `threads` threads, each a contiguous share.
      std::vector<Scored> scored(items.size());
      auto score_range = [&](size_t from, size_t to) {
        for (size_t i = from; i < to; ++i)
          if (items[i].status == model::ItemStatus::kProcessed)
            scored[i] = ScoreAgain(scorer, items[i], items[i].expected_output);
      };
      size_t n = std::max(1, threads);
      std::vector<std::thread> pool;
      size_t share = (items.size() + n - 1) / n;
      for (size_t t = 1; t < n && t * share < items.size(); ++t)
        pool.emplace_back(score_range, t * share, std::min(items.size(), (t + 1) * share));
      score_range(0, std::min(items.size(), share));
      for (auto& t : pool) t.join();
      // In seq order, as ComputeRunMetrics visits them.
      for (size_t i = 0; i < items.size(); ++i) {
        store::RunItemRecord& it = items[i];
        if (it.status == model::ItemStatus::kProcessed) {
          ++outcome.items_rescored;
          if (scored[i].result) {
            const json::object& r = *scored[i].result;
            it.result = json::serialize(r);
            const json::value* c = r.if_contains("correct");
            it.correct = c && c->is_bool() && c->as_bool();
          } else {
            it.status = model::ItemStatus::kFailed;
            it.output.reset();
            it.result.reset();
            it.correct.reset();
            it.error_code = scored[i].error_code;
            it.error_message = scored[i].error_message;
          }
        }
        if (it.status == model::ItemStatus::kFailed) {
          ++failed;
          metrics.AddFailed();
          analysis.AddFailed();
        } else if (it.status == model::ItemStatus::kProcessed) {
          metrics.AddProcessed(it.latency_ms, it.num_pages, &*scored[i].result);
          analysis.AddProcessed(it, &*scored[i].result);
        }
      }
      outcome.items_copied += static_cast<int64_t>(items.size());
      GOLDSET_RETURN_IF_ERROR(runs.InsertRescoredItems(items));
    }
  };
  Status st = work();
  if (st.ok()) {
    auto finalize = [&](store::Connection& c, const store::RunRecord& run) -> StatusOr<std::string> {
      json::object m = metrics.Build(run);
      GOLDSET_RETURN_IF_ERROR(store::AnalysisStore::PutAtFinish(
          c, {run.workspace_id, run.id, AnalysisParameters({})}, analysis.Body(run), NowMillis()));
      if (on_ended) GOLDSET_RETURN_IF_ERROR(on_ended(c, run, m));
      return json::serialize(m);
    };
    auto finished = runs.FinishRescoredRun(target.id, outcome.items_copied, failed, finalize);
    if (finished.ok()) {
      outcome.run = std::move(*finished);
      return outcome;
    }
    st = finished.status();
  }
  (void)runs.FailRescoredRun(target.id, "Re-scoring failed: " + st.message());
  return st;
}

}  // namespace goldset::jobs
