#include "jobs/rescore.h"

#include "jobs/run_metrics.h"

namespace goldset::jobs {

namespace {

constexpr int kPageSize = 1000;

// One item scored as ItemExecutor::Execute scores it: same scorer, same failure on a
// scoring limit, the source result's warnings carried over.
store::RunStore::Rescored ScoreAgain(const eval::ItemScorer& scorer, const store::RunItemRecord& item) {
  store::RunStore::Rescored out;
  out.item_id = item.item_id;
  auto expected = ParseJson(item.expected_output);
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
  if (item.result) {
    auto old = ParseJson(*item.result);
    if (old.ok() && old->is_object())
      if (const json::value* w = old->as_object().if_contains("warnings")) (*scored)["warnings"] = *w;
  }
  if (auto* c = scored->if_contains("correct"); c && c->is_bool()) out.correct = c->as_bool();
  out.result = json::serialize(*scored);
  return out;
}

}  // namespace

StatusOr<RescoreOutcome> RescoreRun(store::RunStore& runs, const store::RunRecord& source, store::RunRecord target,
                                    bool expected_from_set, size_t max_array_rows,
                                    const store::RunFinalizer& finalize) {
  auto config = ParseJson(target.config);
  auto options = ParseJson(target.options);
  if (!config.ok() || !config->is_object() || !options.ok() || !options->is_object())
    return Status::Internal("run " + source.id + " has a corrupt config snapshot");
  eval::Options opts = OptionsOf(options->as_object());
  opts.max_array_rows = max_array_rows;
  eval::ItemScorer scorer(KindOf(target.entity_kind), config->as_object(), opts);

  RescoreOutcome outcome;
  auto copied = runs.CreateCopiedRun(&target, source.id, expected_from_set);
  if (!copied.ok()) return copied.status();
  outcome.items_copied = *copied;

  auto work = [&]() -> Status {
    int64_t after = 0;
    std::vector<store::RunStore::Rescored> batch;
    for (;;) {
      auto items = runs.ListItems(target.id, after, kPageSize);
      if (!items.ok()) return items.status();
      if (items->empty()) return Status::OK();
      batch.clear();
      for (const auto& item : *items) {
        after = item.seq;
        if (item.status != "PROCESSED") continue;
        batch.push_back(ScoreAgain(scorer, item));
      }
      outcome.items_rescored += static_cast<int64_t>(batch.size());
      GOLDSET_RETURN_IF_ERROR(runs.WriteRescored(target.id, batch));
    }
  };
  Status st = work();
  if (st.ok()) {
    store::RunFinalizer fin = finalize;
    if (!fin) {
      fin = [&runs](store::Connection& c, const store::RunRecord& run) -> StatusOr<std::string> {
        auto m = ComputeRunMetrics(runs, &c, run);
        if (!m.ok()) return m.status();
        return json::serialize(*m);
      };
    }
    auto finished = runs.FinishCopiedRun(target.id, fin);
    if (finished.ok()) {
      outcome.run = std::move(*finished);
      return outcome;
    }
    st = finished.status();
  }
  (void)runs.FailCopiedRun(target.id, "Re-scoring failed: " + st.message());
  return st;
}

}  // namespace goldset::jobs
