// Migrations: every one runs on the backend, applying again is a no-op, and several
// processes (independent Database objects) applying at once migrate exactly once.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "store/migrations.h"
#include "test_database.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

class MigrationsTest : public BackendTest {
 protected:
  void SetUp() override {
    migrate_ = false;
    BackendTest::SetUp();
  }
};

TEST_P(MigrationsTest, ApplyIsIdempotent) {
  auto first = ApplyMigrations(*db);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GE(*first, 1);
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM schema_migrations"), *first);
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT MAX(version) FROM schema_migrations"), LatestMigrationVersion());
  auto again = ApplyMigrations(*db);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 0);
}

TEST_P(MigrationsTest, ConcurrentNodesMigrateExactlyOnce) {
  constexpr int kNodes = 6;
  std::vector<std::shared_ptr<Database>> nodes;
  for (int i = 0; i < kNodes; ++i) nodes.push_back(env_.OpenAnother());
  std::atomic<int> ready{0}, total{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kNodes) std::this_thread::yield();
      auto n = ApplyMigrations(*nodes[static_cast<size_t>(i)]);
      if (!n.ok()) {
        ++failures;
        ADD_FAILURE() << n.status().ToString();
        return;
      }
      total += *n;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto recorded = QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(total.load(), *recorded);  // each migration applied by exactly one node
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(DISTINCT version) FROM schema_migrations"), *recorded);
}

// The lock excludes other processes (here: independent Database objects) for the whole
// of fn, which is also what keeps nodes from each creating a default workspace.
TEST_P(MigrationsTest, MigrationLockExcludesOtherNodes) {
  std::vector<std::shared_ptr<Database>> nodes;
  for (int i = 0; i < 4; ++i) nodes.push_back(env_.OpenAnother());
  std::atomic<int> inside{0}, max_inside{0}, entered{0};
  std::vector<std::thread> threads;
  for (auto& node : nodes) {
    threads.emplace_back([&, node] {
      Status st = node->WithMigrationLock([&] {
        int now = ++inside;
        max_inside = std::max(max_inside.load(), now);
        ++entered;
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        --inside;
        return Status::OK();
      });
      EXPECT_TRUE(st.ok()) << st.ToString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(entered.load(), 4);
  EXPECT_EQ(max_inside.load(), 1);
}

GOLDSET_BACKENDS(MigrationsTest);

}  // namespace
}  // namespace goldset::store
