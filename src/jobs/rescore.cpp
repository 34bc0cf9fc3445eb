#include "jobs/rescore.h"

#include "eval/run_options.h"

#include <algorithm>
#include <future>
#include <thread>

#include "common/clock.h"
#include "common/strings.h"
#include "jobs/run_analysis.h"
#include "jobs/run_end.h"
#include "jobs/run_metrics.h"
#include "store/analysis_store.h"

namespace goldset::jobs {

namespace {

constexpr int kPageSize = 1000;

struct Scored {
  std::optional<json::object> result;  // unset: failed, see error
  std::string result_text;             // result serialized (on the scoring thread)
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
  if (item.result && Contains(*item.result, "\"warnings\"")) {
    auto old = ParseJson(*item.result);
    if (old.ok() && old->is_object())
      if (const json::value* w = old->as_object().if_contains("warnings")) (*scored)["warnings"] = *w;
  }
  out.result_text = json::serialize(*scored);
  out.result = std::move(*scored);
  return out;
}

// Scores the PROCESSED items of a page on `threads` threads, each a contiguous share.
std::vector<Scored> ScorePage(const eval::ItemScorer& scorer, const std::vector<store::RunItemRecord>& items,
                              int threads) {
  std::vector<Scored> scored(items.size());
  auto score_range = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i)
      if (items[i].status == model::ItemStatus::kProcessed)
        scored[i] = ScoreAgain(scorer, items[i], items[i].expected_output);
  };
  const size_t n = static_cast<size_t>(std::max(1, threads));
  const size_t share = (items.size() + n - 1) / n;
  std::vector<std::thread> pool;
  for (size_t t = 1; t < n && t * share < items.size(); ++t)
    pool.emplace_back(score_range, t * share, std::min(items.size(), (t + 1) * share));
  score_range(0, std::min(items.size(), share));
  for (auto& t : pool) t.join();
  return scored;
}

// How many of the source run's items are in `current` (the new run's item count).
StatusOr<int64_t> CountKept(store::RunStore& runs, const std::string& source_id,
                            const std::map<std::string, std::string>& current) {
  int64_t kept = 0;
  Status st = runs.ForEachItemId(source_id, [&](const std::string& id) { kept += current.count(id) ? 1 : 0; });
  if (!st.ok()) return st;
  return kept;
}

}  // namespace

StatusOr<RescoreOutcome> WorkRescore(store::RescoreStore& jobs, store::RunStore& runs, const store::RescoreJob& job,
                                     size_t max_array_rows, const RunEndedHook& on_ended, int threads,
                                     const CancelToken* token) {
  auto target = runs.GetRunAnyWorkspace(job.run_id);
  if (!target.ok()) return target.status();
  auto source = runs.GetRunAnyWorkspace(job.source_run_id);
  if (!source.ok()) return source.status();
  auto config = ParseJson(target->config);
  auto options = ParseJson(target->options);
  if (!config.ok() || !config->is_object() || !options.ok() || !options->is_object())
    return Status::InvalidArgument("run " + source->id + " has a corrupt config snapshot");
  eval::Options opts = eval::OptionsFromJson(options->as_object());
  opts.max_array_rows = max_array_rows;
  const eval::ItemScorer scorer(eval::KindOfEntity(target->entity_kind), config->as_object(), opts);
  RunMetricsAccumulator metrics(*target);
  if (!metrics.ok()) return Status::InvalidArgument("run " + source->id + " has a corrupt config snapshot");
  RunAnalysisAccumulator analysis;  // stored with the final state, as for a worked run

  std::map<std::string, std::string> current;
  int64_t num_items = source->num_items;
  if (job.expected_from_set) {
    if (!target->set_version) return Status::InvalidArgument("re-scored run " + target->id + " records no set version");
    auto at = jobs.ExpectedAtVersion(target->set_id, *target->set_version);
    if (!at.ok()) return at.status();
    current = std::move(*at);
    auto kept = CountKept(runs, source->id, current);
    if (!kept.ok()) return kept.status();
    num_items = *kept;
  }
  auto begun = jobs.BeginAttempt(job, num_items);
  if (!begun.ok()) return begun.status();
  RescoreOutcome outcome;
  if (!*begun) return outcome;  // the claim lapsed: another worker has the job

  const int64_t now = NowMillis();
  int64_t after = 0;
  bool cancelling = false;
  // The previous page's write. A std::async future waits in its destructor, so an early
  // return never leaves a write running that refers to this frame.
  std::future<StatusOr<bool>> pending;
  for (;;) {
    if (token && token->explicitly_cancelled()) return token->reason();
    auto page = jobs.SourcePage(source->id, after, kPageSize);
    if (!page.ok()) return page.status();
    if (page->empty()) break;
    after = page->back().seq;
    std::vector<store::RunItemRecord> items;
    items.reserve(page->size());
    for (auto& src : *page) {
      store::RunItemRecord it = std::move(src);
      if (job.expected_from_set) {
        auto e = current.find(it.item_id);
        if (e == current.end()) continue;  // not in the set at that version
        it.expected_output = e->second;
      }
      it.run_id = target->id;
      it.updated_at = now;
      if (it.status != model::ItemStatus::kProcessed && it.status != model::ItemStatus::kFailed)
        it.status = model::ItemStatus::kCancelled;
      items.push_back(std::move(it));
    }
    std::vector<Scored> scored = ScorePage(scorer, items, threads);
    // In seq order, as ComputeRunMetrics visits them.
    int64_t failed = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      store::RunItemRecord& it = items[i];
      if (it.status == model::ItemStatus::kProcessed) {
        ++outcome.items_rescored;
        if (scored[i].result) {
          const json::object& r = *scored[i].result;
          it.result = std::move(scored[i].result_text);
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
    // The page is written while the next one is read and scored; one write in flight,
    // so pages land in order and a refused write stops the loop one page later.
    if (pending.valid()) {
      auto written = pending.get();
      if (!written.ok()) return written.status();
      if (!*written) {  // cancelled meanwhile, or the claim lapsed: Finish tells which
        cancelling = true;
        break;
      }
    }
    outcome.items_copied += static_cast<int64_t>(items.size());
    pending = std::async(std::launch::async, [&jobs, &job, page_items = std::move(items), failed]() mutable {
      return jobs.InsertItems(job, std::move(page_items), failed);
    });
  }
  if (pending.valid()) {
    auto written = pending.get();
    if (!written.ok()) return written.status();
    if (!*written) cancelling = true;
  }
  auto finalize = [&](store::Connection& c, const store::RunRecord& run) -> StatusOr<std::string> {
    // When some pages were not written, the metrics and analysis cover what was.
    if (cancelling || run.status == model::RunStatus::kCancelled) return EndRunFromWrittenItems(runs, c, run, on_ended);
    return EndRun(c, run, metrics.Build(run), analysis.Body(run), on_ended);
  };
  auto finished = jobs.Finish(job, finalize);
  if (!finished.ok()) return finished.status();
  outcome.run = std::move(*finished);
  return outcome;
}

StatusOr<RescoreOutcome> RescoreNow(store::RescoreStore& jobs, store::RunStore& runs, const store::RunRecord& source,
                                    store::RunRecord target, bool expected_from_set, size_t max_array_rows,
                                    const RunEndedHook& on_ended, int threads) {
  GOLDSET_RETURN_IF_ERROR(jobs.Create(&target, source, expected_from_set));
  auto job = jobs.Claim("rescore-now", NowMillis(), 600000);
  if (!job.ok()) return job.status();
  if (!*job || (*job)->run_id != target.id) return Status::Internal("another re-scoring job was due");
  auto outcome = WorkRescore(jobs, runs, **job, max_array_rows, on_ended, threads);
  if (outcome.ok()) return outcome;
  auto fail_finalize = [&](store::Connection& c, const store::RunRecord& run) -> StatusOr<std::string> {
    return EndRunFromWrittenItems(runs, c, run, on_ended);
  };
  (void)jobs.Fail(**job, "Re-scoring failed: " + outcome.status().message(), fail_finalize);
  return outcome.status();
}

}  // namespace goldset::jobs
