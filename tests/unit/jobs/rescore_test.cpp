// Re-scoring reproduces a run bit for bit: every scoring case under tests/cases and a
// generated 10,000-item run are stored as a finished run (scored as ItemExecutor scores),
// re-scored with the run's expected outputs and options, and the new run's results and
// metrics must equal the source's byte for byte. Also: other options and the set's
// current labels change exactly what they should. Both backends.
#include "eval/run_options.h"
#include "jobs/rescore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/clock.h"
#include "common/json.h"
#include "eval/eval.h"
#include "jobs/run_metrics.h"
#include "test_database.h"

namespace goldset::jobs {
namespace {

// The value, or `otherwise` when the call failed.
template <typename T, typename U>
T Or(StatusOr<T> v, U otherwise) {
  return v.ok() ? *v : T(otherwise);
}

namespace fs = std::filesystem;
using store::Connection;
using store::RunRecord;

struct CaseItem {
  json::value expected, actual;
};

class RescoreTest : public store::testing::SeededBackendTest {
 protected:
  static std::string EntityKind(const std::string& case_kind) {
    if (case_kind == "classify") return "classifier";
    if (case_kind == "split") return "splitter";
    return "extractor";
  }

  // Stores a finished run whose items were scored as ItemExecutor::Execute scores them
  // (a scoring-limit failure fails the item without output) and finalized as
  // RunStore::FinishRunIfDone does. Returns the run as stored.
  RunRecord StoreRun(const std::string& id, const std::string& entity_kind, const json::object& config,
                     const json::object& options_json, size_t max_array_rows, const std::vector<CaseItem>& items) {
    RunRecord run;
    run.id = id;
    run.workspace_id = "ws_1";
    run.set_id = "ev_1";
    run.entity_kind = entity_kind;
    run.entity_json = run.entity_version_json = "{}";
    run.config = json::serialize(config);
    run.options = json::serialize(options_json);
    run.status = model::RunStatus::kProcessing;
    run.created_at = run.updated_at = 1;
    eval::Options opts = eval::OptionsFromJson(options_json);
    opts.max_array_rows = max_array_rows;
    eval::ItemScorer scorer(eval::KindOfEntity(entity_kind), config, opts);
    Status st = db->InTransaction(true, [&](Connection& c) -> Status {
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("INSERT INTO evaluation_runs (id, workspace_id, set_id, entity_kind, entity_json, "
                 "entity_version_json, config, "
                 "options, status, num_items, num_done, num_failed, created_at, updated_at) "
                 "VALUES (?, 'ws_1', 'ev_1', ?, '{}', '{}', ?, ?, 'PROCESSING', ?, ?, 0, 1, 1)",
                 {run.id, entity_kind, run.config, run.options, int64_t(items.size()), int64_t(items.size())}));
      int64_t failed = 0;
      for (size_t i = 0; i < items.size(); ++i) {
        auto scored = scorer.Score(items[i].expected, items[i].actual);
        std::vector<store::Param> p{run.id, "evi_" + std::to_string(i), int64_t(i + 1),
                                    json::serialize(items[i].expected)};
        if (scored.ok()) {
          if (i % 7 == 3) (*scored)["warnings"] = json::array{"page 1: damaged image decoded in part"};
          bool correct = scored->at("correct").as_bool();
          GOLDSET_RETURN_IF_ERROR(c.Exec(
              "INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, expected_output, status, "
              "attempts, output, result, correct, latency_ms, num_pages, updated_at) "
              "VALUES (?, ?, ?, 'ws_1', 'file_1', ?, 'PROCESSED', 1, ?, ?, ?, ?, ?, 1)",
              {p[0], p[1], p[2], p[3], json::serialize(items[i].actual), json::serialize(*scored), int64_t{correct},
               int64_t(17 * i % 101 + 3), int64_t(1 + i % 3)}));
        } else {
          ++failed;
          GOLDSET_RETURN_IF_ERROR(c.Exec(
              "INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, expected_output, status, "
              "attempts, error_code, error_message, latency_ms, num_pages, updated_at) "
              "VALUES (?, ?, ?, 'ws_1', 'file_1', ?, 'FAILED', 1, 'POST_PROCESSING_FAILURE', ?, ?, 1, 1)",
              {p[0], p[1], p[2], p[3], scored.status().message(), int64_t(5 + i)}));
        }
      }
      return c.Exec("UPDATE evaluation_runs SET num_failed = ? WHERE id = ?", {failed, run.id});
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    store::RunStore runs(db);
    auto stored = runs.GetRun("ws_1", run.id);
    EXPECT_TRUE(stored.ok());
    auto metrics = ComputeRunMetrics(runs, nullptr, *stored);
    EXPECT_TRUE(metrics.ok());
    std::string status = stored->num_failed == stored->num_items && stored->num_items > 0 ? "FAILED" : "PROCESSED";
    EXPECT_TRUE(db->Acquire()
                    ->Exec("UPDATE evaluation_runs SET status = ?, metrics = ? WHERE id = ?",
                           {status, json::serialize(*metrics), run.id})
                    .ok());
    return *runs.GetRun("ws_1", run.id);
  }

  StatusOr<RescoreOutcome> Rescore(const RunRecord& source, const std::string& new_id, const std::string& options,
                                   bool current, size_t max_array_rows) {
    RunRecord target = source;
    target.id = new_id;
    target.options = options;
    target.metrics.reset();
    target.created_at = target.updated_at = 2;
    store::RunStore runs(db);
    store::RescoreStore jobs(db);
    return RescoreNow(jobs, runs, source, target, current, max_array_rows, nullptr, 2);
  }

  // Every item's status, result and flags, in order, as stored.
  std::vector<std::string> Items(const std::string& run_id) {
    store::RunStore runs(db);
    std::vector<std::string> out;
    EXPECT_TRUE(runs.ForEachFinishedItem(
                        run_id,
                        [&](const store::RunItemRecord& it) {
                          out.push_back(it.item_id + "|" + model::ToString(it.status) + "|" + it.result.value_or("-") +
                                        "|" + (it.correct ? (*it.correct ? "1" : "0") : "-") + "|" +
                                        it.output.value_or("-") + "|" + std::to_string(it.latency_ms.value_or(-1)) +
                                        "|" + std::to_string(it.num_pages.value_or(-1)) + "|" +
                                        it.error_code.value_or("-"));
                        })
                    .ok());
    return out;
  }
};

TEST_P(RescoreTest, EveryScoringCaseReproducesBitForBit) {
  int checked = 0;
  for (const auto& e : fs::recursive_directory_iterator(GOLDSET_CASES_DIR)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = ParseJson(ss.str());
    ASSERT_TRUE(parsed.ok()) << e.path();
    const json::object& c = parsed->as_object();
    SCOPED_TRACE(e.path().string());
    // Metric parity cases (anls, ted) score no run; only run-shaped cases are re-scored.
    const json::value* case_kind = c.if_contains("kind");
    if (!case_kind || !case_kind->is_string() ||
        (case_kind->as_string() != "extract" && case_kind->as_string() != "classify" &&
         case_kind->as_string() != "split"))
      continue;
    const json::object& expect = c.at("expect").as_object();
    if (const json::value* v = expect.if_contains("optionsValid"); v && !v->as_bool()) continue;
    std::string kind = EntityKind(std::string(c.at("kind").as_string()));
    json::object options{{"fuzzyMatchFields", json::array{}}, {"excludeFields", json::array{}}};
    size_t max_rows = 5000;
    if (const json::value* o = c.if_contains("options")) {
      for (const auto& kv : o->as_object()) {
        if (kv.key() == "maxArrayRows") max_rows = kv.value().to_number<size_t>();
        else options[kv.key()] = kv.value();
      }
    }
    std::vector<CaseItem> items;
    if (const json::value* list = c.if_contains("items")) {
      for (const auto& it : list->as_array()) items.push_back({it.at("expected"), it.at("actual")});
    } else {
      items.push_back({c.at("expected"), c.at("actual")});
    }
    std::string id = "bpr_case" + std::to_string(checked);
    RunRecord source = StoreRun(id, kind, c.at("config").as_object(), options, max_rows, items);
    auto outcome = Rescore(source, id + "_r", source.options, false, max_rows);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    ASSERT_TRUE(outcome->run);
    EXPECT_EQ(outcome->run->status, source.status);
    ASSERT_TRUE(outcome->run->metrics && source.metrics);
    EXPECT_EQ(*outcome->run->metrics, *source.metrics);
    EXPECT_EQ(outcome->run->rescored_from.value_or(""), source.id);
    EXPECT_EQ(Items(outcome->run->id), Items(source.id));
    ++checked;
  }
  EXPECT_GE(checked, 150);
}

// A generated extractor run: strings (one fuzzy), numbers, dates, nested objects and an
// array of objects; about a fifth of the values wrong, some missing, some null.
std::vector<CaseItem> GeneratedItems(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<uint32_t>(k)); };
  std::vector<CaseItem> out;
  for (int i = 0; i < n; ++i) {
    json::object v{{"invoice_number", "INV-" + std::to_string(1000 + i)},
                   {"vendor", json::object{{"name", "Vendor " + std::to_string(i % 37)}, {"city", "Lyon"}}},
                   {"total", 100.0 + i * 0.25},
                   {"date", "2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10)}};
    json::array lines;
    for (int k = 0; k < 1 + i % 3; ++k)
      lines.push_back(json::object{{"description", "Item " + std::to_string(k)}, {"amount", k * 1.5 + i}});
    v["line_items"] = lines;
    json::object a = v;
    if (pick(5) == 0) a["invoice_number"] = "INV-" + std::to_string(1001 + i);
    if (pick(6) == 0) a["vendor"].as_object()["name"] = "Vendr " + std::to_string(i % 37);
    if (pick(7) == 0) a["total"] = 100.0 + i * 0.25 + 1;
    if (pick(9) == 0) a["date"] = nullptr;
    if (pick(8) == 0) a["line_items"].as_array().back().as_object()["amount"] = -1;
    if (pick(11) == 0) a.erase("vendor");
    out.push_back({json::object{{"value", v}}, json::object{{"value", a}, {"metadata", json::object{}}}});
  }
  return out;
}

json::object GeneratedConfig() {
  auto str = [] { return json::object{{"type", json::array{"string", "null"}}}; };
  auto num = [] { return json::object{{"type", json::array{"number", "null"}}}; };
  json::object vendor{{"type", json::array{"object", "null"}},
                      {"properties", json::object{{"name", str()}, {"city", str()}}}};
  json::object line{{"type", "object"}, {"properties", json::object{{"description", str()}, {"amount", num()}}}};
  json::object props{{"invoice_number", str()},
                     {"vendor", vendor},
                     {"total", num()},
                     {"date", json::object{{"type", json::array{"string", "null"}}, {"format", "date"}}},
                     {"line_items", json::object{{"type", "array"}, {"items", line}}}};
  return json::object{{"schema", json::object{{"type", "object"}, {"properties", props}}}};
}

TEST_P(RescoreTest, GeneratedTenThousandItemRunReproducesBitForBit) {
  const json::object options{
      {"fuzzyMatchFields", json::array{"vendor.name"}}, {"excludeFields", json::array{}}, {"fuzzyThreshold", 0.8}};
  RunRecord source = StoreRun("bpr_gen", "extractor", GeneratedConfig(), options, 5000, GeneratedItems(10000, 7));
  auto outcome = Rescore(source, "bpr_gen_r", source.options, false, 5000);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->items_copied, 10000);
  EXPECT_EQ(outcome->items_rescored, 10000);
  ASSERT_TRUE(outcome->run->metrics);
  EXPECT_EQ(*outcome->run->metrics, *source.metrics);
  EXPECT_EQ(Items("bpr_gen_r"), Items("bpr_gen"));

  // Other options change the metrics: without fuzzy matching "Vendr 3" is wrong.
  auto strict = Rescore(source, "bpr_gen_strict", R"({"fuzzyMatchFields":[],"excludeFields":[]})", false, 5000);
  ASSERT_TRUE(strict.ok());
  auto before = ParseJson(*source.metrics), after = ParseJson(*strict->run->metrics);
  double fuzzy_acc = before->at("fieldMetrics").at("vendor.name").at("accuracy").to_number<double>();
  double strict_acc = after->at("fieldMetrics").at("vendor.name").at("accuracy").to_number<double>();
  EXPECT_LT(strict_acc, fuzzy_acc);
  EXPECT_EQ(after->at("fieldMetrics").at("total"), before->at("fieldMetrics").at("total"));
}

TEST_P(RescoreTest, CurrentLabelsAreUsedAndItemsGoneFromTheSetAreLeftOut) {
  std::vector<CaseItem> items = GeneratedItems(20, 3);
  RunRecord source = StoreRun("bpr_cur", "extractor", GeneratedConfig(), json::object{}, 5000, items);
  // At version 9 the set holds items 0..18 (item 19 was deleted at version 8); item 0's
  // label now equals the output. Version 10, made after the re-scored run was created,
  // changes item 1's label: the run still scores against version 9.
  auto c = db->Acquire();
  auto revision = [&](int i, int64_t rev, int64_t version, const std::optional<json::value>& expected) {
    ASSERT_TRUE(c->Exec("INSERT INTO evaluation_item_revisions (set_id, item_id, revision, workspace_id, set_version, "
                        "file_id, expected_output, reason, changed_by_type, changed_at) "
                        "VALUES ('ev_1', ?, ?, 'ws_1', ?, 'file_1', ?, 'update', 'api_key', 0)",
                        {"evi_" + std::to_string(i), rev, version,
                         expected ? store::Param(json::serialize(*expected)) : store::Param(store::Null{})})
                    .ok());
  };
  for (int i = 0; i < 20; ++i) revision(i, 1, 1, items[i].expected);
  revision(19, 2, 8, std::nullopt);
  revision(0, 2, 9, json::value(json::object{{"value", items[0].actual.at("value")}}));
  for (int i = 0; i < 19; ++i) {
    json::value expected =
        i == 0 ? json::value(json::object{{"value", items[0].actual.at("value")}}) : items[i].expected;
    ASSERT_TRUE(
        c->Exec("INSERT INTO evaluation_set_items (id, workspace_id, set_id, file_id, expected_output, created_at, "
                "updated_at) VALUES (?, 'ws_1', 'ev_1', 'file_1', ?, ?, ?)",
                {"evi_" + std::to_string(i), json::serialize(expected), int64_t{i}, int64_t{i}})
            .ok());
  }
  ASSERT_TRUE(c->Exec("UPDATE evaluation_sets SET version = 9 WHERE id = 'ev_1'").ok());
  RunRecord target = source;
  target.id = "bpr_cur_r";
  target.manifest = "{}";
  store::RunStore runs(db);
  store::RescoreStore jobs(db);
  ASSERT_TRUE(jobs.Create(&target, source, true).ok());
  revision(1, 2, 10, json::value(json::object{{"value", items[1].actual.at("value")}}));
  ASSERT_TRUE(c->Exec("UPDATE evaluation_sets SET version = 10 WHERE id = 'ev_1'").ok());
  c.reset();
  auto job = jobs.Claim("w", NowMillis(), 60000);
  ASSERT_TRUE(job.ok() && *job);
  auto outcome = WorkRescore(jobs, runs, **job, 5000, nullptr, 3);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_TRUE(outcome->run);
  EXPECT_EQ(outcome->items_copied, 19);
  EXPECT_EQ(outcome->run->set_version.value_or(-1), 9);
  auto item0 = runs.GetItem("bpr_cur_r", "evi_0");
  ASSERT_TRUE(item0.ok());
  EXPECT_TRUE(item0->correct.value_or(false));
  EXPECT_EQ(runs.GetItem("bpr_cur_r", "evi_1")->expected_output, json::serialize(items[1].expected));
  EXPECT_EQ(runs.GetItem("bpr_cur_r", "evi_19").status().code(), Status::Code::kNotFound);
  auto manifest = ParseJson(*outcome->run->manifest);
  EXPECT_EQ(manifest->at("evaluationSetVersion").to_number<int64_t>(), 9);
}

// A worker that dies mid-job: it wrote part of the run, then stopped renewing. The next
// claim starts over and ends the run exactly as an uninterrupted one; the dead worker's
// late writes are refused.
TEST_P(RescoreTest, AClaimThatLapsedMidJobIsStartedOverAndItsLateWritesAreRefused) {
  const json::object options{{"fuzzyMatchFields", json::array{"vendor.name"}}, {"excludeFields", json::array{}}};
  RunRecord source = StoreRun("bpr_src", "extractor", GeneratedConfig(), options, 5000, GeneratedItems(2500, 5));
  RunRecord target = source;
  target.id = "bpr_resumed";
  target.metrics.reset();
  store::RunStore runs(db);
  store::RescoreStore jobs(db);
  ASSERT_TRUE(jobs.Create(&target, source, false).ok());
  EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", "bpr_resumed")->status), "PENDING");
  auto dead = jobs.Claim("dead-worker", NowMillis(), 60000, "node-a");
  ASSERT_TRUE(dead.ok() && *dead);
  EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", "bpr_resumed")->status), "PROCESSING");
  // Its first page, partly wrong (as if scored under other rules), then it dies.
  ASSERT_TRUE(Or(jobs.BeginAttempt(**dead, 2500), false));
  auto page = runs.ListItems("bpr_src", 0, 700);
  ASSERT_TRUE(page.ok());
  for (auto& it : *page) {
    it.run_id = "bpr_resumed";
    it.correct = false;
  }
  ASSERT_TRUE(Or(jobs.InsertItems(**dead, *page, 0), false));
  EXPECT_EQ(runs.GetRun("ws_1", "bpr_resumed")->num_done, 700);
  // Nothing is due while the lease holds; the restarted node takes it back at once.
  auto early = jobs.Claim("live-worker", NowMillis(), 60000);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(*early);
  EXPECT_EQ(Or(jobs.ExpireClaimsOfNode("node-a"), 0), 1);
  auto live = jobs.Claim("live-worker", NowMillis(), 60000, "node-a");
  ASSERT_TRUE(live.ok() && *live);
  EXPECT_EQ((*live)->attempts, 2);
  auto outcome = WorkRescore(jobs, runs, **live, 5000, nullptr, 2);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_TRUE(outcome->run);
  EXPECT_STREQ(model::ToString(outcome->run->status), "PROCESSED");
  EXPECT_EQ(outcome->run->num_items, 2500);
  EXPECT_EQ(*outcome->run->metrics, *source.metrics);
  EXPECT_EQ(Items("bpr_resumed"), Items("bpr_src"));
  // The dead worker comes back: nothing it writes lands.
  EXPECT_FALSE(Or(jobs.InsertItems(**dead, *page, 0), true));
  EXPECT_FALSE(Or(jobs.BeginAttempt(**dead, 2500), true));
  auto late =
      jobs.Finish(**dead, [](Connection&, const RunRecord&) -> StatusOr<std::string> { return std::string("{}"); });
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(*late);
  EXPECT_EQ(Items("bpr_resumed"), Items("bpr_src"));
  EXPECT_EQ(runs.GetRun("ws_1", "bpr_resumed")->num_done, 2500);
  auto none = jobs.Claim("another", NowMillis() + 3600000, 60000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none) << "the job ended with its run";
}

TEST_P(RescoreTest, ARescoredRunCancelledBeforeItIsWorkedEndsCancelled) {
  RunRecord source = StoreRun("bpr_c", "extractor", GeneratedConfig(), json::object{}, 5000, GeneratedItems(30, 2));
  RunRecord target = source;
  target.id = "bpr_c_r";
  store::RunStore runs(db);
  store::RescoreStore jobs(db);
  ASSERT_TRUE(jobs.Create(&target, source, false).ok());
  auto cancelling = runs.Cancel(
      "ws_1", "bpr_c_r", [](Connection&, const RunRecord&) -> StatusOr<std::string> { return std::string("{}"); });
  ASSERT_TRUE(cancelling.ok());
  EXPECT_STREQ(model::ToString(cancelling->status), "CANCELLING");
  auto job = jobs.Claim("w", NowMillis(), 60000);
  ASSERT_TRUE(job.ok() && *job);
  auto outcome = WorkRescore(jobs, runs, **job, 5000, nullptr, 2);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_TRUE(outcome->run);
  EXPECT_STREQ(model::ToString(outcome->run->status), "CANCELLED");
  EXPECT_EQ(outcome->run->num_items, 0);
  EXPECT_TRUE(outcome->run->metrics);
}

// A worker died mid-job, then the run was cancelled: the next claim removes the dead
// attempt's items and ends the run CANCELLED with counters that agree with its items.
TEST_P(RescoreTest, ARescoredRunCancelledAfterADeadAttemptEndsWithConsistentCounters) {
  RunRecord source = StoreRun("bpr_d", "extractor", GeneratedConfig(), json::object{}, 5000, GeneratedItems(40, 4));
  RunRecord target = source;
  target.id = "bpr_d_r";
  store::RunStore runs(db);
  store::RescoreStore jobs(db);
  ASSERT_TRUE(jobs.Create(&target, source, false).ok());
  auto dead = jobs.Claim("dead", NowMillis(), 60000, "node-a");
  ASSERT_TRUE(dead.ok() && *dead);
  ASSERT_TRUE(Or(jobs.BeginAttempt(**dead, 40), false));
  auto page = runs.ListItems("bpr_d", 0, 15);
  ASSERT_TRUE(page.ok());
  for (auto& it : *page) it.run_id = "bpr_d_r";
  ASSERT_TRUE(Or(jobs.InsertItems(**dead, *page, 0), false));
  auto cancelling = runs.Cancel(
      "ws_1", "bpr_d_r", [](Connection&, const RunRecord&) -> StatusOr<std::string> { return std::string("{}"); });
  ASSERT_TRUE(cancelling.ok());
  EXPECT_STREQ(model::ToString(cancelling->status), "CANCELLING");
  ASSERT_EQ(Or(jobs.ExpireClaimsOfNode("node-a"), 0), 1);
  auto job = jobs.Claim("w", NowMillis(), 60000);
  ASSERT_TRUE(job.ok() && *job);
  auto outcome = WorkRescore(jobs, runs, **job, 5000, nullptr, 2);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_TRUE(outcome->run);
  EXPECT_STREQ(model::ToString(outcome->run->status), "CANCELLED");
  auto stored = runs.GetRun("ws_1", "bpr_d_r");
  EXPECT_EQ(stored->num_done, static_cast<int64_t>(Items("bpr_d_r").size()));
  EXPECT_EQ(stored->num_items, stored->num_done);
}

GOLDSET_BACKENDS(RescoreTest);

}  // namespace
}  // namespace goldset::jobs
