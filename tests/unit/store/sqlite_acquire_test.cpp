// Audit F3: a SQLite connection that cannot be opened (out of descriptors in a connection
// flood, database directory gone) used to throw from Acquire() and end the process. It now
// comes back as a connection whose every call fails with Unavailable (a 503, a retry).
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "store/sqlite/sqlite_database.h"

namespace goldset::store {
namespace {

TEST(SqliteAcquire, F3_AConnectionThatCannotBeOpenedIsUnavailableNotAnException) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() /
                       ("goldset-acquire-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(dir);
  fs::remove_all(dir.string() + "-moved");
  fs::create_directories(dir);
  auto opened = OpenSqlite((dir / "t.db").string());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::shared_ptr<Database> db = *opened;
  // Hold every pooled connection, so the next Acquire must open a new one.
  std::vector<std::shared_ptr<Connection>> held;
  for (int i = 0; i < 40; ++i) held.push_back(db->Acquire());
  ASSERT_TRUE(held.back()->Query("SELECT 1").ok());
  fs::rename(dir, dir.string() + "-moved");

  std::shared_ptr<Connection> c;
  ASSERT_NO_THROW(c = db->Acquire());
  ASSERT_NE(c, nullptr);
  auto rows = c->Query("SELECT 1");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(rows.status().retryable());
  EXPECT_EQ(c->Begin(true).code(), Status::Code::kUnavailable);
  c.reset();
  // The read-batch path (an event-loop thread's first read) too.
  db->BeginReadBatch();
  ASSERT_NO_THROW(c = db->Acquire());
  EXPECT_EQ(c->Exec("SELECT 1").code(), Status::Code::kUnavailable);
  c.reset();
  db->EndReadBatch();
  // Transactions report it after their retries instead of throwing.
  EXPECT_EQ(db->InTransaction(false, [](Connection&) { return Status::OK(); }).code(), Status::Code::kUnavailable);

  held.clear();
  db.reset();
  fs::remove_all(dir.string() + "-moved");
}

}  // namespace
}  // namespace goldset::store
