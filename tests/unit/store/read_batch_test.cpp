// Read batches (Database::BeginReadBatch): on every backend a read in a batch sees every
// write this process committed before it, explicit transactions and nested leases work,
// and nothing changes outside a batch. On SQLite, reads of a batch share one snapshot
// (that is the point: one WAL read lock per batch), which ends with the batch or when
// too old, so it never holds back a checkpoint for long.
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/sqlite/sqlite_database.h"
#include "test_database.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

int64_t ReadValue(Database& db) {
  auto rows = db.Acquire()->Query("SELECT v FROM kv WHERE k = ?", {std::string("a")});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

void WriteValue(Database& db, int64_t v) {
  auto st = db.Acquire()->Exec("UPDATE kv SET v = ? WHERE k = ?", {v, std::string("a")});
  ASSERT_TRUE(st.ok()) << st.ToString();
}

class ReadBatchTest : public BackendTest {
 protected:
  void SetUp() override {
    migrate_ = false;
    BackendTest::SetUp();
    if (IsSkipped()) return;
    auto c = db->Acquire();
    ASSERT_TRUE(c->ExecScript("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT)").ok());
    ASSERT_TRUE(c->Exec("INSERT INTO kv (k, v) VALUES (?, ?)", {std::string("a"), int64_t{0}}).ok());
  }
  void TearDown() override {
    if (db) db->EndReadBatch();
    BackendTest::TearDown();
  }
};

// The guarantee the HTTP loops rely on: a write acknowledged by another thread (the
// handler pool) before a read starts is seen by that read, however many reads the
// batch has already served from its snapshot.
TEST_P(ReadBatchTest, SeesEveryWriteThisProcessCommittedBeforeTheRead) {
  db->BeginReadBatch();
  for (int64_t i = 1; i <= 50; ++i) {
    EXPECT_EQ(ReadValue(*db), i - 1);
    std::thread writer([&] { WriteValue(*db, i); });  // a pool thread: not in the batch
    writer.join();
    EXPECT_EQ(ReadValue(*db), i) << "a read in the batch missed a committed write";
  }
  db->EndReadBatch();
  EXPECT_EQ(ReadValue(*db), 50);
}

TEST_P(ReadBatchTest, WritesAndTransactionsInsideABatch) {
  db->BeginReadBatch();
  EXPECT_EQ(ReadValue(*db), 0);
  WriteValue(*db, 5);  // on the batch connection, after a shared read
  EXPECT_EQ(ReadValue(*db), 5);
  auto st = db->InTransaction(true, [](Connection& c) {
    auto v = QueryInt(c, "SELECT v FROM kv WHERE k = ?", {std::string("a")});
    if (!v.ok()) return v.status();
    return c.Exec("UPDATE kv SET v = ? WHERE k = ?", {*v + 1, std::string("a")});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ReadValue(*db), 6);
  // A transaction that fails is rolled back, and the batch goes on reading.
  st = db->InTransaction(true, [](Connection& c) {
    Status s = c.Exec("UPDATE kv SET v = 100 WHERE k = ?", {std::string("a")});
    return s.ok() ? Status::InvalidArgument("changed my mind") : s;
  });
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ReadValue(*db), 6);
  // A lease abandoned inside an explicit transaction is rolled back on release.
  {
    auto c = db->Acquire();
    ASSERT_TRUE(c->Begin(true).ok());
    ASSERT_TRUE(c->Exec("UPDATE kv SET v = 200 WHERE k = ?", {std::string("a")}).ok());
  }
  EXPECT_EQ(ReadValue(*db), 6);
  db->EndReadBatch();
  EXPECT_EQ(ReadValue(*db), 6);
}

TEST_P(ReadBatchTest, NestedLeasesInABatch) {
  db->BeginReadBatch();
  auto outer = db->Acquire();
  auto inner = db->Acquire();  // the batch connection is lent: this one comes from the pool
  auto a = outer->Query("SELECT v FROM kv");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(inner->Exec("UPDATE kv SET v = 9 WHERE k = ?", {std::string("a")}).ok());
  inner.reset();
  auto b = outer->Query("SELECT v FROM kv");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)[0].Int(0), 9);
  outer.reset();
  EXPECT_EQ(ReadValue(*db), 9);
}

GOLDSET_BACKENDS(ReadBatchTest);

// SQLite specifics, with a second Database on the same file standing in for another
// process (a CLI command): its commits do not bump this process's write generation.
class SqliteReadBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("goldset-batch-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    auto other = OpenSqlite(path_);
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    other_ = *other;
    auto c = other_->Acquire();
    ASSERT_TRUE(c->ExecScript("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT)").ok());
    ASSERT_TRUE(c->Exec("INSERT INTO kv (k, v) VALUES (?, ?)", {std::string("a"), int64_t{0}}).ok());
  }
  void TearDown() override {
    if (db_) db_->EndReadBatch();
    db_.reset();
    other_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(std::chrono::milliseconds max_age) {
    auto opened = OpenSqlite(path_, {.read_batch_snapshot_max_age = max_age});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = *opened;
  }
  // Whether a passive checkpoint from the other "process" copied the whole WAL: it cannot
  // copy frames newer than the snapshot of a reader that is still open.
  bool CheckpointCompletes() {
    auto rows = other_->Acquire()->Query("PRAGMA wal_checkpoint(PASSIVE)");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && (*rows)[0].Int(0) == 0 && (*rows)[0].Int(1) == (*rows)[0].Int(2);
  }

  std::filesystem::path dir_;
  std::string path_;
  std::shared_ptr<Database> other_;
  std::shared_ptr<Database> db_;
};

TEST_F(SqliteReadBatchTest, ReadsOfABatchShareOneSnapshotUntilTheBatchEnds) {
  Open(std::chrono::hours(1));
  db_->BeginReadBatch();
  EXPECT_EQ(ReadValue(*db_), 0);
  WriteValue(*other_, 1);
  EXPECT_EQ(ReadValue(*db_), 0) << "the batch did not keep its snapshot";
  EXPECT_FALSE(CheckpointCompletes()) << "an open snapshot should hold the WAL";
  db_->EndReadBatch();
  EXPECT_TRUE(CheckpointCompletes()) << "the ended batch still holds a snapshot";
  EXPECT_EQ(ReadValue(*db_), 1);
  // Outside a batch every read takes its own snapshot.
  WriteValue(*other_, 2);
  EXPECT_EQ(ReadValue(*db_), 2);
}

TEST_F(SqliteReadBatchTest, SnapshotIsRenewedWhenTooOld) {
  Open(std::chrono::milliseconds(0));  // every read renews: another process's write shows at once
  db_->BeginReadBatch();
  EXPECT_EQ(ReadValue(*db_), 0);
  WriteValue(*other_, 1);
  EXPECT_EQ(ReadValue(*db_), 1);
  db_->EndReadBatch();

  Open(std::chrono::milliseconds(20));
  db_->BeginReadBatch();
  EXPECT_EQ(ReadValue(*db_), 1);
  WriteValue(*other_, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(ReadValue(*db_), 2) << "a snapshot older than its bound served a read";
  db_->EndReadBatch();
}

TEST_F(SqliteReadBatchTest, ABatchOnAnotherThreadDoesNotLeakIntoThisOne) {
  Open(std::chrono::hours(1));
  std::thread loop([&] {
    db_->BeginReadBatch();
    EXPECT_EQ(ReadValue(*db_), 0);
    db_->EndReadBatch();
  });
  loop.join();
  // This thread never began a batch: its reads are fresh.
  EXPECT_EQ(ReadValue(*db_), 0);
  WriteValue(*other_, 3);
  EXPECT_EQ(ReadValue(*db_), 3);
  EXPECT_TRUE(CheckpointCompletes());
}

// With snapshots that never age out, only the write generation can make the batch see a
// write of this process: this checks it alone.
TEST_F(SqliteReadBatchTest, AWriteOfThisProcessRenewsTheSnapshot) {
  Open(std::chrono::hours(1));
  db_->BeginReadBatch();
  for (int64_t i = 1; i <= 20; ++i) {
    EXPECT_EQ(ReadValue(*db_), i - 1);
    std::thread writer([&] { WriteValue(*db_, i); });
    writer.join();
    EXPECT_EQ(ReadValue(*db_), i);
  }
  // A transaction of this process, committed on another thread, renews it too.
  std::thread writer([&] {
    ASSERT_TRUE(
        db_->InTransaction(true,
                           [](Connection& c) { return c.Exec("UPDATE kv SET v = 77 WHERE k = ?", {std::string("a")}); })
            .ok());
  });
  writer.join();
  EXPECT_EQ(ReadValue(*db_), 77);
  db_->EndReadBatch();
}

}  // namespace
}  // namespace goldset::store
