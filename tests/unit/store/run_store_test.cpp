// RunStore semantics the run engine relies on: leased claims, expired leases reclaimed,
// stale completions discarded, exactly-once counters, run finalization and cancel, no run
// item outliving its run when sets are removed.
#include "store/run_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/ids.h"
#include "store/doctor.h"
#include "store/migrations.h"
#include "store/rescore_store.h"
#include "store/set_removal.h"
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
                          {"evi_" + std::to_string(i), int64_t{i}, int64_t{i}})
                      .ok());
  }
  void TearDown() override {
    db_.reset();
    BackendTest::TearDown();
  }

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
  // Finalize, counting its calls in *calls (atomic: workers race to end the run).
  static RunFinalizer CountingFinalize(std::atomic<int>* calls) {
    return [calls](Connection& c, const RunRecord& r) {
      ++*calls;
      return Finalize(c, r);
    };
  }

  // Inserts set `set_id` of ws_1 with kItems items.
  void AddSet(Connection& c, const std::string& set_id) {
    ASSERT_TRUE(c.Exec("INSERT INTO evaluation_sets (id, workspace_id, name, description, entity_id, entity_kind, "
                       "created_at, updated_at) VALUES (?, 'ws_1', 's', '', 'ex_1', 'extractor', 0, 0)",
                       {set_id})
                    .ok());
    for (int i = 0; i < kItems; ++i)
      ASSERT_TRUE(c.Exec("INSERT INTO evaluation_set_items (id, workspace_id, set_id, file_id, expected_output, "
                         "created_at, updated_at) VALUES (?, 'ws_1', ?, 'file_1', '{}', ?, ?)",
                         {set_id + "_i" + std::to_string(i), set_id, int64_t{i}, int64_t{i}})
                      .ok());
  }

  // Run items whose run no longer exists (PostgreSQL has no foreign key to catch them).
  int64_t OrphanRunItems() {
    auto rows = db_->Acquire()->Query(
        "SELECT COUNT(*) FROM evaluation_run_items i WHERE NOT EXISTS (SELECT 1 FROM evaluation_runs r WHERE r.id = "
        "i.run_id)");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->front().Int(0) : -1;
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

// Readers page by windows of seq (run_store.h, kSeqWindow). A run whose numbers have gaps
// (a rescored run leaves items out) still pages through every item once, in order, with
// full pages while items remain.
TEST_P(RunStoreTest, PagesWalkEveryItemOnceAcrossGapsInSeq) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  {
    auto c = db_->Acquire();
    // Leave seqs 2, 5..11 and 20 out: gaps inside a window, a window of nothing, the last.
    ASSERT_TRUE(c->Exec("DELETE FROM evaluation_run_items WHERE run_id = ? AND (seq = 2 OR (seq >= 5 AND seq <= 11) "
                        "OR seq = 20)",
                        {run.id})
                    .ok());
    ASSERT_TRUE(
        c->Exec("UPDATE evaluation_run_items SET status = 'PROCESSED' WHERE run_id = ? AND seq % 2 = 1", {run.id})
            .ok());
  }
  auto last = LastItemSeq(*db_->Acquire(), run.id);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 19);
  const std::vector<int64_t> want = {1, 3, 4, 12, 13, 14, 15, 16, 17, 18, 19};
  for (int limit : {1, 3, 4, 100}) {
    std::vector<int64_t> got;
    int64_t after = 0;
    for (int pages = 0; pages < 50; ++pages) {
      auto page = runs.ListItems(run.id, after, limit);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      if (page->empty()) break;
      // Full pages until the items run out: a short page is the last one.
      if (got.size() + page->size() < want.size()) {
        EXPECT_EQ(page->size(), static_cast<size_t>(limit));
      }
      for (const auto& it : *page) got.push_back(it.seq);
      after = page->back().seq;
    }
    EXPECT_EQ(got, want) << "limit " << limit;
  }
  std::vector<int64_t> finished;
  ASSERT_TRUE(runs.ForEachFinishedItem(run.id, [&](const RunItemRecord& it) { finished.push_back(it.seq); }).ok());
  EXPECT_EQ(finished, (std::vector<int64_t>{1, 3, 13, 15, 17, 19}));
  EXPECT_TRUE(runs.ListItems(run.id, 19, 5)->empty());
  EXPECT_TRUE(runs.ListItems(run.id, 0, 0)->empty());
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
  const RunFinalizer finalize = CountingFinalize(&finalized);
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

TEST_P(RunStoreTest, ClaimItemsHandsOutABatchInOrderWithALeaseOnEach) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  // A batch size of zero or less claims nothing (the limit is written into the statement).
  for (int none : {0, -1}) {
    auto nothing = runs.ClaimItems("z:1", NowMillis(), 600000, "", none);
    ASSERT_TRUE(nothing.ok()) << nothing.status().ToString();
    EXPECT_TRUE(nothing->empty());
  }
  auto first = runs.ClaimItems("a:1", NowMillis(), 600000, "node-a", 8);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 8u);
  for (size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ((*first)[i].seq, static_cast<int64_t>(i) + 1) << "FIFO order within the batch";
    EXPECT_STREQ(model::ToString((*first)[i].status), "PROCESSING");
    EXPECT_EQ((*first)[i].attempts, 1);
    EXPECT_EQ((*first)[i].lease_owner, "a:1");
  }
  EXPECT_EQ(*QueryInt(*db_->Acquire(), "SELECT COUNT(*) FROM evaluation_run_items WHERE lease_node = 'node-a'"), 8);
  EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", run.id)->status), "PROCESSING");
  // The rest go to the next claimer; nothing is handed out twice.
  auto second = runs.ClaimItems("b:1", NowMillis(), 600000, "node-b", 100);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), static_cast<size_t>(kItems - 8));
  EXPECT_EQ((*second)[0].seq, 9);
  EXPECT_TRUE(runs.ClaimItems("c:1", NowMillis(), 600000, "", 4)->empty());
  // Each item of a batch holds its own lease: one renewed, one lapsed and reclaimed.
  ASSERT_TRUE(*runs.RenewLease((*first)[0], NowMillis() + 600000));
  ASSERT_TRUE(*runs.RenewLease((*first)[1], NowMillis() - 1));
  auto reclaimed = runs.ClaimItems("c:2", NowMillis(), 600000, "node-c", 4);
  ASSERT_TRUE(reclaimed.ok());
  ASSERT_EQ(reclaimed->size(), 1u);
  EXPECT_EQ((*reclaimed)[0].item_id, (*first)[1].item_id);
  EXPECT_EQ((*reclaimed)[0].attempts, 2);
}

// The claims find their rows through the queue's partial indexes (migration 901): due
// items in claim order, leases by expiry. Each query names its status as a literal, which
// both backends need to use a partial index.
TEST_P(RunStoreTest, ClaimsSearchTheQueueIndexes) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  const bool pg = db_->backend() == Backend::kPostgres;
  auto plan = [&](const std::string& sql) {
    std::string text;
    Status st = db_->InTransaction(false, [&](Connection& c) -> Status {
      text.clear();
      if (pg) {  // a 20-row table is rightly read whole; the question is which index serves the query
        auto off = c.Query("SELECT set_config('enable_seqscan', 'off', true)");
        if (!off.ok()) return off.status();
      }
      auto rows = c.Query((pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql);
      if (!rows.ok()) return rows.status();
      for (const Row& r : *rows) text += r.Text(r.size() - 1) + "\n";
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return text;
  };
  const std::string due = plan(
      "SELECT run_id, item_id FROM evaluation_run_items WHERE status = 'PENDING' AND next_attempt_at <= 1 "
      "ORDER BY next_attempt_at, run_id, seq LIMIT 32");
  EXPECT_NE(due.find("evaluation_run_items_pending"), std::string::npos) << due;
  const std::string expired = plan(
      "SELECT run_id, item_id FROM evaluation_run_items WHERE status = 'PROCESSING' AND lease_until < 1 "
      "ORDER BY next_attempt_at, run_id, seq LIMIT 32");
  EXPECT_NE(expired.find("evaluation_run_items_processing"), std::string::npos) << expired;
  EXPECT_EQ(due.find("evaluation_run_items_claim"), std::string::npos) << "the full-table queue index is gone";
}

// Expired leases and due items come from one statement: the expired first, the batch
// never larger than asked, and each run moved out of PENDING (the second run's too).
TEST_P(RunStoreTest, ClaimItemsTakesExpiredLeasesBeforeDueItemsWithinTheBatchSize) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  auto lapsed = runs.ClaimItems("dead:1", NowMillis(), 600000, "node-dead", 3);
  ASSERT_TRUE(lapsed.ok());
  ASSERT_EQ(lapsed->size(), 3u);
  for (const auto& item : *lapsed) ASSERT_TRUE(*runs.RenewLease(item, NowMillis() - 1));
  auto batch = runs.ClaimItems("live:1", NowMillis(), 600000, "node-live", 5);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 5u);
  int reclaimed = 0;
  std::set<int64_t> due;
  for (const auto& item : *batch) {
    if (item.attempts == 2) ++reclaimed;
    else due.insert(item.seq);
  }
  EXPECT_EQ(reclaimed, 3) << "every expired lease before any due item";
  EXPECT_EQ(due, (std::set<int64_t>{4, 5}));
  RunRecord other = NewRun();
  ASSERT_TRUE(runs.CreateRun(&other, {}).ok());
  auto rest = runs.ClaimItems("live:2", NowMillis(), 600000, "node-live", 1000);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), static_cast<size_t>(2 * kItems - 5));
  EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", run.id)->status), "PROCESSING");
  EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", other.id)->status), "PROCESSING");
}

TEST_P(RunStoreTest, CompleteItemsLandsABatchOnceAndSkipsLostClaims) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  std::atomic<int> finalized{0};
  const RunFinalizer finalize = CountingFinalize(&finalized);
  auto batch = runs.ClaimItems("w:1", NowMillis(), 600000, "", kItems);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), static_cast<size_t>(kItems));
  // Item 0's lease lapses and another worker takes it: its result from this batch must not land.
  ASSERT_TRUE(*runs.RenewLease((*batch)[0], NowMillis() - 1));
  auto thief = runs.ClaimItem("w:2", NowMillis(), 600000);
  ASSERT_TRUE(thief.ok() && thief->has_value());
  // Every outcome shape in one statement: all failed (no correct/output), all passed, mixed.
  std::vector<ItemCompletion> done(batch->size());
  for (size_t i = 0; i < done.size(); ++i) {
    done[i].failed = i % 3 == 0;
    if (done[i].failed) {
      done[i].error_code = "PARSING_ERROR";
      done[i].error_message = "bad file " + std::to_string(i);
    } else {
      done[i].output = "{\"i\":" + std::to_string(i) + "}";
      done[i].result = "{\"correct\":true}";
      done[i].correct = i % 2 == 0;
    }
    done[i].latency_ms = static_cast<int64_t>(i);
    done[i].num_pages = 1;
  }
  std::vector<RunStore::CompletionRef> failed_only, rest;
  for (size_t i = 0; i < done.size(); ++i) (done[i].failed ? failed_only : rest).push_back({&(*batch)[i], &done[i]});
  auto landed = runs.CompleteItems(failed_only, finalize);
  ASSERT_TRUE(landed.ok()) << landed.status().ToString();
  EXPECT_FALSE((*landed)[0]) << "item 0's claim was lost";
  for (size_t i = 1; i < landed->size(); ++i) EXPECT_TRUE((*landed)[i]);
  landed = runs.CompleteItems(rest, finalize);
  ASSERT_TRUE(landed.ok()) << landed.status().ToString();
  for (bool b : *landed) EXPECT_TRUE(b);
  // Landing the same batch again changes nothing.
  landed = runs.CompleteItems(rest, finalize);
  ASSERT_TRUE(landed.ok());
  for (bool b : *landed) EXPECT_FALSE(b);
  auto mid = runs.GetRun("ws_1", run.id);
  EXPECT_EQ(mid->num_done, kItems - 1);
  EXPECT_EQ(mid->num_failed, static_cast<int64_t>(failed_only.size()) - 1);
  EXPECT_EQ(finalized.load(), 0);
  auto one = runs.GetItem(run.id, (*batch)[2].item_id);
  EXPECT_STREQ(model::ToString(one->status), "PROCESSED");
  EXPECT_EQ(*one->output, "{\"i\":2}");
  EXPECT_EQ(*one->correct, true);
  EXPECT_EQ(*one->latency_ms, 2);
  auto bad = runs.GetItem(run.id, (*batch)[3].item_id);
  EXPECT_STREQ(model::ToString(bad->status), "FAILED");
  EXPECT_EQ(*bad->error_message, "bad file 3");
  EXPECT_FALSE(bad->output.has_value());
  // The thief's completion finishes the run, exactly once.
  ItemCompletion ok;
  ok.output = ok.result = "{}";
  ASSERT_TRUE(*runs.CompleteItem(**thief, ok, finalize));
  EXPECT_EQ(finalized.load(), 1);
  EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", run.id)->status), "PROCESSED");
}

// Four workers claim batches of up to `batch` items and land each whole (in reverse order
// when `reverse`, so a batch's runs come in either order) until nothing is left; returns
// how many items landed.
int LandAllInBatches(RunStore& runs, const RunFinalizer& finalize, size_t batch, bool reverse) {
  std::atomic<int> completed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (;;) {
        auto c = runs.ClaimItems("w" + std::to_string(w), NowMillis(), 60000, "", static_cast<int>(batch));
        if (!c.ok()) continue;  // busy: try again
        if (c->empty()) return;
        EXPECT_LE(c->size(), batch);  // a claim never exceeds its LIMIT, however claims interleave
        std::vector<ItemCompletion> done(c->size());
        std::vector<RunStore::CompletionRef> refs;
        for (size_t i = 0; i < c->size(); ++i) {
          done[i].output = done[i].result = "{}";
          refs.push_back({&(*c)[i], &done[i]});
        }
        if (reverse) std::reverse(refs.begin(), refs.end());
        StatusOr<std::vector<bool>> landed = Status::Unavailable("");
        while (!(landed = runs.CompleteItems(refs, finalize)).ok()) {
        }
        for (bool b : *landed) completed += b ? 1 : 0;
      }
    });
  for (auto& t : workers) t.join();
  return completed.load();
}

TEST_P(RunStoreTest, ConcurrentBatchWorkersFinishTheRunExactlyOnce) {
  RunStore runs(db_);
  RunRecord run = NewRun();
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  std::atomic<int> finalized{0};
  EXPECT_EQ(LandAllInBatches(runs, CountingFinalize(&finalized), 3, false), kItems);
  EXPECT_EQ(finalized.load(), 1);
  EXPECT_EQ(runs.GetRun("ws_1", run.id)->num_done, kItems);
}

// A batch holding items of two runs lands in one call: each run counts its own items
// (done and failed), each leaves PENDING with its first claim, and each ends once.
TEST_P(RunStoreTest, CompleteItemsCountsEachRunOfAMixedBatch) {
  RunStore runs(db_);
  RunRecord a = NewRun(), b = NewRun();
  ASSERT_TRUE(runs.CreateRun(&a, {}).ok());
  ASSERT_TRUE(runs.CreateRun(&b, {}).ok());
  std::atomic<int> finalized{0};
  const RunFinalizer finalize = CountingFinalize(&finalized);
  auto batch = runs.ClaimItems("w:1", NowMillis(), 600000, "", 2 * kItems);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), static_cast<size_t>(2 * kItems));
  for (const RunRecord* run : {&a, &b})
    EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", run->id)->status), "PROCESSING");
  std::vector<ItemCompletion> done(batch->size());
  std::vector<RunStore::CompletionRef> all_but_last;
  for (size_t i = 0; i < done.size(); ++i) {
    done[i].failed = i % 4 == 1;
    if (done[i].failed) done[i].error_code = "PARSING_ERROR";
    else done[i].output = done[i].result = "{}";
    if (i + 1 < done.size()) all_but_last.push_back({&(*batch)[i], &done[i]});
  }
  auto landed = runs.CompleteItems(all_but_last, finalize);
  ASSERT_TRUE(landed.ok()) << landed.status().ToString();
  for (bool x : *landed) EXPECT_TRUE(x);
  // The batch comes sorted by run: its last item is the later run's, so the earlier run has
  // ended and the later has not.
  const RunItemRecord& last = batch->back();
  ASSERT_EQ(last.run_id, a.id < b.id ? b.id : a.id);
  const RunRecord& first_run = a.id < b.id ? a : b;
  EXPECT_EQ(finalized.load(), 1);
  auto ended = runs.GetRun("ws_1", first_run.id);
  EXPECT_EQ(ended->num_done, kItems);
  EXPECT_STREQ(model::ToString(ended->status), "PROCESSED");
  auto open = runs.GetRun("ws_1", last.run_id);
  EXPECT_EQ(open->num_done, kItems - 1);
  EXPECT_STREQ(model::ToString(open->status), "PROCESSING");
  EXPECT_EQ(runs.GetRun("ws_1", a.id)->num_failed + runs.GetRun("ws_1", b.id)->num_failed,
            static_cast<int64_t>(
                std::count_if(done.begin(), done.end() - 1, [](const ItemCompletion& d) { return d.failed; })));
  ASSERT_TRUE(*runs.CompleteItem(last, done.back(), finalize));
  EXPECT_EQ(finalized.load(), 2);
  EXPECT_STREQ(model::ToString(runs.GetRun("ws_1", last.run_id)->status), "PROCESSED");
}

// Workers whose batches mix two runs land concurrently (each landing updates its runs'
// counters in id order: no deadlock) and each run ends exactly once.
TEST_P(RunStoreTest, ConcurrentMixedBatchesFinishEachRunExactlyOnce) {
  RunStore runs(db_);
  RunRecord a = NewRun(), b = NewRun();
  ASSERT_TRUE(runs.CreateRun(&a, {}).ok());
  ASSERT_TRUE(runs.CreateRun(&b, {}).ok());
  std::atomic<int> finalized{0};
  EXPECT_EQ(LandAllInBatches(runs, CountingFinalize(&finalized), 5, true), 2 * kItems);
  EXPECT_EQ(finalized.load(), 2);
  EXPECT_EQ(runs.GetRun("ws_1", a.id)->num_done, kItems);
  EXPECT_EQ(runs.GetRun("ws_1", b.id)->num_done, kItems);
}

// Removing a set (the one path that deletes runs: DeleteSetsWithRuns) takes every item of
// its runs along, those written by a re-scoring job included, and leaves other sets' runs
// whole. On PostgreSQL run items have no foreign key to their run (migration 900), so the
// doctor looks for orphans there; SQLite keeps the key.
TEST_P(RunStoreTest, RemovingASetLeavesNoRunItemBehind) {
  RunStore runs(db_);
  RescoreStore jobs(db_);
  {
    auto c = db_->Acquire();
    AddSet(*c, "ev_2");
  }
  RunRecord all = NewRun(), some = NewRun(), other = NewRun();
  other.set_id = "ev_2";
  ASSERT_TRUE(runs.CreateRun(&all, {}).ok());
  ASSERT_TRUE(runs.CreateRun(&some, {"evi_1", "evi_2"}).ok());
  ASSERT_TRUE(runs.CreateRun(&other, {}).ok());
  // A re-scored run of `all` with half its items written by the job.
  RunRecord rescored = NewRun();
  ASSERT_TRUE(jobs.Create(&rescored, all, false).ok());
  auto job = jobs.Claim("w", NowMillis(), 60000);
  ASSERT_TRUE(job.ok() && job->has_value());
  ASSERT_TRUE(jobs.BeginAttempt(**job, kItems).ok());
  auto page = runs.ListItems(all.id, 0, kItems / 2);
  ASSERT_TRUE(page.ok());
  for (auto& it : *page) it.run_id = rescored.id;
  auto inserted = jobs.InsertItems(**job, *page, 0);
  ASSERT_TRUE(inserted.ok() && *inserted);

  ASSERT_TRUE(DeleteSetsWithRuns(*db_, "ws_1", {"ev_1"}).ok());
  EXPECT_EQ(OrphanRunItems(), 0);
  for (const auto& id : {all.id, some.id, rescored.id}) {
    EXPECT_FALSE(runs.GetRun("ws_1", id).ok()) << id;
    auto left = runs.ListItems(id, -1, 100);
    ASSERT_TRUE(left.ok());
    EXPECT_TRUE(left->empty()) << id;
  }
  auto kept = runs.ListItems(other.id, -1, 100);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->size(), static_cast<size_t>(kItems));
  // The job's claim died with its run: it writes nothing more.
  auto late = jobs.InsertItems(**job, *page, 0);
  EXPECT_FALSE(late.ok() && *late);
  EXPECT_EQ(OrphanRunItems(), 0);

  auto integrity = [&] {
    for (const auto& check : RunDoctor(*db_, nullptr, DoctorOptions{}).checks)
      if (check.name == "integrity") return check;
    return DoctorCheck{};
  };
  EXPECT_EQ(integrity().status, "ok") << integrity().detail;
  // A run item without its run: SQLite's foreign key refuses it; on PostgreSQL the doctor
  // reports it.
  Status orphan = db_->Acquire()->Exec(
      "INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, expected_output, status, updated_at) "
      "VALUES ('bpr_gone', 'evi_1', 1, 'ws_1', '{}', 'PENDING', 0)");
  if (GetParam() == Backend::kSqlite) {
    EXPECT_FALSE(orphan.ok());
  } else {
    ASSERT_TRUE(orphan.ok()) << orphan.ToString();
    EXPECT_EQ(integrity().status, "fail");
    EXPECT_NE(integrity().detail.find("bpr_gone"), std::string::npos) << integrity().detail;
  }
}

// A set removed while runs of it are being created: each run either commits before the
// removal's deletes (and goes with them) or finds its set gone; no run item is left
// without its run.
TEST_P(RunStoreTest, RemovingASetWhileItsRunsAreCreatedLeavesNoRunItemBehind) {
  RunStore runs(db_);
  for (int round = 0; round < 8; ++round) {
    const std::string set_id = "ev_r" + std::to_string(round);
    {
      auto c = db_->Acquire();
      AddSet(*c, set_id);
    }
    std::atomic<bool> removed{false};
    std::atomic<int> created{0};
    std::vector<std::thread> creators;
    for (int t = 0; t < 2; ++t)
      creators.emplace_back([&] {
        while (!removed) {
          RunRecord r = NewRun();
          r.set_id = set_id;
          if (runs.CreateRun(&r, {}).ok()) ++created;
        }
      });
    const int64_t until = MonotonicMillis() + 30000;
    while (created < 2 * (round % 3) && MonotonicMillis() < until)  // a few runs exist first, or none
      std::this_thread::yield();
    Status st = Status::Internal("not tried");
    for (int i = 0; i < 50 && !st.ok(); ++i) st = DeleteSetsWithRuns(*db_, "ws_1", {set_id});
    removed = true;
    for (auto& t : creators) t.join();
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(OrphanRunItems(), 0) << "round " << round;
  }
}

GOLDSET_BACKENDS(RunStoreTest);

}  // namespace
}  // namespace goldset::store
