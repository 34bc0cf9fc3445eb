// RunScheduler's claim, lease and retry rules (jobs/run_scheduler.h), end to end on a real
// database, a real blob store and a real HTTP engine endpoint (StubHttpServer):
// retry limit and error reporting, permanent errors, the attempt deadline aborting the
// engine call, a call longer than the lease made once, transient storage errors, shutdown
// releasing claims unspent, a restarted node taking its claims back, a cancel reaching the
// queued items of a claimed batch, finished items landing together yet never held behind a
// slow item.
#include "jobs/run_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/ids.h"
#include "outbound/egress_policy.h"
#include "processors/engine_policy.h"
#include "store/blob_store.h"
#include "store/file_store.h"
#include "store/rescore_store.h"
#include "store/run_store.h"
#include "stub_http_server.h"
#include "test_database.h"

namespace goldset::jobs {

// Runs one worker's claim-and-work step (RunScheduler::ProcessBatch) on the caller's thread,
// with the worker's average item time given, so a test decides how many items one claim takes.
class RunSchedulerTestPeer {
 public:
  static bool ProcessBatch(RunScheduler& s, const std::string& worker, double avg_item_ms) {
    return s.ProcessBatch(worker, &avg_item_ms);
  }
  // The same for a worker that claims ahead (SchedulerConfig::claim_ahead): `pipeline`
  // carries its next batch and its last batch's unlanded items from one call to the next.
  using Pipeline = RunScheduler::Pipeline;
  static bool ProcessBatch(RunScheduler& s, const std::string& worker, double avg_item_ms, Pipeline* pipeline) {
    return s.ProcessBatch(worker, &avg_item_ms, pipeline);
  }
  // What a stopping worker does with its pipeline.
  static void EndPipeline(RunScheduler& s, Pipeline& pipeline) { s.EndPipeline(pipeline); }
};

namespace {

using goldset::testing::StubHttpServer;
using store::Backend;

const char* kOutput = R"({"value":{"invoice_number":"INV-1"}})";

// A blob store whose first `failures` reads fail as a disk I/O error would: the
// scheduler must retry them, not fail the item.
class FlakyBlobStore final : public store::BlobStore {
 public:
  FlakyBlobStore(std::shared_ptr<store::BlobStore> real, int failures) : real_(std::move(real)), failures_(failures) {}
  StatusOr<std::string> PutStream(store::BlobSource& source, const std::string& expected) override {
    return real_->PutStream(source, expected);
  }
  Status GetStream(const std::string& sha, store::BlobSink& sink) override {
    if (failures_.fetch_sub(1) > 0) return Status::Unavailable("blob store: read failed: Input/output error");
    return real_->GetStream(sha, sink);
  }
  StatusOr<bool> Exists(const std::string& sha) override { return real_->Exists(sha); }
  Status Delete(const std::string& sha) override { return real_->Delete(sha); }

 private:
  std::shared_ptr<store::BlobStore> real_;
  std::atomic<int> failures_;
};

// An http engine endpoint whose `gated_call`-th call (the first by default) blocks until
// Open() (bounded by a minute), so the item it serves stays in the engine while the test
// acts; every other call answers at once.
class GatedEngine {
 public:
  explicit GatedEngine(size_t gated_call = 1)
      : gated_call_(gated_call), server_([this](const StubHttpServer::Request&) { return Serve(); }) {}
  ~GatedEngine() { Open(); }
  std::string Url(const std::string& path) const { return server_.Url(path); }
  size_t calls() { return server_.requests().size(); }
  // True once the gated call has arrived (waits up to timeout_ms).
  bool WaitEntered(int timeout_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return entered_; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  StubHttpServer::Response Serve() {
    std::unique_lock<std::mutex> lock(mu_);
    if (++served_ == gated_call_) {
      entered_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::minutes(1), [&] { return open_; });
    }
    return StubHttpServer::Response{200, kOutput};
  }

  const size_t gated_call_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t served_ = 0;                    // guarded by mu_
  bool entered_ = false, open_ = false;  // guarded by mu_
  StubHttpServer server_;                // last: its thread stops before the rest goes
};

class RunSchedulerTest : public store::testing::SeededBackendTest {
 protected:
  void SetUp() override {
    SeededBackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    blob_dir_ = std::filesystem::temp_directory_path() / ("goldset-sched-" + RandomToken(6));
    blobs_ = *store::OpenLocalBlobStore(blob_dir_.string());
    egress_ = *outbound::EgressPolicy::Parse("127.0.0.1/32");
    const std::string text = "Invoice No: INV-1\n";
    model::File f;
    f.id = "file_1";
    f.workspace_id = "ws_1";
    f.name = "invoice.txt";
    f.type = "TXT";
    f.mime_type = "text/plain";
    f.content_sha256 = *blobs_->Put(text);
    f.size_bytes = static_cast<int64_t>(text.size());
    ASSERT_TRUE(store::FileStore(db).Insert(f).ok());
    ASSERT_TRUE(db->Acquire()
                    ->Exec("INSERT INTO evaluation_set_items (id, workspace_id, set_id, file_id, expected_output, "
                           "created_at, updated_at) VALUES ('evi_1', 'ws_1', 'ev_1', 'file_1', ?, 1, 1)",
                           {std::string(kOutput)})
                    .ok());
  }
  void TearDown() override {
    BackendTest::TearDown();
    std::error_code ec;
    std::filesystem::remove_all(blob_dir_, ec);
  }

  // Adds items evi_2 … evi_<last> (of the same file and expected output) to the set.
  void AddItems(int last) {
    auto c = db->Acquire();
    for (int i = 2; i <= last; ++i)
      ASSERT_TRUE(c->Exec("INSERT INTO evaluation_set_items (id, workspace_id, set_id, file_id, expected_output, "
                          "created_at, updated_at) VALUES (?, 'ws_1', 'ev_1', 'file_1', ?, 1, 1)",
                          {"evi_" + std::to_string(i), std::string(kOutput)})
                      .ok());
  }

  // From here on, counts the transactions that land finished items: each updates its runs'
  // counters once (RunStore::CompleteItems), which a trigger counts in test_landings.
  void CountLandings() {
    auto c = db->Acquire();
    ASSERT_TRUE(
        c->ExecScript("CREATE TABLE test_landings (n BIGINT NOT NULL); INSERT INTO test_landings VALUES (0);").ok());
    ASSERT_TRUE(c->ExecScript(GetParam() == Backend::kSqlite
                                  ? "CREATE TRIGGER test_count_landings AFTER UPDATE OF num_done ON evaluation_runs "
                                    "BEGIN UPDATE test_landings SET n = n + 1; END;"
                                  : "CREATE FUNCTION test_count_landing() RETURNS trigger LANGUAGE plpgsql AS "
                                    "$$ BEGIN UPDATE test_landings SET n = n + 1; RETURN NULL; END $$; "
                                    "CREATE TRIGGER test_count_landings AFTER UPDATE OF num_done ON evaluation_runs "
                                    "FOR EACH ROW EXECUTE FUNCTION test_count_landing();")
                    .ok());
  }
  int64_t Landings() {
    auto c = db->Acquire();
    auto n = store::QueryInt(*c, "SELECT n FROM test_landings");
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  // A run of the set's items through an http engine at `url`.
  store::RunRecord CreateRun(const std::string& url) {
    store::RunRecord r;
    r.id = NewId("bpr_");
    r.workspace_id = "ws_1";
    r.set_id = "ev_1";
    r.entity_kind = "extractor";
    r.entity_json = r.entity_version_json = r.options = "{}";
    r.config = R"({"schema":{"type":"object","properties":{"invoice_number":{"type":["string","null"]}}},)"
               R"("engine":{"type":"http","url":")" +
               url + R"(","timeoutMs":20000}})";
    r.status = model::RunStatus::kPending;
    r.created_at = r.updated_at = NowMillis();
    EXPECT_TRUE(store::RunStore(db).CreateRun(&r, {}).ok());
    return r;
  }

  SchedulerConfig Config() {
    SchedulerConfig c;
    c.workers = 2;
    c.lease_ms = 15000;
    c.item_timeout_ms = 20000;
    c.max_attempts = 3;
    c.retry_base_ms = 10;
    c.idle_poll_ms = 20;
    c.egress = &egress_;
    c.engine_policy = &engine_policy_;
    return c;
  }

  std::unique_ptr<RunScheduler> Scheduler(SchedulerConfig c, std::shared_ptr<store::BlobStore> blobs = nullptr) {
    return std::make_unique<RunScheduler>(db, blobs ? blobs : blobs_, std::move(c), nullptr);
  }

  // Runs a scheduler with `c` (and `blobs`) until `run` is finished (bounded), stops it and
  // returns the run's one item.
  store::RunItemRecord RunToEnd(const store::RunRecord& run, SchedulerConfig c,
                                std::shared_ptr<store::BlobStore> blobs = nullptr) {
    auto s = Scheduler(std::move(c), std::move(blobs));
    s->Start();
    store::RunItemRecord item = WaitForItem(run);
    s->Stop();
    return item;
  }

  // Waits (bounded) until the run is finished; returns its one item.
  store::RunItemRecord WaitForItem(const store::RunRecord& run, int timeout_ms = 60000) {
    store::RunStore runs(db);
    const int64_t until = MonotonicMillis() + timeout_ms;
    while (MonotonicMillis() < until) {
      auto r = runs.GetRun("ws_1", run.id);
      if (r.ok() && r->finished()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    auto item = runs.GetItem(run.id, "evi_1");
    EXPECT_TRUE(item.ok());
    return item.ok() ? *item : store::RunItemRecord{};
  }

  std::filesystem::path blob_dir_;
  std::shared_ptr<store::BlobStore> blobs_;
  outbound::EgressPolicy egress_;
  processors::EnginePolicy engine_policy_;  // the documented defaults
};

TEST_P(RunSchedulerTest, TransientEngineErrorsAreRetriedUpToMaxAttemptsThenFailWithTheEngineError) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{503, "overloaded"}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  SchedulerConfig c = Config();
  c.max_attempts = 2;
  store::RunItemRecord item = RunToEnd(run, c);
  EXPECT_EQ(item.status, model::ItemStatus::kFailed);
  EXPECT_EQ(item.attempts, 2);
  EXPECT_EQ(item.error_code.value_or(""), "ENGINE_UNAVAILABLE");
  EXPECT_NE(item.error_message.value_or("").find("http engine returned 503: overloaded"), std::string::npos)
      << item.error_message.value_or("");
  // Each attempt makes the engine call's 3 tries (processors::EngineContext), and no more.
  EXPECT_EQ(engine.requests().size(), 2u * 3u);
}

TEST_P(RunSchedulerTest, PermanentEngineErrorFailsAtOnce) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{422, "bad document"}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunItemRecord item = RunToEnd(run, Config());
  EXPECT_EQ(item.status, model::ItemStatus::kFailed);
  EXPECT_EQ(item.attempts, 1);
  EXPECT_EQ(item.error_code.value_or(""), "FAILED_TO_PROCESS_FILE");
  EXPECT_EQ(engine.requests().size(), 1u);
}

TEST_P(RunSchedulerTest, AttemptDeadlineAbortsTheEngineCall) {
  // The engine would answer correctly after 2 s; the attempt's deadline is 300 ms. Had the
  // call not been aborted, the item would have been PROCESSED with that answer.
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput, 2000}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  SchedulerConfig c = Config();
  c.workers = 1;
  c.item_timeout_ms = 300;
  c.max_attempts = 1;
  store::RunItemRecord item = RunToEnd(run, c);
  EXPECT_EQ(item.status, model::ItemStatus::kFailed);
  EXPECT_EQ(item.error_code.value_or(""), "TIMEOUT");
  EXPECT_NE(item.error_message.value_or("").find("--item-timeout-ms 300"), std::string::npos)
      << item.error_message.value_or("");
  EXPECT_EQ(engine.requests().size(), 1u) << "the deadline ends the retries of the call too";
}

TEST_P(RunSchedulerTest, CallLongerThanTheLeaseIsMadeOnce) {
  // A 1.5 s call under a 300 ms lease: the heartbeat keeps the claim, so neither this
  // worker's peer nor a retry calls the engine a second time.
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput, 1500}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  SchedulerConfig c = Config();
  c.lease_ms = 300;
  store::RunItemRecord item = RunToEnd(run, c);
  EXPECT_EQ(item.status, model::ItemStatus::kProcessed) << item.error_message.value_or("");
  EXPECT_EQ(item.attempts, 1);
  EXPECT_EQ(engine.requests().size(), 1u);
}

TEST_P(RunSchedulerTest, TransientStorageErrorIsRetried) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunItemRecord item = RunToEnd(run, Config(), std::make_shared<FlakyBlobStore>(blobs_, 1));
  EXPECT_EQ(item.status, model::ItemStatus::kProcessed) << item.error_message.value_or("");
  EXPECT_EQ(item.attempts, 2);
}

TEST_P(RunSchedulerTest, ShutdownReleasesUnfinishedClaimsWithoutSpendingAnAttempt) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput, 3000}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  auto s = Scheduler(Config());
  s->Start();
  for (int i = 0; i < 500 && engine.requests().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(engine.requests().size(), 1u);
  s->Stop(/*drain_ms=*/50);
  store::RunStore runs(db);
  auto item = runs.GetItem(run.id, "evi_1");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->status, model::ItemStatus::kProcessing);
  EXPECT_EQ(item->attempts, 0) << "a released claim does not count as an attempt";
  EXPECT_EQ(item->lease_owner, "");
  // Claimable at once by anyone, without waiting for a lease to lapse.
  auto again = runs.ClaimItem("next-process", NowMillis(), 60000);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->attempts, 1);
}

TEST_P(RunSchedulerTest, RestartedNodeTakesItsClaimsBackAtOnce) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunStore runs(db);
  // The previous process of node-a claimed the item with a 10-minute lease, then died.
  auto dead = runs.ClaimItem("node-a/old/w0:x", NowMillis(), 600000, "node-a");
  ASSERT_TRUE(dead.ok() && dead->has_value());
  // Another node's claim is not touched.
  SchedulerConfig other = Config();
  other.node = "node-b";
  EXPECT_EQ(*Scheduler(other)->TakeBackClaims(), 0);

  SchedulerConfig c = Config();
  c.node = "node-a";
  auto s = Scheduler(c);
  EXPECT_EQ(*s->TakeBackClaims(), 1);
  s->Start();
  store::RunItemRecord item = WaitForItem(run, 20000);  // far less than the 10-minute lease
  s->Stop();
  EXPECT_EQ(item.status, model::ItemStatus::kProcessed);
  EXPECT_EQ(item.attempts, 2) << "the dead process's attempt still counts";
  EXPECT_EQ(engine.requests().size(), 1u);
}

TEST_P(RunSchedulerTest, ItemLostByDeadWorkersMoreThanMaxAttemptsIsAborted) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunStore runs(db);
  for (int i = 0; i < 2; ++i) {  // two workers died mid-attempt (their leases lapsed)
    auto dead = runs.ClaimItem("dead:" + std::to_string(i), NowMillis(), 1);
    ASSERT_TRUE(dead.ok() && dead->has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  SchedulerConfig c = Config();
  c.max_attempts = 2;
  store::RunItemRecord item = RunToEnd(run, c);
  EXPECT_EQ(item.status, model::ItemStatus::kFailed);
  EXPECT_EQ(item.error_code.value_or(""), "ABORTED");
  EXPECT_NE(item.error_message.value_or("").find("worker lost"), std::string::npos);
  EXPECT_EQ(engine.requests().size(), 0u);
}

// A cancel reaches the items a worker claimed in one batch but has not started: they end
// CANCELLED without an engine call (RunStore::CancelIfRunCancelling), the item in the engine
// ends as its outcome dictates, and the run ends CANCELLED with nothing left claimed.
TEST_P(RunSchedulerTest, CancelEndsTheQueuedItemsOfAClaimedBatchWithoutRunningThem) {
  AddItems(8);
  GatedEngine engine;
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunStore runs(db);
  auto s = Scheduler(Config());  // not started: the thread below is its one worker
  std::atomic<bool> worked{false};
  // An average of 1 ms per item: the claim takes up to 32 items, so all 8 in one batch.
  std::thread worker([&] { worked = RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0); });
  const bool entered = engine.WaitEntered(60000);
  std::string owner;
  if (entered) {
    auto claimed = runs.ListItems(run.id, -1, 100);
    EXPECT_TRUE(claimed.ok());
    if (claimed.ok()) {
      EXPECT_EQ(claimed->size(), 8u);
      owner = claimed->empty() ? "" : claimed->front().lease_owner;
      for (const auto& item : *claimed) {
        EXPECT_STREQ(model::ToString(item.status), "PROCESSING") << item.item_id;
        EXPECT_EQ(item.lease_owner, owner) << item.item_id << ": all claimed by one batch";
      }
    }
    auto cancelling = runs.Cancel("ws_1", run.id, s->Finalizer());
    EXPECT_TRUE(cancelling.ok());
    if (cancelling.ok()) {
      EXPECT_STREQ(model::ToString(cancelling->status), "CANCELLING");
    }
    // Past the batch's target time (100 ms), after which each queued item checks its run.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  engine.Open();
  worker.join();
  ASSERT_TRUE(entered) << "the first item never reached the engine";
  EXPECT_TRUE(worked.load());
  EXPECT_FALSE(owner.empty());
  EXPECT_EQ(engine.calls(), 1u) << "only the item already in the engine calls it";

  auto items = runs.ListItems(run.id, -1, 100);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 8u);
  const store::RunItemRecord& first = items->front();
  EXPECT_STREQ(model::ToString(first.status), "PROCESSED") << first.error_message.value_or("");
  EXPECT_EQ(first.correct, std::optional<bool>(true));
  EXPECT_EQ(first.attempts, 1);
  for (size_t i = 1; i < items->size(); ++i) {
    EXPECT_STREQ(model::ToString((*items)[i].status), "CANCELLED") << (*items)[i].item_id;
    EXPECT_FALSE((*items)[i].output) << (*items)[i].item_id;
  }
  auto ended = runs.GetRun("ws_1", run.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_STREQ(model::ToString(ended->status), "CANCELLED");
  EXPECT_EQ(ended->num_done, 8);
  EXPECT_TRUE(ended->metrics);
  // Nothing is left claimed: not even leases long expired are claimable.
  auto again = runs.ClaimItems("later", NowMillis() + 3600000, 1000, "", 32);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

// The items of a claimed batch that finish within completion_hold_ms of each other land in
// one transaction, not one each (PostgreSQL: a few round trips per transaction).
TEST_P(RunSchedulerTest, FinishedItemsOfABatchLandInOneTransaction) {
  AddItems(20);
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  CountLandings();
  SchedulerConfig c = Config();
  c.completion_hold_ms = 600000;  // longer than the batch can take, however busy the machine
  auto s = Scheduler(c);
  // An average of 1 ms per item: the claim takes all 20 (up to 32).
  EXPECT_TRUE(RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0));
  EXPECT_EQ(Landings(), 1) << "one landing for the batch, not one per item";
  auto ended = store::RunStore(db).GetRun("ws_1", run.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_STREQ(model::ToString(ended->status), "PROCESSED");
  EXPECT_EQ(ended->num_done, 20);
  EXPECT_EQ(engine.requests().size(), 20u);
}

// The same through started workers at the default bound: fast items share landings.
TEST_P(RunSchedulerTest, FastItemsShareLandingsAtTheDefaultBound) {
  AddItems(40);
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  CountLandings();
  SchedulerConfig c = Config();
  c.workers = 1;
  ASSERT_EQ(c.completion_hold_ms, SchedulerConfig{}.completion_hold_ms);
  auto s = Scheduler(c);
  s->Start();
  EXPECT_STREQ(model::ToString(WaitForItem(run).status), "PROCESSED");
  s->Stop();
  auto ended = store::RunStore(db).GetRun("ws_1", run.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_STREQ(model::ToString(ended->status), "PROCESSED");
  EXPECT_EQ(ended->num_done, 40);
  const int64_t landings = Landings();
  EXPECT_GE(landings, 1);
  EXPECT_LT(landings, 40) << "some items landed together";
}

// A worker whose claims come back full (fast items) claims its next batch while it works
// the current one, and leaves the current one's last landing to the task that claims the
// batch after (SchedulerConfig::claim_ahead; the default on PostgreSQL). Every item still
// runs once, in one attempt, and the run ends with all of them.
TEST_P(RunSchedulerTest, AFullBatchClaimsTheNextWhileItIsWorked) {
  AddItems(70);
  GatedEngine engine;
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunStore runs(db);
  SchedulerConfig c = Config();
  c.claim_ahead = true;
  c.completion_hold_ms = 600000;  // a batch lands at its end, however busy the machine
  auto s = Scheduler(c);          // not started: this test is its one worker
  RunSchedulerTestPeer::Pipeline pipeline;
  std::atomic<bool> worked{false};
  // An average of 1 ms per item: each claim takes 32 items.
  std::thread worker([&] { worked = RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0, &pipeline); });
  const bool entered = engine.WaitEntered(60000);
  std::map<std::string, int> owners;  // lease owner -> items claimed under it
  const int64_t until = MonotonicMillis() + 15000;
  while (entered && MonotonicMillis() < until) {
    owners.clear();
    auto items = runs.ListItems(run.id, -1, 100);
    ASSERT_TRUE(items.ok());
    for (const auto& item : *items)
      if (item.status == model::ItemStatus::kProcessing) ++owners[item.lease_owner];
    if (owners.size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  engine.Open();
  worker.join();
  ASSERT_TRUE(entered) << "the first item never reached the engine";
  EXPECT_TRUE(worked.load());
  ASSERT_EQ(owners.size(), 2u) << "the next batch is claimed while the first item is in the engine";
  for (const auto& [owner, n] : owners) EXPECT_EQ(n, 32) << owner;

  // The batch claimed ahead (32), then the rest (6, not a full claim: nothing ahead of it).
  EXPECT_TRUE(RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0, &pipeline));
  EXPECT_TRUE(RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0, &pipeline));
  EXPECT_FALSE(RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0, &pipeline));
  RunSchedulerTestPeer::EndPipeline(*s, pipeline);
  auto ended = runs.GetRun("ws_1", run.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_STREQ(model::ToString(ended->status), "PROCESSED");
  EXPECT_EQ(ended->num_done, 70);
  EXPECT_EQ(engine.calls(), 70u);
  auto items = runs.ListItems(run.id, -1, 100);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 70u);
  for (const auto& item : *items) {
    EXPECT_STREQ(model::ToString(item.status), "PROCESSED") << item.item_id;
    EXPECT_EQ(item.attempts, 1) << item.item_id;
  }
}

// A stopping worker lands what it finished and hands the batch it claimed ahead back at
// once, without spending an attempt: another node claims those items without waiting for
// a lease to lapse.
TEST_P(RunSchedulerTest, AStoppingWorkerHandsTheBatchClaimedAheadBack) {
  AddItems(70);
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunStore runs(db);
  SchedulerConfig c = Config();
  c.claim_ahead = true;
  auto s = Scheduler(c);
  RunSchedulerTestPeer::Pipeline pipeline;
  ASSERT_TRUE(RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0, &pipeline));
  RunSchedulerTestPeer::EndPipeline(*s, pipeline);
  EXPECT_EQ(engine.requests().size(), 32u);
  auto items = runs.ListItems(run.id, -1, 100);
  ASSERT_TRUE(items.ok());
  int processed = 0, released = 0, pending = 0;
  for (const auto& item : *items) {
    if (item.status == model::ItemStatus::kProcessed) {
      ++processed;
      EXPECT_EQ(item.attempts, 1) << item.item_id;
    } else if (item.status == model::ItemStatus::kProcessing) {
      ++released;
      EXPECT_EQ(item.attempts, 0) << item.item_id << ": a released claim does not count as an attempt";
      EXPECT_EQ(item.lease_owner, "") << item.item_id;
    } else if (item.status == model::ItemStatus::kPending) {
      ++pending;
    }
  }
  EXPECT_EQ(processed, 32);
  EXPECT_EQ(released, 32);
  EXPECT_EQ(pending, 6);
  auto again = runs.ClaimItems("next-process", NowMillis(), 60000, "", 64);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 38u) << "the released and the never claimed, at once";
}

// Started workers that claim ahead run a larger run to its end, each item once.
TEST_P(RunSchedulerTest, WorkersThatClaimAheadRunEveryItemOnce) {
  AddItems(300);
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  SchedulerConfig c = Config();
  c.claim_ahead = true;
  auto s = Scheduler(c);
  s->Start();
  EXPECT_STREQ(model::ToString(WaitForItem(run).status), "PROCESSED");
  s->Stop();
  store::RunStore runs(db);
  auto ended = runs.GetRun("ws_1", run.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_STREQ(model::ToString(ended->status), "PROCESSED");
  EXPECT_EQ(ended->num_done, 300);
  EXPECT_EQ(engine.requests().size(), 300u);
  auto items = runs.ListItems(run.id, -1, 1000);
  ASSERT_TRUE(items.ok());
  for (const auto& item : *items) EXPECT_EQ(item.attempts, 1) << item.item_id;
}

// A held item is not held behind a slow one: while the worker is stuck in the engine call
// of the batch's second item, the timer lands the first (a cancel or a live view needs it).
TEST_P(RunSchedulerTest, AHeldItemLandsWhileTheNextItemIsStuckInTheEngine) {
  AddItems(3);
  GatedEngine engine(/*gated_call=*/2);
  store::RunRecord run = CreateRun(engine.Url("/process"));
  store::RunStore runs(db);
  auto s = Scheduler(Config());  // not started: the thread below is its one worker
  std::thread worker([&] { RunSchedulerTestPeer::ProcessBatch(*s, "w0", 1.0); });
  const bool entered = engine.WaitEntered(60000);
  int processed = 0;
  // Well within the engine call's own timeout (20 s), after which the worker would go on.
  const int64_t until = MonotonicMillis() + 15000;
  while (entered && processed == 0 && MonotonicMillis() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto items = runs.ListItems(run.id, -1, 100);
    ASSERT_TRUE(items.ok());
    processed = 0;
    for (const auto& item : *items) processed += item.status == model::ItemStatus::kProcessed ? 1 : 0;
  }
  const size_t calls_while_held = engine.calls();
  engine.Open();
  worker.join();
  ASSERT_TRUE(entered) << "the second item never reached the engine";
  EXPECT_EQ(processed, 1) << "the first item landed while the second was in the engine";
  EXPECT_EQ(calls_while_held, 2u);
  auto ended = runs.GetRun("ws_1", run.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_STREQ(model::ToString(ended->status), "PROCESSED");
  EXPECT_EQ(ended->num_done, 3);
}

// Re-scoring is worked like a run item (jobs/rescore.h): a worker claims the job, ends the
// run through the end-of-run hook (webhooks), and a job lost by dead workers more than
// max_attempts times ends FAILED instead of staying PROCESSING.
TEST_P(RunSchedulerTest, ARescoreJobIsWorkedAndEndsThroughTheRunEndedHook) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  auto s = Scheduler(Config());
  s->Start();
  store::RunItemRecord item = WaitForItem(run);
  ASSERT_STREQ(model::ToString(item.status), "PROCESSED");
  s->Stop();
  store::RunStore runs(db);
  store::RunRecord source = *runs.GetRun("ws_1", run.id);
  store::RunRecord target = source;
  target.id = NewId("bpr_");
  target.metrics.reset();
  ASSERT_TRUE(store::RescoreStore(db).Create(&target, source, false).ok());
  std::atomic<int> ended{0};
  std::string ended_id;
  SchedulerConfig c = Config();
  auto hooked = std::make_unique<RunScheduler>(db, blobs_, c,
                                               [&](store::Connection&, const store::RunRecord& r, const json::object&) {
                                                 ended_id = r.id;
                                                 ++ended;
                                                 return Status::OK();
                                               });
  hooked->Start();
  const int64_t until = MonotonicMillis() + 60000;
  while (MonotonicMillis() < until && !runs.GetRun("ws_1", target.id)->finished())
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  hooked->Stop();
  auto done = runs.GetRun("ws_1", target.id);
  EXPECT_STREQ(model::ToString(done->status), "PROCESSED");
  EXPECT_EQ(done->metrics, source.metrics);
  EXPECT_EQ(runs.GetItem(target.id, "evi_1")->result, item.result);
  EXPECT_EQ(ended.load(), 1);
  EXPECT_EQ(ended_id, target.id);
  EXPECT_EQ(engine.requests().size(), 1u) << "re-scoring calls no engine";
}

TEST_P(RunSchedulerTest, ARescoreJobLostByDeadWorkersMoreThanMaxAttemptsFails) {
  StubHttpServer engine([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, kOutput}; });
  store::RunRecord run = CreateRun(engine.Url("/process"));
  auto s = Scheduler(Config());
  s->Start();
  ASSERT_STREQ(model::ToString(WaitForItem(run).status), "PROCESSED");
  s->Stop();
  store::RunStore runs(db);
  store::RescoreStore jobs(db);
  store::RunRecord source = *runs.GetRun("ws_1", run.id);
  store::RunRecord target = source;
  target.id = NewId("bpr_");
  ASSERT_TRUE(jobs.Create(&target, source, false).ok());
  for (int i = 0; i < 2; ++i) {  // two workers died mid-job (their leases lapsed)
    auto dead = jobs.Claim("dead:" + std::to_string(i), NowMillis(), 1);
    ASSERT_TRUE(dead.ok() && dead->has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  SchedulerConfig c = Config();
  c.max_attempts = 2;
  auto again = Scheduler(c);
  again->Start();
  const int64_t until = MonotonicMillis() + 60000;
  while (MonotonicMillis() < until && !runs.GetRun("ws_1", target.id)->finished())
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  again->Stop();
  auto done = runs.GetRun("ws_1", target.id);
  EXPECT_STREQ(model::ToString(done->status), "FAILED");
  EXPECT_NE(done->failure_message.value_or("").find("worker lost"), std::string::npos);
  EXPECT_TRUE(done->metrics) << "a failed run has metrics (over no items), as any ended run";
  auto none = jobs.Claim("later", NowMillis() + 3600000, 1000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none) << "the job ended with its run";
}

GOLDSET_BACKENDS(RunSchedulerTest);

}  // namespace
}  // namespace goldset::jobs
