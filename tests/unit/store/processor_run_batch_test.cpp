// The end of a batch of processor runs: decided once, in the transaction that ends its
// last unfinished run, whichever path ends it (a worker's Complete, Cancel, Delete) and
// however many nodes end its runs at once. The hook writes a row in that transaction, so
// the rows counted are the ends that committed (a retried transaction runs it again).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "common/clock.h"
#include "store/migrations.h"
#include "store/processor_run_store.h"
#include "test_database.h"

namespace goldset::store {
namespace {

class ProcessorRunBatchTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    ASSERT_TRUE(db->Acquire()
                    ->Exec("CREATE TABLE batch_end_log (batch_id TEXT NOT NULL, status TEXT NOT NULL, "
                           "last_run TEXT NOT NULL, runs BIGINT NOT NULL)")
                    .ok());
  }

  static BatchEndedHook LogEnds() {
    return [](Connection& c, const RunBatch& b, const ProcessorRunRecord& last) {
      return c.Exec("INSERT INTO batch_end_log (batch_id, status, last_run, runs) VALUES (?, ?, ?, ?)",
                    {b.id, model::ToString(BatchStatus(b)), last.id,
                     b.pending + b.processing + b.processed + b.failed + b.cancelled});
    };
  }

  // Stores a batch of `n` PENDING runs named <id>_<i>.
  void InsertBatch(ProcessorRunStore& store, const std::string& id, int n) {
    RunBatch batch;
    batch.id = id;
    batch.workspace_id = "ws_1";
    batch.kind = "extractor";
    batch.run_count = n;
    batch.created_at = 1;
    std::vector<ProcessorRunRecord> runs;
    for (int i = 0; i < n; ++i) {
      ProcessorRunRecord r;
      r.id = id + "_" + std::to_string(i);
      r.workspace_id = "ws_1";
      r.kind = "extractor";
      r.processor_json = R"({"id":"ex_1"})";
      r.config = "{}";
      r.file_id = "file_1";
      r.batch_id = id;
      r.created_at = r.updated_at = 1;
      runs.push_back(r);
    }
    ASSERT_TRUE(store.InsertBatch(batch, runs).ok());
  }

  // batch id -> the statuses its ends were logged with.
  std::map<std::string, std::vector<std::string>> Ends() {
    std::map<std::string, std::vector<std::string>> out;
    auto rows = db->Acquire()->Query("SELECT batch_id, status FROM batch_end_log");
    EXPECT_TRUE(rows.ok());
    if (rows.ok())
      for (const Row& r : *rows) out[r.Text(0)].push_back(r.Text(1));
    return out;
  }

  // Claims and completes every due run through `store` (failing those named in `fail`).
  static void Work(ProcessorRunStore& store, const std::string& owner, const std::set<std::string>& fail = {}) {
    for (;;) {
      auto c = store.Claim(owner, NowMillis(), 60000);
      if (!c.ok()) continue;  // busy: try again
      if (!c->has_value()) return;
      const bool failed = fail.count((*c)->id) > 0;
      auto landed = store.Complete(**c, failed, failed ? "" : "{}", failed ? "INTERNAL_ERROR" : "",
                                   failed ? "boom" : "", nullptr);
      EXPECT_TRUE(landed.ok()) << landed.status().ToString();
    }
  }
};

TEST_P(ProcessorRunBatchTest, ConcurrentNodesEndEachBatchExactlyOnce) {
  // Many batches of two runs, worked by four nodes with two workers each: the last two
  // runs of a batch often end at the same moment on different nodes.
  constexpr int kBatches = 30;
  ProcessorRunStore setup(db);
  for (int b = 0; b < kBatches; ++b) InsertBatch(setup, "bpr_" + std::to_string(b), 2);
  std::vector<std::shared_ptr<Database>> nodes;
  std::vector<std::unique_ptr<ProcessorRunStore>> stores;
  for (int n = 0; n < 4; ++n) {
    nodes.push_back(n == 0 ? db : env_.OpenAnother());
    ASSERT_NE(nodes.back(), nullptr);
    stores.push_back(std::make_unique<ProcessorRunStore>(nodes.back(), LogEnds()));
  }
  std::vector<std::thread> workers;
  for (size_t n = 0; n < stores.size(); ++n)
    for (int w = 0; w < 2; ++w)
      workers.emplace_back([&, n, w] { Work(*stores[n], "n" + std::to_string(n) + "w" + std::to_string(w)); });
  for (auto& t : workers) t.join();
  auto ends = Ends();
  ASSERT_EQ(ends.size(), static_cast<size_t>(kBatches));
  for (const auto& [id, statuses] : ends) EXPECT_EQ(statuses, std::vector<std::string>{"PROCESSED"}) << id;
  auto rows = db->Acquire()->Query("SELECT COUNT(*) FROM batch_end_log WHERE runs = 2");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->front().Int(0), kBatches);
}

TEST_P(ProcessorRunBatchTest, OnlyTheLastRunEndsTheBatchAndTheStatusFollowsItsRuns) {
  ProcessorRunStore store(db, LogEnds());
  InsertBatch(store, "bpr_ok", 3);
  InsertBatch(store, "bpr_bad", 2);
  Work(store, "w", {"bpr_ok_1", "bpr_bad_0", "bpr_bad_1"});
  auto ends = Ends();
  EXPECT_EQ(ends["bpr_ok"], std::vector<std::string>{"PROCESSED"});  // one failure of three
  EXPECT_EQ(ends["bpr_bad"], std::vector<std::string>{"FAILED"});    // every run failed
  auto batch = store.GetBatch("ws_1", "bpr_ok");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->processed, 2);
  EXPECT_EQ(batch->failed, 1);
  EXPECT_EQ(BatchStatus(*batch), model::ProcessorRunStatus::kProcessed);
  // A run deleted after the end does not end the batch again.
  ASSERT_TRUE(store.Delete("ws_1", "extractor", "bpr_ok_0").ok());
  EXPECT_EQ(Ends()["bpr_ok"].size(), 1u);
}

TEST_P(ProcessorRunBatchTest, CancelAndDeleteEndABatchToo) {
  ProcessorRunStore store(db, LogEnds());
  InsertBatch(store, "bpr_c", 2);
  ASSERT_TRUE(store.Cancel("ws_1", "extractor", "bpr_c_0").ok());
  EXPECT_TRUE(Ends().empty());  // one run is still PENDING
  ASSERT_TRUE(store.Cancel("ws_1", "extractor", "bpr_c_1").ok());
  EXPECT_EQ(Ends()["bpr_c"], std::vector<std::string>{"CANCELLED"});
  EXPECT_FALSE(store.Cancel("ws_1", "extractor", "bpr_c_1").ok());  // already over: no second end
  EXPECT_EQ(Ends()["bpr_c"].size(), 1u);

  // A run claimed and processed, the other cancelled while PROCESSING: the cancel ends it.
  InsertBatch(store, "bpr_m", 2);
  auto first = store.Claim("w", NowMillis(), 60000);
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_TRUE(store.Complete(**first, false, "{}", "", "", nullptr).ok());
  auto second = store.Claim("w", NowMillis(), 60000);
  ASSERT_TRUE(second.ok() && second->has_value());
  ASSERT_TRUE(store.Cancel("ws_1", "extractor", (*second)->id).ok());
  EXPECT_EQ(Ends()["bpr_m"], std::vector<std::string>{"PROCESSED"});
  // The worker's late result is dropped and ends nothing.
  auto late = store.Complete(**second, false, "{}", "", "", nullptr);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(*late);
  EXPECT_EQ(Ends()["bpr_m"].size(), 1u);

  // Deleting the last unfinished run ends the batch with the runs that remain.
  InsertBatch(store, "bpr_d", 2);
  ASSERT_TRUE(store.Cancel("ws_1", "extractor", "bpr_d_0").ok());
  ASSERT_TRUE(store.Delete("ws_1", "extractor", "bpr_d_1").ok());
  EXPECT_EQ(Ends()["bpr_d"], std::vector<std::string>{"CANCELLED"});
}

TEST_P(ProcessorRunBatchTest, AHookErrorRollsTheRunsEndBack) {
  bool refuse = true;
  ProcessorRunStore store(db, [&](Connection& c, const RunBatch& b, const ProcessorRunRecord& last) {
    if (refuse) return Status::Internal("outbox unavailable");
    return LogEnds()(c, b, last);
  });
  InsertBatch(store, "bpr_r", 1);
  auto claimed = store.Claim("w", NowMillis(), 60000);
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  EXPECT_FALSE(store.Complete(**claimed, false, "{}", "", "", nullptr).ok());
  auto run = store.Get("ws_1", "extractor", "bpr_r_0");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, model::ProcessorRunStatus::kProcessing);  // nothing committed
  refuse = false;
  auto landed = store.Complete(**claimed, false, "{}", "", "", nullptr);
  ASSERT_TRUE(landed.ok());
  EXPECT_TRUE(*landed);
  EXPECT_EQ(Ends()["bpr_r"], std::vector<std::string>{"PROCESSED"});
}

TEST_P(ProcessorRunBatchTest, MigrationMarksBatchesAlreadyOverAsEnded) {
  // A database from before migration 801: one batch over, one with a run left.
  ProcessorRunStore store(db, LogEnds());
  InsertBatch(store, "bpr_over", 1);
  InsertBatch(store, "bpr_open", 2);
  auto c = db->Acquire();
  ASSERT_TRUE(c->Exec("UPDATE processor_runs SET status = 'PROCESSED' WHERE batch_id = 'bpr_over'").ok());
  ASSERT_TRUE(c->Exec("UPDATE processor_runs SET status = 'FAILED' WHERE id = 'bpr_open_0'").ok());
  ASSERT_TRUE(c->Exec("ALTER TABLE processor_run_batches DROP COLUMN ended_at").ok());
  ASSERT_TRUE(c->Exec("DELETE FROM schema_migrations WHERE version = 801").ok());
  c.reset();
  auto applied = ApplyMigrations(*db);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, 1);
  // Deleting a finished run of the batch that was over sends nothing late; the open batch
  // ends when its last run does.
  ASSERT_TRUE(store.Delete("ws_1", "extractor", "bpr_over_0").ok());
  Work(store, "w", {"bpr_open_1"});
  auto ends = Ends();
  EXPECT_EQ(ends.count("bpr_over"), 0u);
  EXPECT_EQ(ends["bpr_open"], std::vector<std::string>{"FAILED"});
}

GOLDSET_BACKENDS(ProcessorRunBatchTest);

}  // namespace
}  // namespace goldset::store
