// webhooks/run_events.h: which events end a run, and that they land in the outbox with the
// payload and resource the caller gives.
#include "webhooks/run_events.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/clock.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_database.h"
#include "store/tenancy_store.h"
#include "webhooks/webhooks.h"

namespace goldset::webhooks {
namespace {

store::RunRecord RunWithStatus(const std::string& status) {
  store::RunRecord run;
  run.id = "bpr_1";
  run.status = *model::ParseRunStatus(status);
  run.entity_json = R"({"object":"extractor","id":"ex_A"})";
  run.num_items = 3;
  return run;
}

TEST(RunEvents, EvaluationRunOutcomes) {
  EXPECT_EQ(RunEndedEventTypes(RunWithStatus("PROCESSED")),
            (std::vector<std::string>{"evaluation_set_run.processed", "batch_processor_run.processed"}));
  EXPECT_EQ(RunEndedEventTypes(RunWithStatus("FAILED")),
            (std::vector<std::string>{"evaluation_set_run.failed", "batch_processor_run.failed"}));
  // A cancelled run has no batch_processor_run event.
  EXPECT_EQ(RunEndedEventTypes(RunWithStatus("CANCELLED")), (std::vector<std::string>{"evaluation_set_run.cancelled"}));
}

TEST(RunEvents, ProcessorRunOutcomes) {
  store::ProcessorRunRecord r;
  for (auto [kind, status, want] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"extractor", "PROCESSED", "extract_run.processed"},
           {"extractor", "FAILED", "extract_run.failed"},
           {"classifier", "PROCESSED", "classify_run.processed"},
           {"splitter", "FAILED", "split_run.failed"}}) {
    r.kind = kind;
    r.status = *model::ParseProcessorRunStatus(status);
    EXPECT_EQ(ProcessorRunEndedEventType(r), want) << kind << " " << status;
  }
}

TEST(RunEvents, BatchOfProcessorRunsOutcomes) {
  store::RunBatch b;
  b.processed = 2;
  b.failed = 1;
  EXPECT_EQ(BatchRunEndedEventType(b), "batch_processor_run.processed");  // some failed
  b.cancelled = 3;
  EXPECT_EQ(BatchRunEndedEventType(b), "batch_processor_run.processed");
  b = store::RunBatch{};
  b.failed = 2;
  EXPECT_EQ(BatchRunEndedEventType(b), "batch_processor_run.failed");  // every run failed
  b = store::RunBatch{};
  b.cancelled = 2;
  EXPECT_EQ(BatchRunEndedEventType(b), "");  // every run cancelled: no event
  b.failed = 1;
  EXPECT_EQ(BatchRunEndedEventType(b), "batch_processor_run.processed");
}

class RunEventsOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("goldset-run-events-test-" + std::to_string(NowMillis()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto db = store::OpenSqlite((dir_ / "t.db").string());
    ASSERT_TRUE(db.ok());
    db_ = *db;
    ASSERT_TRUE(store::ApplyMigrations(*db_).ok());
    auto ws = store::TenancyStore(db_).CreateOrganization("org", "ws");
    ASSERT_TRUE(ws.ok());
    ws_ = ws->id;
    // One endpoint subscribed to the run events of entity ex_A only.
    WebhookStore hooks(db_);
    Endpoint e;
    e.id = "wh_1";
    e.workspace_id = ws_;
    e.url = "http://127.0.0.1:9/hook";
    e.name = "e";
    e.api_version = kApiVersion;
    e.signing_secret = NewSigningSecret();
    e.created_at = e.updated_at = NowMillis();
    ASSERT_TRUE(hooks.CreateEndpoint(e).ok());
    Subscription s;
    s.id = "whes_1";
    s.workspace_id = ws_;
    s.webhook_endpoint_id = e.id;
    s.resource_type = "extractor";
    s.resource_id = "ex_A";
    auto sub = hooks.UpsertSubscription(s, [](const Endpoint&) {
      return StatusOr<std::vector<std::string>>(std::vector<std::string>{
          "evaluation_set_run.processed", "batch_processor_run.processed", "extract_run.failed"});
    });
    ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // (event_type, payload) of every event written, in order.
  std::vector<std::pair<std::string, std::string>> Events() {
    auto rows = db_->Acquire()->Query("SELECT event_type, payload FROM webhook_events ORDER BY created_at, rowid");
    std::vector<std::pair<std::string, std::string>> out;
    if (rows.ok())
      for (const auto& r : *rows) out.emplace_back(r.Text(0), r.Text(1));
    return out;
  }

  std::filesystem::path dir_;
  std::shared_ptr<store::Database> db_;
  std::string ws_;
};

TEST_F(RunEventsOutboxTest, RunEndedEnqueuesBothEventsForTheEntity) {
  store::RunRecord run = RunWithStatus("PROCESSED");
  run.workspace_id = ws_;
  ASSERT_TRUE(db_->InTransaction(
                     true,
                     [&](store::Connection& tx) {
                       return EnqueueRunEnded(tx, run, json::object{{"object", "evaluation_set_run"}, {"id", run.id}});
                     })
                  .ok());
  auto events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].first, "evaluation_set_run.processed");
  EXPECT_NE(events[0].second.find("\"evaluation_set_run\""), std::string::npos) << events[0].second;
  EXPECT_EQ(events[1].first, "batch_processor_run.processed");
  EXPECT_NE(events[1].second.find("\"runCount\":3"), std::string::npos) << events[1].second;
}

TEST_F(RunEventsOutboxTest, ProcessorRunEndedMatchesTheProcessorId) {
  store::ProcessorRunRecord r;
  r.workspace_id = ws_;
  r.kind = "extractor";
  r.status = model::ProcessorRunStatus::kFailed;
  r.processor_json = R"({"object":"extractor","id":"ex_A"})";
  ASSERT_TRUE(db_->InTransaction(true,
                                 [&](store::Connection& tx) {
                                   return EnqueueProcessorRunEnded(tx, r, json::object{{"object", "extract_run"}});
                                 })
                  .ok());
  // Another processor: the subscription does not match, nothing is written.
  r.processor_json = R"({"object":"extractor","id":"ex_B"})";
  ASSERT_TRUE(db_->InTransaction(true,
                                 [&](store::Connection& tx) {
                                   return EnqueueProcessorRunEnded(tx, r, json::object{{"object", "extract_run"}});
                                 })
                  .ok());
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "extract_run.failed");
}

TEST_F(RunEventsOutboxTest, BatchRunEndedMatchesTheProcessorOfItsRuns) {
  store::RunBatch b;
  b.id = "bpr_2";
  b.workspace_id = ws_;
  b.run_count = 2;
  b.processed = 2;
  store::ProcessorRunRecord last;
  last.processor_json = R"({"object":"extractor","id":"ex_A"})";
  const json::object payload{{"object", "batch_run"}, {"id", b.id}, {"runCount", 2}};
  auto enqueue = [&] {
    return db_->InTransaction(true, [&](store::Connection& tx) { return EnqueueBatchRunEnded(tx, b, payload, last); });
  };
  ASSERT_TRUE(enqueue().ok());
  b.processed = 0;
  b.cancelled = 2;  // no event for an all-cancelled batch
  ASSERT_TRUE(enqueue().ok());
  b.cancelled = 0;
  b.processed = 2;
  last.processor_json = R"({"object":"extractor","id":"ex_B"})";  // not subscribed
  ASSERT_TRUE(enqueue().ok());
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "batch_processor_run.processed");
  EXPECT_EQ(events[0].second, ToJson(payload));
}

}  // namespace
}  // namespace goldset::webhooks
