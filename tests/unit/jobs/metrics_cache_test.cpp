// MetricsCache (jobs/run_metrics.h): live metrics are served from the cache until they
// are old enough to compute again, by the TTL or by how long they took to compute (a
// test clock decides both); a finished run's stored metrics are served as stored. Both
// backends.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/json.h"
#include "jobs/run_metrics.h"
#include "store/run_store.h"
#include "test_database.h"

namespace goldset::jobs {
namespace {

class MetricsCacheTest : public store::testing::SeededBackendTest {
 protected:
  void SetUp() override {
    SeededBackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    auto c = db->Acquire();
    ASSERT_TRUE(c->Exec("INSERT INTO evaluation_runs (id, workspace_id, set_id, entity_kind, entity_json, "
                        "entity_version_json, config, options, status, num_items, num_done, num_failed, created_at, "
                        "updated_at) VALUES ('bpr_1', 'ws_1', 'ev_1', 'extractor', '{}', '{}', ?, '{}', "
                        "'PROCESSING', 3, 0, 0, 1, 1)",
                        {std::string(R"({"schema":{"type":"object","properties":{"n":{"type":["string","null"]}}}})")})
                    .ok());
  }

  // Item `seq` of the run ends PROCESSED (and the run counts it), as a landing would.
  void Finish(int seq) {
    auto c = db->Acquire();
    ASSERT_TRUE(c->Exec("INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, "
                        "expected_output, status, attempts, output, result, correct, latency_ms, num_pages, "
                        "updated_at) VALUES ('bpr_1', ?, ?, 'ws_1', 'file_1', '{}', 'PROCESSED', 1, '{}', '{}', 1, "
                        "5, 1, 1)",
                        {"evi_" + std::to_string(seq), int64_t{seq}})
                    .ok());
    ASSERT_TRUE(c->Exec("UPDATE evaluation_runs SET num_done = num_done + 1 WHERE id = 'bpr_1'").ok());
  }

  store::RunRecord Run() {
    auto run = store::RunStore(db).GetRun("ws_1", "bpr_1");
    EXPECT_TRUE(run.ok());
    return run.ok() ? *run : store::RunRecord{};
  }

  // numFilesProcessed of the metrics the cache serves for the run as stored now.
  int64_t Processed(MetricsCache& cache) {
    store::RunStore runs(db);
    auto m = cache.Get(runs, Run());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? m->at("numFilesProcessed").to_number<int64_t>() : -1;
  }
};

TEST_P(MetricsCacheTest, ServesLiveMetricsUntilTheyAreOldEnoughToComputeAgain) {
  int64_t t = 0;
  MetricsCache cache(/*ttl_ms=*/1000, [&] { return t; });
  Finish(1);
  EXPECT_EQ(Processed(cache), 1);
  Finish(2);
  t = 999;
  EXPECT_EQ(Processed(cache), 1) << "within the TTL: the metrics computed before";
  t = 1000;
  EXPECT_EQ(Processed(cache), 2) << "past it: computed again";
  t = 5000;
  EXPECT_EQ(Processed(cache), 2) << "nothing finished since: the same";
}

// Metrics that took long to compute are served ten times that long: a run too large to
// score every second is scored less often, not on every poll.
TEST_P(MetricsCacheTest, SlowMetricsAreComputedAgainOnlyAfterTenTimesTheirComputation) {
  int64_t t = 0, step = 500;  // each computation takes 500 ms by this clock
  MetricsCache cache(/*ttl_ms=*/1000, [&] {
    const int64_t now = t;
    t += step;
    return now;
  });
  Finish(1);
  EXPECT_EQ(Processed(cache), 1);  // computed at 0, in 500 ms: served until 5,000
  Finish(2);
  step = 0;
  t = 4999;
  EXPECT_EQ(Processed(cache), 1) << "past the TTL, within ten times the computation";
  t = 5000;
  EXPECT_EQ(Processed(cache), 2);
}

// A request that arrives while another computes the run's metrics gets the last ones
// computed rather than computing them as well (dashboards and SDK pollers ask together).
TEST_P(MetricsCacheTest, ARequestDuringAComputationGetsTheLastMetrics) {
  int calls = 0;
  int64_t during = -1;  // what a request made during the second computation got
  std::function<void()> hook;
  MetricsCache cache(/*ttl_ms=*/0, [&] {
    if (++calls == 4 && hook) hook();  // 3: the second computation starts; 4: it has read the items
    return int64_t{0};
  });
  Finish(1);
  EXPECT_EQ(Processed(cache), 1);
  Finish(2);
  hook = [&] { during = Processed(cache); };
  EXPECT_EQ(Processed(cache), 2);
  EXPECT_EQ(during, 1);
}

TEST_P(MetricsCacheTest, AFinishedRunIsServedItsStoredMetrics) {
  Finish(1);
  auto c = db->Acquire();
  ASSERT_TRUE(c->Exec("UPDATE evaluation_runs SET status = 'PROCESSED', metrics = ? WHERE id = 'bpr_1'",
                      {std::string(R"({"type":"EXTRACT","numFilesProcessed":3})")})
                  .ok());
  MetricsCache cache(/*ttl_ms=*/0);
  EXPECT_EQ(Processed(cache), 3);
}

TEST(MetricsCacheRefresh, WaitsTenTimesTheComputationWhenThatIsLongerThanTheTtl) {
  EXPECT_EQ(MetricsCache::RefreshAfterMs(1000, 0), 1000);
  EXPECT_EQ(MetricsCache::RefreshAfterMs(1000, 99), 1000);
  EXPECT_EQ(MetricsCache::RefreshAfterMs(1000, 350), 3500);
  EXPECT_EQ(MetricsCache::RefreshAfterMs(0, 0), 0);
}

GOLDSET_BACKENDS(MetricsCacheTest);

}  // namespace
}  // namespace goldset::jobs
