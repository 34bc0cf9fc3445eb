// The Database/Connection contract, identical on both backends: value types, placeholders,
// Changes(), transactions and rollback, error mapping, the claim idiom, and (PostgreSQL)
// the pool and reconnecting after a lost connection.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "store/postgres/postgres_database.h"
#include "test_database.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

class DatabaseTest : public BackendTest {
 protected:
  void SetUp() override {
    migrate_ = false;
    BackendTest::SetUp();
    if (IsSkipped()) return;
    std::string blob = GetParam() == Backend::kPostgres ? "BYTEA" : "BLOB";
    ASSERT_TRUE(db->Acquire()
                    ->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, s TEXT, b " +
                                 blob + ", u TEXT UNIQUE)")
                    .ok());
  }
};

TEST_P(DatabaseTest, ValuesRoundTripExactly) {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  all_bytes += all_bytes;  // NULs and high bytes, twice
  const std::string text = "héllo \xE2\x9C\x93 'quoted' \"dq\" ? $1 \\";
  auto c = db->Acquire();
  ASSERT_TRUE(c->Exec("INSERT INTO t (id, i, r, s, b) VALUES (?, ?, ?, ?, ?)",
                      {int64_t{1}, std::numeric_limits<int64_t>::max(), 0.1, text, Blob{all_bytes}})
                  .ok());
  ASSERT_TRUE(c->Exec("INSERT INTO t (id, i, r, s, b) VALUES (?, ?, ?, ?, ?)",
                      {int64_t{2}, std::numeric_limits<int64_t>::min(), -1e300, std::string(), Null{}})
                  .ok());
  auto rows = c->Query("SELECT i, r, s, b, u FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  const Row& a = (*rows)[0];
  EXPECT_EQ(a.Int(0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(a.Real(1), 0.1);
  EXPECT_EQ(a.Text(2), text);
  EXPECT_EQ(a.Text(3), all_bytes);
  EXPECT_TRUE(a.IsNull(4));
  const Row& b = (*rows)[1];
  EXPECT_EQ(b.Int(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(b.Real(1), -1e300);
  EXPECT_FALSE(b.IsNull(2));
  EXPECT_EQ(b.Text(2), "");
  EXPECT_TRUE(b.IsNull(3));
}

// LOWER() folds all of Unicode on both backends, so `LOWER(name) LIKE LOWER(?)` finds
// "Ärger" for "ärger" on SQLite as on PostgreSQL (a UTF-8 database).
TEST_P(DatabaseTest, LowerFoldsUnicode) {
  auto c = db->Acquire();
  auto rows = c->Query("SELECT LOWER(?), LOWER(?), LOWER(?) LIKE LOWER(?), LOWER(NULL) IS NULL",
                       {std::string("ÄÖÜ ÉÈ ΩΣ ЖЯ ABC z"), std::string("Straße 𝐀"),
                        std::string("Rechnung ÄRGER-Übersicht.PDF"), std::string("%ärger-über%")});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].Text(0), "äöü éè ωσ жя abc z");
  EXPECT_EQ((*rows)[0].Text(1), "straße 𝐀");  // no lowercase of its own: unchanged
  EXPECT_EQ((*rows)[0].Int(2), 1);
  EXPECT_EQ((*rows)[0].Int(3), 1);
  if (GetParam() == Backend::kSqlite) {  // PostgreSQL refuses invalid UTF-8 outright
    auto raw = c->Query("SELECT LOWER(CAST(? AS TEXT))", {Blob{std::string("A\xff\xc3"
                                                                           "B\xc3\x84")}});
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    EXPECT_EQ((*raw)[0].Text(0), std::string("a\xff\xc3"
                                             "b\xc3\xa4"));
  }
}

TEST_P(DatabaseTest, ExpressionsAndPlaceholders) {
  auto c = db->Acquire();
  // A `?` inside a string literal is text, not a placeholder.
  auto rows = c->Query("SELECT '?', ? + 1, 1 = 1, COUNT(*), ? IS NULL FROM t WHERE s = '?''?' OR s IS NULL",
                       {int64_t{41}, Null{}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "?");
  EXPECT_EQ((*rows)[0].Int(1), 42);
  EXPECT_EQ((*rows)[0].Int(2), 1);  // booleans read as 0/1
  EXPECT_EQ((*rows)[0].Int(3), 0);
  EXPECT_EQ((*rows)[0].Int(4), 1);
  // A numeric string fills a BIGINT column and an integer fills a TEXT one, as in SQLite.
  ASSERT_TRUE(c->Exec("INSERT INTO t (id, i, s) VALUES (?, ?, ?)", {int64_t{7}, std::string("123"), int64_t{9}}).ok());
  auto v = c->Query("SELECT i, s FROM t WHERE id = ?", {int64_t{7}});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)[0].Int(0), 123);
  EXPECT_EQ((*v)[0].Text(1), "9");
  // Params in an INSERT … SELECT list and in expressions with no other typed side.
  ASSERT_TRUE(c->Exec("INSERT INTO t (id, i, r, s) SELECT ? + id, ?, ?, ? FROM t WHERE id = ?",
                      {int64_t{100}, int64_t{5}, 2.5, std::string("copy"), int64_t{7}})
                  .ok());
  auto copy = c->Query("SELECT i, r, s, COALESCE(?, s), CASE WHEN ? > 1 THEN ? ELSE 'no' END FROM t WHERE id = 107",
                       {Null{}, int64_t{2}, std::string("yes")});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)[0].Int(0), 5);
  EXPECT_EQ((*copy)[0].Real(1), 2.5);
  EXPECT_EQ((*copy)[0].Text(2), "copy");
  EXPECT_EQ((*copy)[0].Text(3), "copy");
  EXPECT_EQ((*copy)[0].Text(4), "yes");
  // The same inside a transaction, where a statement the server must re-type (or one
  // that never prepares) does not abort the transaction.
  Status st = db->InTransaction(true, [&](Connection& tx) -> Status {
    GOLDSET_RETURN_IF_ERROR(tx.Exec("INSERT INTO t (id, s) VALUES (?, ?)", {int64_t{8}, std::string("in tx")}));
    EXPECT_FALSE(tx.Query("SELECT no_such_column FROM t").ok());
    auto typed = tx.Query("SELECT ? IS NULL, ? || 'x' FROM t WHERE id = ?", {Null{}, std::string("y"), int64_t{8}});
    if (!typed.ok()) return typed.status();
    EXPECT_EQ((*typed)[0].Int(0), 1);
    EXPECT_EQ((*typed)[0].Text(1), "yx");
    return tx.Exec("INSERT INTO t (id, i) SELECT ?, ? + 1", {int64_t{9}, int64_t{41}});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(*QueryInt(*c, "SELECT i FROM t WHERE id = 9"), 42);
  // Wrong number of params is an error, not undefined behaviour.
  EXPECT_FALSE(c->Query("SELECT ? + ?", {int64_t{1}}).ok());
}

TEST_P(DatabaseTest, ChangesCountsRowsOfTheLastWrite) {
  auto c = db->Acquire();
  for (int64_t i = 1; i <= 5; ++i) ASSERT_TRUE(c->Exec("INSERT INTO t (id, i) VALUES (?, ?)", {i, i % 2}).ok());
  ASSERT_TRUE(c->Exec("UPDATE t SET s = 'odd' WHERE i = ?", {int64_t{1}}).ok());
  EXPECT_EQ(c->Changes(), 3);
  ASSERT_TRUE(c->Query("SELECT * FROM t").ok());
  EXPECT_EQ(c->Changes(), 3);  // a SELECT leaves it alone
  ASSERT_TRUE(c->Exec("DELETE FROM t WHERE id > ?", {int64_t{100}}).ok());
  EXPECT_EQ(c->Changes(), 0);
  auto ret = c->Query("UPDATE t SET s = 'x' WHERE id IN (?, ?) RETURNING id", {int64_t{1}, int64_t{2}});
  ASSERT_TRUE(ret.ok()) << ret.status().ToString();
  EXPECT_EQ(ret->size(), 2u);
  EXPECT_EQ(c->Changes(), 2);
}

TEST_P(DatabaseTest, TransactionsCommitOrRollBack) {
  Status st = db->InTransaction(true, [](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec("INSERT INTO t (id) VALUES (1)"));
    return Status::NotFound("caller gave up");
  });
  EXPECT_EQ(st.code(), Status::Code::kNotFound);  // the callback's own error is final
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM t"), 0);

  ASSERT_TRUE(
      db->InTransaction(true, [](Connection& c) { return c.Exec("INSERT INTO t (id, u) VALUES (1, 'a')"); }).ok());
  // A constraint violation is InvalidArgument and undoes the whole transaction.
  st = db->InTransaction(true, [](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec("INSERT INTO t (id, u) VALUES (2, 'b')"));
    return c.Exec("INSERT INTO t (id, u) VALUES (3, 'a')");
  });
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM t"), 1);

  // Bad SQL is Internal; the connection stays usable after a rolled-back transaction.
  auto c = db->Acquire();
  ASSERT_TRUE(c->Begin(true).ok());
  EXPECT_EQ(c->Exec("SELEKT 1").code(), Status::Code::kInternal);
  c->Rollback();
  EXPECT_TRUE(c->Query("SELECT 1").ok());
}

TEST_P(DatabaseTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  ASSERT_TRUE(db->Acquire()->Exec("INSERT INTO t (id, i) VALUES (1, 0)").ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 25; ++k) {
        Status st = db->InTransaction(true, [&](Connection& c) -> Status {
          // read-check-then-write: the documented ForUpdate() makes it safe on PostgreSQL
          auto v = QueryInt(c, "SELECT i FROM t WHERE id = 1" + std::string(db->ForUpdate()));
          if (!v.ok()) return v.status();
          return c.Exec("UPDATE t SET i = ? WHERE id = 1", {*v + 1});
        });
        if (!st.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT i FROM t WHERE id = 1"), 100);
}

TEST_P(DatabaseTest, DeadlocksAreRetried) {
  ASSERT_TRUE(
      db->Acquire()->ExecScript("INSERT INTO t (id, i) VALUES (1, 0); INSERT INTO t (id, i) VALUES (2, 0)").ok());
  auto crossed = [&](int64_t first, int64_t second) {
    return db->InTransaction(true, [&](Connection& c) -> Status {
      GOLDSET_RETURN_IF_ERROR(c.Exec("UPDATE t SET i = i + 1 WHERE id = ?", {first}));
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      return c.Exec("UPDATE t SET i = i + 1 WHERE id = ?", {second});
    });
  };
  auto a = std::async(std::launch::async, crossed, 1, 2);
  auto b = std::async(std::launch::async, crossed, 2, 1);
  Status sa = a.get(), sb = b.get();
  EXPECT_TRUE(sa.ok()) << sa.ToString();
  EXPECT_TRUE(sb.ok()) << sb.ToString();
  auto rows = db->Acquire()->Query("SELECT i FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 2);  // each transaction applied exactly once
  EXPECT_EQ((*rows)[1].Int(0), 2);
}

// The claim idiom documented at Database::ForUpdateSkipLocked: several workers take
// batches from one queue; every row is claimed exactly once and no batch exceeds LIMIT.
TEST_P(DatabaseTest, ClaimIdiomHandsOutEachRowOnce) {
  constexpr int kRows = 300, kBatch = 7, kWorkers = 4;
  ASSERT_TRUE(db->InTransaction(true, [&](Connection& c) -> Status {
                  for (int64_t i = 1; i <= kRows; ++i)
                    GOLDSET_RETURN_IF_ERROR(c.Exec("INSERT INTO t (id, s) VALUES (?, 'queued')", {i}));
                  return Status::OK();
                }).ok());
  const std::string claim = "WITH picked AS MATERIALIZED (SELECT id FROM t WHERE s = 'queued' ORDER BY id LIMIT ?" +
                            std::string(db->ForUpdateSkipLocked()) +
                            ") UPDATE t SET s = ? WHERE id IN (SELECT id FROM picked) RETURNING id";
  std::mutex mu;
  std::multiset<int64_t> claimed;
  std::atomic<int> oversized{0}, errors{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      for (int round = 0;; ++round) {
        std::vector<int64_t> got;
        Status st = db->InTransaction(true, [&](Connection& c) -> Status {
          got.clear();
          auto rows = c.Query(claim, {int64_t{kBatch}, "running w" + std::to_string(w) + "r" + std::to_string(round)});
          if (!rows.ok()) return rows.status();
          for (const Row& r : *rows) got.push_back(r.Int(0));
          return Status::OK();
        });
        if (!st.ok()) {
          ++errors;
          ADD_FAILURE() << st.ToString();
          return;
        }
        if (got.empty()) return;
        if (got.size() > static_cast<size_t>(kBatch)) ++oversized;
        for (int64_t id : got) {
          Status done = db->InTransaction(
              true, [&](Connection& c) { return c.Exec("UPDATE t SET s = 'done' WHERE id = ?", {id}); });
          if (!done.ok()) ++errors;
        }
        std::lock_guard<std::mutex> lock(mu);
        claimed.insert(got.begin(), got.end());
      }
    });
  }
  for (auto& th : workers) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(oversized.load(), 0);
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), static_cast<size_t>(kRows));
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM t WHERE s = 'done'"), kRows);
}

GOLDSET_BACKENDS(DatabaseTest);

// PostgreSQL only: what SQLite has no equivalent of.
class PostgresOnlyTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (!IsSkipped() && GetParam() != Backend::kPostgres) GTEST_SKIP() << "PostgreSQL-specific";
  }
};

TEST_P(PostgresOnlyTest, UnnamedStatementModeTypesLikePreparedAndKeepsNothingOnTheServer) {
  const std::string sep = env_.location.find('?') == std::string::npos ? "?" : "&";
  auto unnamed = OpenPostgres(env_.location + sep + "goldset_statements=unnamed");
  ASSERT_TRUE(unnamed.ok()) << unnamed.status().ToString();
  auto c = (*unnamed)->Acquire();
  for (int round = 0; round < 2; ++round) {  // first call finds the typing, the second reuses it
    auto rows = c->Query("SELECT ? + 1, ? IS NULL, ? || 'x'", {int64_t{41}, Null{}, std::string("y")});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ((*rows)[0].Int(0), 42);
    EXPECT_EQ((*rows)[0].Int(1), 1);
    EXPECT_EQ((*rows)[0].Text(2), "yx");
    ASSERT_TRUE(
        c->Exec("INSERT INTO t (id, i, s) VALUES (?, ?, ?)", {int64_t{10 + round}, std::string("123"), int64_t{9}})
            .ok());
  }
  EXPECT_EQ(*QueryInt(*c, "SELECT SUM(i) FROM t WHERE id IN (10, 11)"), 246);
  // In a transaction: re-typing and a statement that never parses leave it usable; a
  // real error still aborts it.
  Status st = (*unnamed)->InTransaction(true, [&](Connection& tx) -> Status {
    EXPECT_FALSE(tx.Query("SELECT no_such_column FROM t").ok());
    auto typed = tx.Query("SELECT ? IS NULL, COALESCE(?, 'z') FROM t WHERE id = ?", {Null{}, Null{}, int64_t{10}});
    if (!typed.ok()) return typed.status();
    EXPECT_EQ((*typed)[0].Int(0), 1);
    EXPECT_EQ((*typed)[0].Text(1), "z");
    return tx.Exec("INSERT INTO t (id, i) SELECT ?, ? + 1", {int64_t{12}, int64_t{41}});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(*QueryInt(*c, "SELECT i FROM t WHERE id = 12"), 42);
  st = (*unnamed)->InTransaction(true, [&](Connection& tx) -> Status {
    EXPECT_TRUE(tx.Exec("INSERT INTO t (id, u) VALUES (?, ?)", {int64_t{13}, std::string("dup")}).ok());
    EXPECT_FALSE(tx.Exec("INSERT INTO t (id, u) VALUES (?, ?)", {int64_t{14}, std::string("dup")}).ok());
    return tx.Exec("INSERT INTO t (id) VALUES (?)", {int64_t{15}});
  });
  EXPECT_FALSE(st.ok()) << "a constraint violation aborts the transaction, as with prepared statements";
  EXPECT_EQ(*QueryInt(*c, "SELECT COUNT(*) FROM t WHERE id IN (13, 14, 15)"), 0);
  EXPECT_EQ(*QueryInt(*c, "SELECT COUNT(*) FROM pg_prepared_statements"), 0) << "nothing named on the server";
}

TEST_P(PostgresOnlyTest, SkipLockedClaimsDoNotWaitForEachOther) {
  ASSERT_TRUE(db->Acquire()->ExecScript("INSERT INTO t (id, s) SELECT g, 'queued' FROM generate_series(1, 10) g").ok());
  const std::string claim = "WITH picked AS MATERIALIZED (SELECT id FROM t WHERE s = 'queued' ORDER BY id LIMIT 5" +
                            std::string(db->ForUpdateSkipLocked()) +
                            ") UPDATE t SET s = 'running' WHERE id IN (SELECT id FROM picked) RETURNING id";
  auto holder = db->Acquire();
  ASSERT_TRUE(holder->Begin(true).ok());
  auto first = holder->Query(claim);  // locked until holder commits
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 5u);
  auto second = std::async(std::launch::async, [&] {
    std::vector<int64_t> ids;
    Status st = db->InTransaction(true, [&](Connection& c) -> Status {
      auto rows = c.Query(claim);
      if (!rows.ok()) return rows.status();
      for (const Row& r : *rows) ids.push_back(r.Int(0));
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ids;
  });
  ASSERT_EQ(second.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "claim blocked on locked rows";
  auto ids = second.get();
  ASSERT_EQ(ids.size(), 5u);
  for (int64_t id : ids) EXPECT_GT(id, 5);  // the other five
  ASSERT_TRUE(holder->Commit().ok());
}

TEST_P(PostgresOnlyTest, LostConnectionIsUnavailableThenReconnects) {
  auto victim = db->Acquire();
  auto pid = QueryInt(*victim, "SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  {
    auto killer = db->Acquire();
    ASSERT_TRUE(killer->Query("SELECT pg_terminate_backend(?)", {*pid}).ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Status st = victim->Exec("SELECT 1");
  EXPECT_EQ(st.code(), Status::Code::kUnavailable) << st.ToString();
  victim.reset();  // back to the pool, broken; the next lease reconnects it
  for (int i = 0; i < 3; ++i) {
    auto c = db->Acquire();
    auto one = QueryInt(*c, "SELECT 1");
    EXPECT_TRUE(one.ok()) << one.status().ToString();
  }
  EXPECT_TRUE(db->InTransaction(true, [](Connection& c) { return c.Exec("INSERT INTO t (id) VALUES (1)"); }).ok());
}

// A server restart kills every pooled session at once; one failed call must be enough
// to recover, not one per idle connection (more than InTransaction's retries).
TEST_P(PostgresOnlyTest, RecoversAfterAllSessionsDie) {
  auto pool = OpenPostgres(env_.location + "?application_name=restarttest", {.max_connections = 16});
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  {
    std::vector<std::shared_ptr<Connection>> held;
    for (int i = 0; i < 12; ++i) {
      held.push_back((*pool)->Acquire());
      ASSERT_TRUE(held.back()->Query("SELECT 1").ok());
    }
  }
  auto killed =
      QueryInt(*db->Acquire(),
               "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'restarttest'");
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  EXPECT_EQ(*killed, 12);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Status st = (*pool)->InTransaction(true, [](Connection& c) { return c.Exec("INSERT INTO t (id) VALUES (1)"); });
  EXPECT_TRUE(st.ok()) << st.ToString();
  int failures = 0;
  for (int i = 0; i < 20; ++i) failures += (*pool)->Acquire()->Query("SELECT 1").ok() ? 0 : 1;
  EXPECT_EQ(failures, 0);
}

// BEGIN goes in one pipeline with a transaction's first statement when that statement is
// prepared on the connection already (postgres_database.cpp): the transaction is still
// one, its errors and its snapshot are as before, and a connection that died in between
// is Unavailable (InTransaction retries on a new one).
TEST_P(PostgresOnlyTest, BeginPipelinedWithAPreparedStatementIsStillATransaction) {
  auto pool = OpenPostgres(env_.location + "?application_name=pipelinetest", {.max_connections = 2});
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  Database& one = **pool;
  const std::string insert = "INSERT INTO t (id, u) VALUES (?, ?)";
  const std::string count = "SELECT COUNT(*) FROM t";
  auto prepare_on_every_connection = [&] {
    auto a = one.Acquire();
    auto b = one.Acquire();
    for (auto* c : {a.get(), b.get()}) {
      ASSERT_TRUE(c->Exec(insert, {int64_t{-1}, Null{}}).ok());
      ASSERT_TRUE(c->Exec("DELETE FROM t WHERE id = ?", {int64_t{-1}}).ok());
      ASSERT_TRUE(QueryInt(*c, count).ok());
    }
  };
  prepare_on_every_connection();
  // Committed together.
  ASSERT_TRUE(one.InTransaction(true,
                                [&](Connection& c) -> Status {
                                  GOLDSET_RETURN_IF_ERROR(c.Exec(insert, {int64_t{1}, std::string("a")}));
                                  return c.Exec(insert, {int64_t{2}, std::string("b")});
                                })
                  .ok());
  EXPECT_EQ(*QueryInt(*db->Acquire(), count), 2);
  // Rolled back: had BEGIN not run first, the first INSERT would have committed alone.
  Status st = one.InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec(insert, {int64_t{3}, std::string("c")}));
    return Status::NotFound("caller gave up");
  });
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  // The pipelined statement itself fails: InvalidArgument, nothing written.
  st = one.InTransaction(true, [&](Connection& c) { return c.Exec(insert, {int64_t{4}, std::string("a")}); });
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  EXPECT_EQ(*QueryInt(*db->Acquire(), count), 2);
  // A read transaction keeps one snapshot from its first (pipelined) statement on.
  std::vector<int64_t> seen;
  ASSERT_TRUE(
      one.InTransaction(false,
                        [&](Connection& c) -> Status {
                          for (int i = 0; i < 2; ++i) {
                            auto n = QueryInt(c, count);
                            if (!n.ok()) return n.status();
                            seen.push_back(*n);
                            if (i == 0)
                              GOLDSET_RETURN_IF_ERROR(db->Acquire()->Exec(insert, {int64_t{5}, std::string("e")}));
                          }
                          return Status::OK();
                        })
          .ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(*QueryInt(*db->Acquire(), count), 3);
  // Both pooled sessions die between transactions: the pipeline finds its connection
  // gone (Unavailable), and InTransaction's retry runs on a new one.
  prepare_on_every_connection();
  ASSERT_TRUE(db->Acquire()
                  ->Query("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = "
                          "'pipelinetest'")
                  .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  st = one.InTransaction(true, [&](Connection& c) { return c.Exec(insert, {int64_t{6}, std::string("f")}); });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM t WHERE id = 6"), 1);
}

TEST_P(PostgresOnlyTest, PoolIsBoundedAndAcquireBlocks) {
  auto small =
      OpenPostgres(env_.location + "?application_name=pooltest", {.max_connections = 2, .acquire_timeout_ms = 400});
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  auto a = (*small)->Acquire();
  auto b = (*small)->Acquire();
  auto waiter = std::async(std::launch::async, [&] {
    auto c = (*small)->Acquire();
    return c->Query("SELECT 1").status();
  });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(150)), std::future_status::timeout);  // blocked
  a.reset();
  ASSERT_EQ(waiter.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_TRUE(waiter.get().ok());
  // All busy past the timeout: the lease fails with Unavailable instead of hanging.
  auto a2 = (*small)->Acquire();
  auto start = std::chrono::steady_clock::now();
  auto late = (*small)->Acquire();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(350));
  EXPECT_EQ(late->Query("SELECT 1").status().code(), Status::Code::kUnavailable);
  // Only two server sessions ever existed for this pool.
  auto sessions = QueryInt(*b, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'pooltest'");
  ASSERT_TRUE(sessions.ok()) << sessions.status().ToString();
  EXPECT_EQ(*sessions, 2);
}

GOLDSET_BACKENDS(PostgresOnlyTest);

}  // namespace
}  // namespace goldset::store
