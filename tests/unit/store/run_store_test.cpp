// RunStore semantics the run engine relies on: leased claims, expired leases reclaimed,
// stale completions discarded, exactly-once counters, run finalization and cancel.
#include "store/run_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/ids.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_database.h"
#include "test_database.h"

namespace goldset::store {
namespace {

class RunStoreTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    db_ = db;
    auto c = db_->Acquire();
    ASSERT_TRUE(testing::SeedWorkspaceAndSet(*c).ok());
    for (int i = 0; i < kItems; ++i)
      ASSERT_TRUE(c->Exec("INSERT INTO evaluation_set_items (id, workspace_id, set_id, file_id, expected_output, "
                          "created_at, updated_at) VALUES (?, 'ws_1', 'ev_1', 'file_1', '{}', ?, ?)",
                          {"evi_" + std::to_string(i), int64_t{i}, int64_t{i}}).ok());
  }
  void TearDown() override { db_.reset(); BackendTest::TearDown(); }

  RunRecord NewRun() {
    RunRecord r;
    r.id = NewId("bpr_");
    r.workspace_id = "ws_1";
    r.set_id = "ev_1";
    r.entity_kind = "extractor";
    r.entity_json = r.entity_version_json = r.config = r.options = "{}";
    r.status = model::RunStatus::kPending;
    r.created_at = r.updated_at = NowMillis();
    return r;
  }

  static StatusOr<std::string> Finalize(Connection&, const RunRecord& run) {
    return std::string("{\"final\":\"" + std::string(model::ToString(run.status)) + "\"}");
  }

  static constexpr int kItems = 20;
  std::shared_ptr<Database> db_;
};

TEST_P(RunStoreTest, CreateSnapshotsEveryItemOrSubset) {
  RunStore runs(db_);
  RunRecord all = NewRun();
  ASSERT_TRUE(runs.CreateRun(&all, {}).ok());
  EXPECT_EQ(all.num_items, kItems);
  RunRecord some = NewRun();
  ASSERT_TRUE(runs.CreateRun(&some, {"evi_3", "evi_5"}).ok());
  EXPECT_EQ(some.num_items, 2);
  auto items = runs.ListItems(all.id, 0, 100);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), static_cast<size_t>(kItems));
  EXPECT_EQ((*items)[0].item_id, "evi_0");  // seq follows item creation order
  EXPECT_EQ((*items)[0].status, model::ItemStatus::kPending);
}

TEST_P(RunStoreTest, ClaimsAreExclusiveAndCompleteOnce) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  std::set<std::string> seen;
  for (int i = 0; i < kItems; ++i) {
    auto c = runs.ClaimItem("w" + std::to_string(i), NowMillis(), 60000);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->has_value());
    EXPECT_TRUE(seen.insert((*c)->item_id).second) << "claimed twice: " << (*c)->item_id;
  }
  auto none = runs.ClaimItem("late", NowMillis(), 60000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto got = runs.GetRun("ws_1", run.id);
  EXPECT_EQ(got->status, model::RunStatus::kProcessing);
}

TEST_P(RunStoreTest, ExpiredLeaseIsReclaimedAndStaleCompletionDiscarded) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {"evi_1"}).ok());
  auto first = runs.ClaimItem("dead-worker", NowMillis(), 10);
  ASSERT_TRUE(first.ok() && first->has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  auto second = runs.ClaimItem("live-worker", NowMillis(), 60000);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->item_id, "evi_1");
  EXPECT_EQ((*second)->attempts, 2);

  ItemCompletion done;
  done.output = "{\"value\":{}}";
  done.result = "{\"correct\":true}";
  done.correct = true;
  auto stale = runs.CompleteItem(**first, done, Finalize);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale) << "the dead worker's late result must not land";
  auto landed = runs.CompleteItem(**second, done, Finalize);
  ASSERT_TRUE(landed.ok());
  EXPECT_TRUE(*landed);
  auto again = runs.CompleteItem(**second, done, Finalize);
  EXPECT_FALSE(*again) << "a completion lands once";
  auto got = runs.GetRun("ws_1", run.id);
  EXPECT_EQ(got->num_done, 1);
  EXPECT_EQ(got->status, model::RunStatus::kProcessed);
  EXPECT_EQ(*got->metrics, "{\"final\":\"PROCESSED\"}");
}

TEST_P(RunStoreTest, AllFailedMeansFailedRun) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {"evi_1", "evi_2"}).ok());
  for (int i = 0; i < 2; ++i) {
    auto c = runs.ClaimItem("w", NowMillis(), 60000);
    ItemCompletion fail;
    fail.failed = true;
    fail.error_code = "PARSING_ERROR";
    fail.error_message = "corrupt";
    ASSERT_TRUE(runs.CompleteItem(**c, fail, Finalize).ok());
  }
  auto got = runs.GetRun("ws_1", run.id);
  EXPECT_EQ(got->status, model::RunStatus::kFailed);
  EXPECT_EQ(got->num_failed, 2);
}

TEST_P(RunStoreTest, RetryLaterDelaysTheNextClaim) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {"evi_1"}).ok());
  auto c = runs.ClaimItem("w", NowMillis(), 60000);
  ASSERT_TRUE(runs.RetryLater(**c, NowMillis() + 60000, "503 from engine").ok());
  auto none = runs.ClaimItem("w2", NowMillis(), 60000);
  EXPECT_FALSE(none->has_value());
  auto later = runs.ClaimItem("w2", NowMillis() + 61000, 60000);
  ASSERT_TRUE(later->has_value());
  EXPECT_EQ((*later)->attempts, 2);
}

TEST_P(RunStoreTest, CancelStopsClaimingAndWaitsForInFlight) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {"evi_1", "evi_2", "evi_3"}).ok());
  auto inflight = runs.ClaimItem("w", NowMillis(), 60000);
  auto cancelled = runs.Cancel("ws_1", run.id, Finalize);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, model::RunStatus::kCancelling);
  EXPECT_FALSE(runs.ClaimItem("w2", NowMillis(), 60000)->has_value());
  ItemCompletion done;
  done.output = done.result = "{}";
  ASSERT_TRUE(*runs.CompleteItem(**inflight, done, Finalize));
  auto got = runs.GetRun("ws_1", run.id);
  EXPECT_EQ(got->status, model::RunStatus::kCancelled);
  EXPECT_FALSE(runs.Cancel("ws_1", run.id, Finalize).ok());
  EXPECT_EQ(runs.Cancel("ws_other", run.id, Finalize).status().code(), Status::Code::kNotFound);
}

TEST_P(RunStoreTest, ConcurrentWorkersFinishTheRunExactlyOnce) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  std::atomic<int> finalized{0}, completed{0};
  auto finalize = [&](Connection&, const RunRecord&) -> StatusOr<std::string> {
    finalized++;
    return std::string("{}");
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (;;) {
        auto c = runs.ClaimItem("w" + std::to_string(w), NowMillis(), 60000);
        if (!c.ok()) continue;  // busy: try again
        if (!c->has_value()) return;
        ItemCompletion done;
        done.output = done.result = "{}";
        auto landed = runs.CompleteItem(**c, done, finalize);
        if (landed.ok() && *landed) completed++;
      }
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(completed.load(), kItems);
  EXPECT_EQ(finalized.load(), 1);
  EXPECT_EQ(runs.GetRun("ws_1", run.id)->num_done, kItems);
}

TEST_P(RunStoreTest, RenewedLeaseIsNotReclaimedAndARenewalOfALostClaimFails) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {"evi_1"}).ok());
  auto held = runs.ClaimItem("w1", NowMillis(), 50);
  ASSERT_TRUE(held.ok() && held->has_value());
  ASSERT_TRUE(*runs.RenewLease(**held, NowMillis() + 60000));
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  EXPECT_FALSE(runs.ClaimItem("w2", NowMillis(), 60000)->has_value()) << "a renewed lease holds past its first end";
  // Once the lease has really lapsed and another worker claimed the item, the old
  // owner's renewal reports the loss.
  ASSERT_TRUE(*runs.RenewLease(**held, NowMillis() - 1));
  auto thief = runs.ClaimItem("w2", NowMillis(), 60000);
  ASSERT_TRUE(thief.ok() && thief->has_value());
  EXPECT_FALSE(*runs.RenewLease(**held, NowMillis() + 60000));
  EXPECT_TRUE(*runs.RenewLease(**thief, NowMillis() + 60000));
}

TEST_P(RunStoreTest, ReleasedClaimIsClaimableAtOnceWithItsAttemptGivenBack) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {"evi_1"}).ok());
  auto held = runs.ClaimItem("w1", NowMillis(), 600000);
  ASSERT_TRUE(held.ok() && held->has_value());
  ASSERT_TRUE(runs.Release(**held).ok());
  auto next = runs.ClaimItem("w2", NowMillis(), 600000);
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->attempts, 1);
  ItemCompletion done;
  done.output = done.result = "{}";
  EXPECT_FALSE(*runs.CompleteItem(**held, done, Finalize)) << "the released claim's result cannot land";
  EXPECT_TRUE(*runs.CompleteItem(**next, done, Finalize));
}

TEST_P(RunStoreTest, ExpireClaimsOfNodeFreesOnlyThatNodesClaims) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {"evi_1", "evi_2", "evi_3"}).ok());
  auto a = runs.ClaimItem("a/1/w0:x", NowMillis(), 600000, "node-a");
  auto b = runs.ClaimItem("b/1/w0:x", NowMillis(), 600000, "node-b");
  ASSERT_TRUE(a->has_value() && b->has_value());
  EXPECT_EQ(*runs.ExpireClaimsOfNode("node-a"), 1);
  auto again = runs.ClaimItem("a/2/w0:y", NowMillis(), 600000, "node-a");
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->item_id, (*a)->item_id) << "the expired claim comes before pending items";
  EXPECT_EQ((*again)->attempts, 2);
  auto pending = runs.ClaimItem("c", NowMillis(), 600000);
  ASSERT_TRUE(pending->has_value());
  EXPECT_NE((*pending)->item_id, (*b)->item_id) << "node-b's claim still holds";
}

GOLDSET_BACKENDS(RunStoreTest);

}  // namespace
}  // namespace goldset::store
