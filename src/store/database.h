// Database: the one seam between Goldset and its SQL backend.
//
// Callers write portable SQL with `?` placeholders; each backend (sqlite/, postgres/)
// translates placeholders and owns everything backend-specific (connection setup,
// locking, claiming with SKIP LOCKED, upserts that differ). No SQLite- or
// PostgreSQL-only SQL appears outside those folders.
//
// Thread-safety: a Database is thread-safe. A Connection is used by one thread at a
// time; Acquire() hands one out exclusively until the lease is destroyed.
//
// Portable SQL, as both backends run it (see tests/unit/store/):
// * `?` placeholders only (never `$1`, `:name`); a `?` inside a quoted string is text.
// * Types: BIGINT/INTEGER, TEXT, DOUBLE PRECISION, `{BLOB}` in migrations; booleans are
//   INTEGER 0/1. Bind BLOB columns with `Blob{}` params; they read back as raw bytes.
// * Upserts with `INSERT … ON CONFLICT (…) DO NOTHING | DO UPDATE SET x = excluded.x`;
//   `RETURNING` works on both. No `INSERT OR IGNORE/REPLACE`, no SQLite date functions.
// * NULLs sort first ascending on SQLite and last on PostgreSQL: don't ORDER BY a
//   nullable column where the position of NULLs matters.
// * On PostgreSQL a failed statement aborts its transaction: don't catch a constraint
//   error and carry on in the same transaction (use ON CONFLICT instead).
// * Isolation differs. SQLite write transactions (BEGIN IMMEDIATE) exclude each other
//   entirely. PostgreSQL write transactions run at READ COMMITTED, concurrently with
//   others: a read-check-then-write must lock what it reads (`SELECT … ` + ForUpdate()),
//   or be one conditional statement (`UPDATE … WHERE state = ?` and check Changes()),
//   or lean on a unique constraint with ON CONFLICT. Read transactions see one snapshot
//   on both (PostgreSQL: REPEATABLE READ).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace goldset::store {

// A bound parameter or a column value. Text and blobs are both std::string; Blob marks
// parameters that must be bound as binary.
struct Blob {
  std::string bytes;
};
struct Null {};
using Param = std::variant<Null, int64_t, double, std::string, Blob>;
// An optional text column: the string, or SQL NULL.
inline Param OptText(const std::optional<std::string>& s) { return s ? Param(*s) : Param(Null{}); }

class Row {
 public:
  explicit Row(std::vector<std::variant<Null, int64_t, double, std::string>> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<Null>(cols_[i]); }
  int64_t Int(size_t i) const;              // 0 when null; parses text
  double Real(size_t i) const;              // 0 when null
  const std::string& Text(size_t i) const;  // "" when null; blobs come back as text too
  std::string_view TextView(size_t i) const { return Text(i); }

 private:
  std::vector<std::variant<Null, int64_t, double, std::string>> cols_;
};

enum class Backend { kSqlite, kPostgres };

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Status Exec(std::string_view sql, const std::vector<Param>& params = {}) = 0;
  virtual StatusOr<std::vector<Row>> Query(std::string_view sql, const std::vector<Param>& params = {}) = 0;
  // Rows inserted/updated/deleted by the last INSERT/UPDATE/DELETE run through Exec or
  // Query (with RETURNING); a SELECT leaves it unchanged.
  virtual int64_t Changes() = 0;
  // Runs several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // Transactions. Write transactions take the write lock up front, so two writers never
  // deadlock on a lock upgrade. Nested Begin is not supported.
  virtual Status Begin(bool write) = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;
  // Hands out a connection; blocks while all are in use. Never throws and never returns
  // null: a connection that cannot be opened (no descriptor left, server down) comes back
  // as one whose every call fails with Unavailable.
  virtual std::shared_ptr<Connection> Acquire() = 0;

  // Runs fn inside a transaction, committing when it returns OK and rolling back
  // otherwise. Transient conflicts (busy database, serialization failure, deadlock,
  // lost connection: all Status::Unavailable) are retried with backoff, so fn may run
  // more than once and must not have effects outside the transaction.
  Status InTransaction(bool write, const std::function<Status(Connection&)>& fn);

  // Read batches, for a thread that serves many short reads in a row (an event loop).
  // Between BeginReadBatch() and EndReadBatch() on one thread, Acquire() there hands out
  // (when not already lent) one connection kept for the thread, whose statements outside
  // an explicit transaction may share one read snapshot: SQLite takes its WAL read lock
  // once per batch instead of once per query. The snapshot is renewed before any statement
  // that follows a commit through this Database (any thread) and when 5 ms old, so a read
  // never misses a write acknowledged before the read began; a commit by another process
  // may become visible up to 5 ms later, or at EndReadBatch(). Call EndReadBatch() before
  // the thread idles: an open snapshot holds back WAL checkpoints. No-ops by default
  // (PostgreSQL gives each statement its own snapshot and needs no batching).
  virtual void BeginReadBatch() {}
  virtual void EndReadBatch() {}

  // Runs fn while holding a lock that excludes every other process doing the same on
  // this database: for migrations and other once-per-database setup that several nodes
  // starting at once could race on (PostgreSQL: a session advisory lock; SQLite: an
  // flock on a file beside the database).
  // fn may Acquire connections and run transactions. Not reentrant.
  virtual Status WithMigrationLock(const std::function<Status()>& fn) { return fn(); }

  // Dialect: the row-locking suffix of a SELECT, "" where the backend has none.
  //
  // ForUpdateSkipLocked() is how concurrent workers claim queue rows without blocking
  // on each other: " FOR UPDATE SKIP LOCKED" on PostgreSQL, "" on SQLite (one writer at
  // a time already). Claim in ONE statement inside InTransaction(true, …), e.g.
  //   "WITH picked AS MATERIALIZED (SELECT id FROM run_items WHERE state = 'queued' "
  //   "ORDER BY id LIMIT ?" + std::string(db.ForUpdateSkipLocked()) + ") "
  //   "UPDATE run_items SET state = 'running', lease_owner = ?, lease_expires_at = ? "
  //   "WHERE id IN (SELECT id FROM picked) RETURNING id, …"
  // (runs on both backends; MATERIALIZED makes PostgreSQL evaluate the locking subquery
  // exactly once, so a claim never exceeds LIMIT; SKIP LOCKED keeps claimers from
  // waiting on each other's rows). Reclaiming expired leases is the same statement with
  // `WHERE state = 'running' AND lease_expires_at < ?`. ForUpdate() (" FOR UPDATE" / "")
  // locks the rows a read-check-then-write transaction reads.
  virtual std::string_view ForUpdateSkipLocked() const { return ""; }
  virtual std::string_view ForUpdate() const { return ""; }
  // " FOR SHARE" / "": locks rows against UPDATE/DELETE (and ForUpdate) by others without
  // excluding other sharers, e.g. files that rows being inserted will refer to.
  virtual std::string_view ForShare() const { return ""; }

  // Takes a lock on `key`, held until the transaction `c` is in ends, that excludes every
  // other transaction taking the same key on any node (PostgreSQL: a transaction-scoped
  // advisory lock on a hash of the key). SQLite write transactions already exclude each
  // other, so there it does nothing. REQUIRES: c is in InTransaction(true, …).
  virtual Status LockKey(Connection& c, std::string_view key) {
    (void)c;
    (void)key;
    return Status::OK();
  }
};

// Text from outside Goldset (a receiver's or engine's answer, a library's error message)
// as it may be stored: valid UTF-8 without NUL (PostgreSQL refuses both, SQLite would hand
// them back to clients), at most `max_bytes` bytes. Every error text a store writes goes
// through it, so no outside text can make a bookkeeping write fail.
std::string StoredText(std::string_view s, size_t max_bytes = 4096);

// One-row, one-column helpers.
StatusOr<int64_t> QueryInt(Connection& c, std::string_view sql, const std::vector<Param>& params = {});
// Runs one statement in a write transaction of its own; the rows it changed.
StatusOr<int64_t> ExecCountingChanges(Database& db, std::string_view sql, const std::vector<Param>& params = {});

}  // namespace goldset::store
