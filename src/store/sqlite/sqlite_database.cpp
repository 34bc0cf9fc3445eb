#include "store/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <vector>

#include "common/string_map.h"
#include "store/sqlite/sqlite_functions.h"

namespace goldset::store {

namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xFF;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Unavailable(msg);
  const int sys = db ? sqlite3_system_errno(db) : 0;
  // A full disk is the operator's to fix; nothing stored is damaged (the write rolled back).
  if (primary == SQLITE_FULL || (primary == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT)))
    return Status::NoSpace(msg + " (the disk holding the database is full)");
  // Out of file descriptors or memory (a connection flood): transient, so 503 and retry.
  if (primary == SQLITE_CANTOPEN || sys == EMFILE || sys == ENFILE || sys == ENOMEM) return Status::Unavailable(msg);
  if (primary == SQLITE_CONSTRAINT) return Status::InvalidArgument(msg);
  return Status::Internal(msg);
}

// Stands in for a connection that could not be opened (no file descriptor left, disk
// gone): every call reports why, as Unavailable, so the request answers 503 or the item is
// retried, instead of an exception ending the process (audit F3).
class UnopenedConnection final : public Connection {
 public:
  explicit UnopenedConnection(Status why) : why_(std::move(why)) {}
  Status Exec(std::string_view, const std::vector<Param>&) override { return why_; }
  StatusOr<std::vector<Row>> Query(std::string_view, const std::vector<Param>&) override { return why_; }
  int64_t Changes() override { return 0; }
  Status ExecScript(std::string_view) override { return why_; }
  Status Begin(bool) override { return why_; }
  Status Commit() override { return why_; }
  void Rollback() override {}

 private:
  Status why_;
};

std::shared_ptr<Connection> Unopened(const Status& st) {
  return std::make_shared<UnopenedConnection>(
      Status::Unavailable("database connection unavailable (" + st.message() + ")"));
}

// Bumped after every commit of a write through any connection of one SqliteDatabase.
using WriteGeneration = std::shared_ptr<std::atomic<uint64_t>>;

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, WriteGeneration generation, std::chrono::milliseconds snapshot_max_age)
      : db_(db), generation_(std::move(generation)), snapshot_max_age_(snapshot_max_age) {
    // Runs inside the commit, before it is durable; the bump waits for the step to return.
    sqlite3_commit_hook(
        db_,
        [](void* self) {
          static_cast<SqliteConnection*>(self)->committing_ = true;
          return 0;
        },
        this);
  }
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Status Exec(std::string_view sql, const std::vector<Param>& params) override {
    auto st = Run(sql, params, nullptr);
    return st;
  }

  StatusOr<std::vector<Row>> Query(std::string_view sql, const std::vector<Param>& params) override {
    std::vector<Row> rows;
    Status st = Run(sql, params, &rows);
    if (!st.ok()) return st;
    return rows;
  }

  int64_t Changes() override { return sqlite3_changes64(db_); }

  Status ExecScript(std::string_view sql) override {
    EndSharedSnapshot();
    char* err = nullptr;
    std::string s(sql);
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    PublishCommit();
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      return Status::Internal("sqlite script: " + msg);
    }
    return Status::OK();
  }

  Status Begin(bool write) override {
    EndSharedSnapshot();
    explicit_txn_ = true;  // BEGIN itself must not open a shared snapshot
    Status st = Run(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", {}, nullptr);
    if (!st.ok()) explicit_txn_ = false;
    return st;
  }
  Status Commit() override {
    Status st = Run("COMMIT", {}, nullptr);
    if (st.ok()) explicit_txn_ = false;
    return st;
  }
  void Rollback() override {
    explicit_txn_ = false;
    shared_snapshot_ = false;
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  bool InExplicitTransaction() const { return explicit_txn_; }

  // Read batching (see Database::BeginReadBatch). While enabled, a read-only statement run
  // outside an explicit transaction joins one open read transaction instead of taking and
  // dropping SQLite's WAL read lock itself; that lock (two fcntl calls and a mutex shared
  // by every connection of the process) costs more than a point query.
  void EnableSharedSnapshots(bool on) {
    share_snapshots_ = on;
    if (!on) EndSharedSnapshot();
  }
  void EndSharedSnapshot() {
    if (!shared_snapshot_) return;
    shared_snapshot_ = false;
    if (sqlite3_get_autocommit(db_)) return;
    auto commit = Prepare("COMMIT");
    int rc = commit.ok() ? sqlite3_step(*commit) : SQLITE_ERROR;
    if (commit.ok()) sqlite3_reset(*commit);
    if (rc != SQLITE_DONE) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  StatusOr<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  // A shared snapshot may serve this statement only if no write committed in this process
  // since it was taken: a read never misses a write acknowledged before the read began.
  bool SnapshotIsCurrent() const {
    return generation_->load(std::memory_order_acquire) == snapshot_generation_ &&
           std::chrono::steady_clock::now() - snapshot_taken_ < snapshot_max_age_;
  }

  // Called before `stmt` runs outside an explicit transaction.
  Status PrepareSnapshot(sqlite3_stmt* stmt) {
    const bool read_only = sqlite3_stmt_readonly(stmt) != 0;
    if (shared_snapshot_ && (!read_only || !SnapshotIsCurrent())) EndSharedSnapshot();
    if (!share_snapshots_ || !read_only || shared_snapshot_) return Status::OK();
    snapshot_generation_ = generation_->load(std::memory_order_acquire);
    snapshot_taken_ = std::chrono::steady_clock::now();
    auto begin = Prepare("BEGIN DEFERRED");
    if (!begin.ok()) return begin.status();
    int rc = sqlite3_step(*begin);
    sqlite3_reset(*begin);
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "begin");
    shared_snapshot_ = true;
    return Status::OK();
  }

  void PublishCommit() {
    if (!committing_) return;
    committing_ = false;
    generation_->fetch_add(1, std::memory_order_release);
  }

  Status Run(std::string_view sql, const std::vector<Param>& params, std::vector<Row>* out) {
    auto prepared = Prepare(sql);
    if (!prepared.ok()) return prepared.status();
    sqlite3_stmt* stmt = *prepared;
    sqlite3_reset(stmt);
    if (!explicit_txn_) GOLDSET_RETURN_IF_ERROR(PrepareSnapshot(stmt));
    // No sqlite3_clear_bindings: every placeholder is bound below (the count is checked).
    // SQLite would bind NULL to a missing param; PostgreSQL refuses. Refuse on both.
    if (static_cast<size_t>(sqlite3_bind_parameter_count(stmt)) != params.size())
      return Status::Internal("statement has " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                              " placeholders but " + std::to_string(params.size()) + " params: " + std::string(sql));
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Param& p = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<Null>(p)) rc = sqlite3_bind_null(stmt, idx);
      else if (auto v = std::get_if<int64_t>(&p)) rc = sqlite3_bind_int64(stmt, idx, *v);
      else if (auto v = std::get_if<double>(&p)) rc = sqlite3_bind_double(stmt, idx, *v);
      else if (auto v = std::get_if<std::string>(&p))
        rc = sqlite3_bind_text64(stmt, idx, v->data(), v->size(), SQLITE_STATIC, SQLITE_UTF8);
      else if (auto v = std::get_if<Blob>(&p))
        rc = sqlite3_bind_blob64(stmt, idx, v->bytes.data(), v->bytes.size(), SQLITE_STATIC);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Status st = SqliteError(db_, rc, "step");
        sqlite3_reset(stmt);
        PublishCommit();
        EndSharedSnapshot();
        return st;
      }
      if (!out) continue;
      int n = sqlite3_column_count(stmt);
      std::vector<std::variant<Null, int64_t, double, std::string>> cols;
      cols.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: cols.emplace_back(Null{}); break;
          case SQLITE_INTEGER: cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
          case SQLITE_FLOAT: cols.emplace_back(sqlite3_column_double(stmt, c)); break;
          default: {
            const void* data = sqlite3_column_blob(stmt, c);
            int len = sqlite3_column_bytes(stmt, c);
            cols.emplace_back(std::string(static_cast<const char*>(data), static_cast<size_t>(len)));
          }
        }
      }
      out->emplace_back(std::move(cols));
    }
    sqlite3_reset(stmt);
    PublishCommit();
    return Status::OK();
  }

  sqlite3* db_;
  WriteGeneration generation_;
  const std::chrono::milliseconds snapshot_max_age_;
  StringMap<sqlite3_stmt*> cache_;  // by SQL text, looked up as string_view: no copy per query
  bool committing_ = false;         // set by the commit hook, published after the step
  bool explicit_txn_ = false;       // inside Begin() … Commit()/Rollback()
  bool share_snapshots_ = false;
  bool shared_snapshot_ = false;  // a read transaction opened for a batch is open
  uint64_t snapshot_generation_ = 0;
  std::chrono::steady_clock::time_point snapshot_taken_;
};

// The connection a thread in a read batch uses; one per thread, for one database at a time
// (databases are told apart by a serial number: a new one may reuse a freed address).
struct BatchConnection {
  uint64_t database_serial = 0;
  bool active = false;  // between BeginReadBatch and EndReadBatch
  bool leased = false;
  std::unique_ptr<SqliteConnection> conn;
};
thread_local BatchConnection t_batch;
std::atomic<uint64_t> g_database_serial{0};

class SqliteDatabase final : public Database, public std::enable_shared_from_this<SqliteDatabase> {
 public:
  SqliteDatabase(std::string path, const SqliteOptions& options) : path_(std::move(path)), options_(options) {}

  // Other threads' batch connections close when their thread exits or starts a batch of
  // another database; they hold no snapshot once their batch has ended.
  ~SqliteDatabase() override {
    if (t_batch.database_serial == serial_ && !t_batch.leased) t_batch = BatchConnection{};
  }

  Backend backend() const override { return Backend::kSqlite; }

  // An exclusive flock on <db>.lock: processes sharing the file (a CLI command while a
  // server starts) run their one-time setup one after another.
  Status WithMigrationLock(const std::function<Status()>& fn) override {
    std::string lock_path = path_ + ".lock";
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return Status::Internal("cannot open " + lock_path + ": " + std::strerror(errno));
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        int err = errno;
        ::close(fd);
        return Status::Internal("cannot lock " + lock_path + ": " + std::strerror(err));
      }
    }
    Status st = fn();
    ::close(fd);  // releases the lock
    return st;
  }

  StatusOr<std::unique_ptr<SqliteConnection>> Open() {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Status st = SqliteError(db, rc, "open " + path_);
      sqlite3_close_v2(db);
      return st;
    }
    sqlite3_busy_timeout(db, 10000);
    rc = RegisterSqlFunctions(db);
    if (rc != SQLITE_OK) {
      Status st = SqliteError(db, rc, "register functions on " + path_);
      sqlite3_close_v2(db);
      return st;
    }
    auto conn = std::make_unique<SqliteConnection>(db, generation_, options_.read_batch_snapshot_max_age);
    GOLDSET_RETURN_IF_ERROR(
        conn->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                         "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;"));
    return conn;
  }

  std::shared_ptr<Connection> Acquire() override {
    if (t_batch.active && t_batch.database_serial == serial_ && !t_batch.leased) return AcquireBatchConnection();
    std::unique_ptr<SqliteConnection> conn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!conn) {
      auto opened = Open();
      if (!opened.ok()) return Unopened(opened.status());
      conn = std::move(opened.value());
    }
    auto self = shared_from_this();
    SqliteConnection* raw = conn.release();
    return std::shared_ptr<Connection>(raw, [self](Connection* c) {
      auto* sc = static_cast<SqliteConnection*>(c);
      sc->Rollback();
      std::lock_guard<std::mutex> lock(self->mu_);
      if (self->idle_.size() < 32) self->idle_.emplace_back(sc);
      else delete sc;
    });
  }

  void BeginReadBatch() override {
    if (t_batch.active && t_batch.database_serial == serial_) return;
    if (t_batch.leased) return;  // another database's batch connection is in use here
    if (t_batch.database_serial != serial_) t_batch.conn.reset();
    t_batch.database_serial = serial_;
    t_batch.active = true;
  }

  void EndReadBatch() override {
    if (!t_batch.active || t_batch.database_serial != serial_) return;
    t_batch.active = false;
    if (t_batch.conn && !t_batch.leased) t_batch.conn->EnableSharedSnapshots(false);
  }

 private:
  // REQUIRES: this thread is in a read batch of this database and its connection is free.
  std::shared_ptr<Connection> AcquireBatchConnection() {
    if (!t_batch.conn) {
      auto opened = Open();
      if (!opened.ok()) return Unopened(opened.status());
      t_batch.conn = std::move(opened.value());
    }
    t_batch.leased = true;
    t_batch.conn->EnableSharedSnapshots(true);
    // Not owned: the connection stays with the thread. Released, it keeps its shared
    // snapshot for the next request of the batch, but never an explicit transaction.
    return std::shared_ptr<Connection>(t_batch.conn.get(), [](Connection* c) {
      auto* sc = static_cast<SqliteConnection*>(c);
      if (sc->InExplicitTransaction()) sc->Rollback();
      t_batch.leased = false;
      if (!t_batch.active) sc->EnableSharedSnapshots(false);
    });
  }

  std::string path_;
  const SqliteOptions options_;
  const uint64_t serial_ = g_database_serial.fetch_add(1) + 1;
  WriteGeneration generation_ = std::make_shared<std::atomic<uint64_t>>(0);
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

}  // namespace

StatusOr<std::shared_ptr<Database>> OpenSqlite(const std::string& path, const SqliteOptions& options) {
  // Memory statistics put one process-wide mutex around every SQLite allocation, which
  // concurrent readers on different threads contend for; nothing here reads them. Must
  // precede the library's initialization (the first open), hence once, here.
  static std::once_flag configure;
  std::call_once(configure, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto db = std::make_shared<SqliteDatabase>(path, options);
  auto probe = db->Open();  // fail early on a bad path or a corrupt file
  if (!probe.ok()) return probe.status();
  return std::shared_ptr<Database>(db);
}

}  // namespace goldset::store
