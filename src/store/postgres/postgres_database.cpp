#include "store/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace goldset::store {

namespace {

// Type OIDs (catalog/pg_type_d.h is a server header; these values are fixed).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kTextOid = 25, kOidOid = 26,
              kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;
// Key of the advisory lock that serializes migrations across processes. Transaction-
// scoped, in a transaction kept open while the migrations run: a session lock would be
// left on whichever server connection PgBouncer (transaction mode) ran it on.
constexpr const char* kMigrationLockSql = "SELECT pg_advisory_xact_lock(7311758452)";
// Per-connection cap on prepared statements; SQL built at run time could grow it forever.
constexpr size_t kMaxPrepared = 512;

void IgnoreNotice(void*, const char*) {}  // "relation already exists, skipping" and such

PGconn* Connect(const std::string& url) {
  const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {"10", "goldset", "UTF8", url.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);  // the URL overrides earlier keys
  if (c) PQsetNoticeProcessor(c, IgnoreNotice, nullptr);
  return c;
}

std::string Trimmed(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Status ConnectionLost(PGconn* c) {
  return Status::Unavailable("database connection lost: " + Trimmed(c ? PQerrorMessage(c) : "out of memory"));
}

// Maps a failed result (or none) to a Status; see postgres_database.h.
Status PgError(PGconn* c, const PGresult* r, std::string_view what) {
  if (!c || PQstatus(c) == CONNECTION_BAD) return ConnectionLost(c);
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (!state) return ConnectionLost(c);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  std::string msg = std::string(what) + ": " + Trimmed(primary ? primary : PQresultErrorMessage(r));
  std::string_view code(state);
  std::string_view cls = code.substr(0, 2);
  if (code == "40001" || code == "40P01" || cls == "08" || code == "57P01" || code == "57P02" || code == "57P03" ||
      code == "53300" || code == "55P03")
    return Status::Unavailable(msg + " [" + std::string(code) + "]");
  if (code == "53100") return Status::NoSpace(msg + " [53100]");  // disk_full
  if (cls == "23" || cls == "22") return Status::InvalidArgument(msg);
  return Status::Internal(msg + " [" + std::string(code) + "]");
}

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

class PgConnection final : public Connection {
 public:
  // Takes ownership of conn (which may be null or broken). A non-empty `unusable`
  // makes every call fail with Unavailable(unusable).
  PgConnection(std::string url, PGconn* conn, bool server_prepared, std::string unusable = "")
      : url_(std::move(url)), conn_(conn), server_prepared_(server_prepared), unusable_(std::move(unusable)) {}
  ~PgConnection() override {
    if (conn_) PQfinish(conn_);
  }

  // Reconnects a connection that the server or the network dropped.
  void EnsureConnected() {
    if (!unusable_.empty()) return;
    if (!conn_) {
      conn_ = Connect(url_);
      prepared_.clear();
    } else if (PQstatus(conn_) == CONNECTION_BAD) {
      PQreset(conn_);  // prepared statements die with the old session
      prepared_.clear();
    }
  }
  bool healthy() const { return unusable_.empty() && conn_ && PQstatus(conn_) == CONNECTION_OK; }

  Status Exec(std::string_view sql, const std::vector<Param>& params) override { return Run(sql, params, nullptr); }
  StatusOr<std::vector<Row>> Query(std::string_view sql, const std::vector<Param>& params) override {
    std::vector<Row> rows;
    Status st = Run(sql, params, &rows);
    if (!st.ok()) return st;
    return rows;
  }
  int64_t Changes() override { return changes_; }

  Status ExecScript(std::string_view sql) override { return Simple(std::string(sql), "script"); }

  // With statements prepared on the server, BEGIN is not sent on its own: it goes in one
  // pipeline with the transaction's first statement when that one is prepared already (one
  // round trip instead of two), else just before it. A transaction that ran nothing sends
  // neither BEGIN nor COMMIT. (The snapshot of a REPEATABLE READ transaction is taken at
  // its first statement either way.)
  Status Begin(bool write) override {
    const char* sql = write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ";
    if (!server_prepared_) return Simple(sql, "begin");
    GOLDSET_RETURN_IF_ERROR(Usable());
    pending_begin_ = sql;
    return Status::OK();
  }
  Status Commit() override {
    if (pending_begin_) {
      pending_begin_ = nullptr;  // nothing ran
      return Status::OK();
    }
    GOLDSET_RETURN_IF_ERROR(Usable());
    Result r(PQexec(conn_, "COMMIT"), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return PgError(conn_, r.get(), "commit");
    // COMMIT of a transaction that an earlier error aborted reports ROLLBACK, not an error.
    if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
      return Status::Internal("commit: the transaction was aborted by an earlier error and rolled back");
    return Status::OK();
  }
  void Rollback() override {
    pending_begin_ = nullptr;
    if (healthy() && PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  }

 private:
  struct Prepared {
    std::string name;  // server-side statement name ("" in unnamed mode)
    int nparams;
    std::string text;  // with $n placeholders (unnamed mode)
    int attempt = 0;   // the typing attempt the server accepted (unnamed mode); 0: none yet
  };

  // Parameter types, tried in order until the server accepts the statement:
  //  1. numbers typed as what they are (BIGINT/DOUBLE), text and NULL left for the server
  //     to infer from context (so a string can fill any column, as in SQLite);
  //  2. everything inferred (an int64 compared with a TEXT column);
  //  3. everything typed (`? IS NULL`, `SELECT ?`: no context to infer from).
  // Blobs are always BYTEA (sent in binary).
  static std::vector<Oid> ParamTypes(const std::vector<Param>& params, int attempt) {
    std::vector<Oid> types(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const Param& p = params[i];
      if (std::holds_alternative<Blob>(p)) types[i] = kByteaOid;
      else if (attempt == 2) continue;
      else if (std::holds_alternative<int64_t>(p)) types[i] = kInt8Oid;
      else if (std::holds_alternative<double>(p)) types[i] = kFloat8Oid;
      else if (attempt == 3) types[i] = kTextOid;
    }
    return types;
  }
  // 42P18 indeterminate type, 42804 datatype mismatch, 42883 no such operator/function,
  // 42725 ambiguous function: a typing problem another attempt may solve.
  static bool TypingError(const PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string_view code = state ? state : "";
    return code == "42P18" || code == "42804" || code == "42883" || code == "42725";
  }

  Status Usable() {
    if (!unusable_.empty()) return Status::Unavailable(unusable_);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return ConnectionLost(conn_);
    return Status::OK();
  }

  Status Simple(const std::string& sql, std::string_view what) {
    GOLDSET_RETURN_IF_ERROR(Usable());
    GOLDSET_RETURN_IF_ERROR(FlushBegin());
    Result r(PQexec(conn_, sql.c_str()), &PQclear);
    ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) return PgError(conn_, r.get(), what);
    return Status::OK();
  }

  // Sends a deferred BEGIN on its own (see Begin).
  Status FlushBegin() {
    if (!pending_begin_) return Status::OK();
    const char* sql = pending_begin_;
    pending_begin_ = nullptr;
    Result r(PQexec(conn_, sql), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return PgError(conn_, r.get(), "begin");
    return Status::OK();
  }

  // Runs the deferred BEGIN and the prepared statement `name` in one pipeline; *out is the
  // statement's result (or BEGIN's, when that failed). A pipeline that does not end in its
  // sync leaves the connection unusable: it is closed (and reopened on its next Acquire).
  Status RunAfterBegin(const std::string& name, const std::vector<const char*>& values, const std::vector<int>& lengths,
                       const std::vector<int>& formats, Result* out) {
    const char* begin = pending_begin_;
    pending_begin_ = nullptr;
    const int n = static_cast<int>(values.size());
    bool sent = PQenterPipelineMode(conn_) == 1;
    sent = sent && PQsendQueryParams(conn_, begin, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    sent = sent && PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), lengths.data(), formats.data(), 0) == 1;
    sent = sent && PQpipelineSync(conn_) == 1;
    // Each query's results end with a null; the sync's result ends the pipeline.
    std::vector<Result> results;
    bool synced = false;
    for (int nulls = 0; sent && nulls < 2;) {
      PGresult* x = PQgetResult(conn_);
      if (!x) {
        if (PQstatus(conn_) == CONNECTION_BAD) break;
        ++nulls;
        continue;
      }
      nulls = 0;
      if (PQresultStatus(x) == PGRES_PIPELINE_SYNC) {
        PQclear(x);
        synced = true;
        break;
      }
      results.emplace_back(x, &PQclear);
    }
    if (!synced || results.size() != 2 || PQexitPipelineMode(conn_) != 1) {
      Status lost = ConnectionLost(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      prepared_.clear();
      return lost;
    }
    if (PQresultStatus(results[0].get()) != PGRES_COMMAND_OK) return PgError(conn_, results[0].get(), "begin");
    *out = std::move(results[1]);
    return Status::OK();
  }

  StatusOr<const Prepared*> Prepare(std::string_view sql, const std::vector<Param>& params) {
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it != prepared_.end()) return &it->second;
    if (prepared_.size() >= kMaxPrepared) {
      if (server_prepared_) GOLDSET_RETURN_IF_ERROR(Simple("DEALLOCATE ALL", "deallocate"));
      prepared_.clear();
    }
    int n = 0;
    std::string text = TranslatePlaceholders(sql, &n);
    if (static_cast<size_t>(n) != params.size())
      return Status::Internal("statement has " + std::to_string(n) + " placeholders but " +
                              std::to_string(params.size()) + " params: " + key);
    if (!server_prepared_) {
      // Unnamed mode: nothing is kept on the server; Run sends the text with every call.
      auto [pos, _] = prepared_.emplace(std::move(key), Prepared{"", n, std::move(text)});
      return &pos->second;
    }
    std::string name = "g" + std::to_string(++statement_counter_);
    // A failed prepare would abort the enclosing transaction, so inside one the attempts
    // run under a savepoint.
    const bool in_transaction = PQtransactionStatus(conn_) == PQTRANS_INTRANS;
    if (in_transaction) GOLDSET_RETURN_IF_ERROR(Simple("SAVEPOINT goldset_prepare", "savepoint"));
    Result r(nullptr, &PQclear);
    for (int attempt = 1; attempt <= 3; ++attempt) {
      if (attempt > 1 && in_transaction)
        GOLDSET_RETURN_IF_ERROR(Simple("ROLLBACK TO SAVEPOINT goldset_prepare", "savepoint"));
      std::vector<Oid> types = ParamTypes(params, attempt);
      r.reset(PQprepare(conn_, name.c_str(), text.c_str(), n, types.data()));
      if (!r || PQresultStatus(r.get()) == PGRES_COMMAND_OK) break;
      if (!TypingError(r.get())) break;
    }
    if (in_transaction) {
      const bool ok = r && PQresultStatus(r.get()) == PGRES_COMMAND_OK;
      // Even a statement that never prepares leaves the transaction usable, as in SQLite.
      if (!ok) GOLDSET_RETURN_IF_ERROR(Simple("ROLLBACK TO SAVEPOINT goldset_prepare", "savepoint"));
      GOLDSET_RETURN_IF_ERROR(Simple("RELEASE SAVEPOINT goldset_prepare", "savepoint"));
    }
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return PgError(conn_, r.get(), "prepare");
    auto [pos, _] = prepared_.emplace(std::move(key), Prepared{std::move(name), n, ""});
    return &pos->second;
  }

  Status Run(std::string_view sql, const std::vector<Param>& params, std::vector<Row>* out) {
    GOLDSET_RETURN_IF_ERROR(Usable());
    // A statement not prepared yet needs the transaction (its typing attempts run under a
    // savepoint): BEGIN goes first, on its own.
    if (pending_begin_ && prepared_.find(std::string(sql)) == prepared_.end()) GOLDSET_RETURN_IF_ERROR(FlushBegin());
    auto prep = Prepare(sql, params);
    if (!prep.ok()) return prep.status();
    const size_t n = params.size();
    std::vector<std::string> text(n);
    std::vector<const char*> values(n, nullptr);
    std::vector<int> lengths(n, 0), formats(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const Param& p = params[i];
      if (std::holds_alternative<Null>(p)) continue;
      if (auto v = std::get_if<int64_t>(&p)) {
        text[i] = std::to_string(*v);
      } else if (auto v = std::get_if<double>(&p)) {
        char buf[64];
        auto res = std::to_chars(buf, buf + sizeof buf, *v);  // shortest round-trip form
        text[i].assign(buf, res.ptr);
        if (text[i] == "inf") text[i] = "Infinity";
        else if (text[i] == "-inf") text[i] = "-Infinity";
        else if (text[i] == "nan" || text[i] == "-nan") text[i] = "NaN";
      } else if (auto v = std::get_if<std::string>(&p)) {
        if (v->find('\0') != std::string::npos) return Status::InvalidArgument("text value contains a NUL byte");
        values[i] = v->c_str();
        continue;
      } else if (auto v = std::get_if<Blob>(&p)) {
        values[i] = v->bytes.data();
        lengths[i] = static_cast<int>(v->bytes.size());
        formats[i] = 1;
        continue;
      }
      values[i] = text[i].c_str();
    }
    Result r(nullptr, &PQclear);
    if (pending_begin_) {
      GOLDSET_RETURN_IF_ERROR(RunAfterBegin((*prep)->name, values, lengths, formats, &r));
    } else if (server_prepared_) {
      r.reset(PQexecPrepared(conn_, (*prep)->name.c_str(), static_cast<int>(n), values.data(), lengths.data(),
                             formats.data(), /*resultFormat=*/0));
    } else {
      auto st = ExecUnnamed(const_cast<Prepared&>(**prep), params, values, lengths, formats, &r);
      if (!st.ok()) return st;
    }
    ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return PgError(conn_, r.get(), "query");
    std::string_view cmd = PQcmdStatus(r.get());
    if (cmd.rfind("INSERT", 0) == 0 || cmd.rfind("UPDATE", 0) == 0 || cmd.rfind("DELETE", 0) == 0 ||
        cmd.rfind("MERGE", 0) == 0)
      changes_ = std::strtoll(PQcmdTuples(r.get()), nullptr, 10);
    if (!out || s != PGRES_TUPLES_OK) return Status::OK();
    return ReadRows(r.get(), out);
  }

  // Unnamed mode (for PgBouncer in transaction mode, where a session's named statements
  // may be on another server connection): Parse, Bind and Execute in one round trip with
  // PQexecParams. The typing attempts of Prepare happen on the first call of each
  // statement instead, inside a transaction under a savepoint (a typing error fails at
  // Parse, before anything ran); a real error still aborts the transaction.
  Status ExecUnnamed(Prepared& p, const std::vector<Param>& params, const std::vector<const char*>& values,
                     const std::vector<int>& lengths, const std::vector<int>& formats, Result* out) {
    const int n = static_cast<int>(params.size());
    if (p.attempt > 0) {
      std::vector<Oid> types = ParamTypes(params, p.attempt);
      out->reset(
          PQexecParams(conn_, p.text.c_str(), n, types.data(), values.data(), lengths.data(), formats.data(), 0));
      return Status::OK();
    }
    const bool in_transaction = PQtransactionStatus(conn_) == PQTRANS_INTRANS;
    if (in_transaction) GOLDSET_RETURN_IF_ERROR(Simple("SAVEPOINT goldset_prepare", "savepoint"));
    for (int attempt = 1; attempt <= 3; ++attempt) {
      std::vector<Oid> types = ParamTypes(params, attempt);
      out->reset(
          PQexecParams(conn_, p.text.c_str(), n, types.data(), values.data(), lengths.data(), formats.data(), 0));
      if (!TypingError(out->get())) {
        ExecStatusType s = *out ? PQresultStatus(out->get()) : PGRES_FATAL_ERROR;
        const char* state = *out ? PQresultErrorField(out->get(), PG_DIAG_SQLSTATE) : nullptr;
        // Class 42 (syntax, unknown column, …) fails at Parse: the statement never
        // prepared, and as in Prepare the transaction stays usable. Anything else ran.
        const bool never_prepared = state && std::string_view(state).substr(0, 2) == "42";
        if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || (never_prepared && in_transaction)) {
          if (!never_prepared) p.attempt = attempt;
          if (in_transaction && never_prepared)
            GOLDSET_RETURN_IF_ERROR(Simple("ROLLBACK TO SAVEPOINT goldset_prepare", "savepoint"));
          if (in_transaction) GOLDSET_RETURN_IF_ERROR(Simple("RELEASE SAVEPOINT goldset_prepare", "savepoint"));
        }
        return Status::OK();
      }
      if (in_transaction) GOLDSET_RETURN_IF_ERROR(Simple("ROLLBACK TO SAVEPOINT goldset_prepare", "savepoint"));
    }
    // No typing worked: the transaction stays usable (rolled back to the savepoint), as in Prepare.
    if (in_transaction) GOLDSET_RETURN_IF_ERROR(Simple("RELEASE SAVEPOINT goldset_prepare", "savepoint"));
    return Status::OK();
  }

  static Status ReadRows(const PGresult* r, std::vector<Row>* out) {
    const int nrows = PQntuples(r), ncols = PQnfields(r);
    std::vector<Oid> types(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) types[static_cast<size_t>(c)] = PQftype(r, c);
    out->reserve(static_cast<size_t>(nrows));
    for (int row = 0; row < nrows; ++row) {
      std::vector<std::variant<Null, int64_t, double, std::string>> cols;
      cols.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(r, row, c)) {
          cols.emplace_back(Null{});
          continue;
        }
        const char* v = PQgetvalue(r, row, c);
        std::string_view sv(v, static_cast<size_t>(PQgetlength(r, row, c)));
        switch (types[static_cast<size_t>(c)]) {
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid:
          case kOidOid: cols.emplace_back(static_cast<int64_t>(std::strtoll(v, nullptr, 10))); break;
          case kFloat4Oid:
          case kFloat8Oid:
          case kNumericOid: cols.emplace_back(std::strtod(v, nullptr)); break;
          case kBoolOid: cols.emplace_back(int64_t{sv == "t" ? 1 : 0}); break;
          case kByteaOid: {
            auto bytes = DecodeByteaHex(sv);
            if (!bytes.ok()) return bytes.status();
            cols.emplace_back(std::move(*bytes));
            break;
          }
          default: cols.emplace_back(std::string(sv));
        }
      }
      out->emplace_back(std::move(cols));
    }
    return Status::OK();
  }

  std::string url_;
  PGconn* conn_;
  const bool server_prepared_;  // false: unnamed statements (PostgresOptions)
  std::string unusable_;
  std::unordered_map<std::string, Prepared> prepared_;
  const char* pending_begin_ = nullptr;  // a BEGIN not sent yet (see Begin); a static string
  int64_t changes_ = 0;
  uint64_t statement_counter_ = 0;
};

class PgDatabase final : public Database, public std::enable_shared_from_this<PgDatabase> {
 public:
  PgDatabase(std::string url, PostgresOptions options) : url_(std::move(url)), options_(options) {}

  Backend backend() const override { return Backend::kPostgres; }
  std::string_view ForUpdateSkipLocked() const override { return " FOR UPDATE SKIP LOCKED"; }
  std::string_view ForUpdate() const override { return " FOR UPDATE"; }
  std::string_view ForShare() const override { return " FOR SHARE"; }
  Status LockKey(Connection& c, std::string_view key) override {
    // The function returns void, which no column type maps; count its one row instead.
    return c
        .Query("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(?, 0))) AS l", {std::string(key)})
        .status();
  }

  std::shared_ptr<Connection> Acquire() override {
    std::unique_ptr<PgConnection> conn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      bool ready = cv_.wait_for(lock, std::chrono::milliseconds(options_.acquire_timeout_ms),
                                [&] { return !idle_.empty() || open_ < options_.max_connections; });
      if (!ready) {
        return std::make_shared<PgConnection>(
            url_, nullptr, options_.server_prepared,
            "database connection pool exhausted (" + std::to_string(options_.max_connections) + " connections busy)");
      }
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++open_;
      }
    }
    if (!conn) conn = std::make_unique<PgConnection>(url_, nullptr, options_.server_prepared);
    conn->EnsureConnected();  // a failure shows as Unavailable on the first call
    auto self = shared_from_this();
    return std::shared_ptr<Connection>(conn.release(), [self](Connection* c) {
      std::unique_ptr<PgConnection> pc(static_cast<PgConnection*>(c));
      pc->Rollback();
      std::vector<std::unique_ptr<PgConnection>> dead;
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        if (pc->healthy()) {
          self->idle_.push_back(std::move(pc));
        } else {
          // The server restarted or the network failed: the idle connections are most
          // likely dead too. Drop them all rather than fail one request per connection.
          dead = std::move(self->idle_);
          self->idle_.clear();
          dead.push_back(std::move(pc));
          self->open_ -= static_cast<int>(dead.size());
        }
      }
      self->cv_.notify_all();
    });
  }

  Status WithMigrationLock(const std::function<Status()>& fn) override {
    // A session of its own, outside the pool, so fn can use every pooled connection.
    std::unique_ptr<PGconn, decltype(&PQfinish)> c(Connect(url_), &PQfinish);
    if (!c || PQstatus(c.get()) != CONNECTION_OK) return ConnectionLost(c.get());
    Result begin(PQexec(c.get(), "BEGIN"), &PQclear);
    if (!begin || PQresultStatus(begin.get()) != PGRES_COMMAND_OK)
      return PgError(c.get(), begin.get(), "migration lock");
    Result r(PQexec(c.get(), kMigrationLockSql), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return PgError(c.get(), r.get(), "migration lock");
    Status st = fn();
    PQclear(PQexec(c.get(), "COMMIT"));  // releases the lock; closing the session would too
    return st;
  }

  // Connects once so that a bad URL fails at startup; the connection joins the pool.
  Status Probe() {
    auto conn = std::make_unique<PgConnection>(url_, Connect(url_), options_.server_prepared);
    if (!conn->healthy())
      return Status::Unavailable("cannot connect to PostgreSQL: " + conn->Exec("SELECT 1", {}).message());
    std::lock_guard<std::mutex> lock(mu_);
    ++open_;
    idle_.push_back(std::move(conn));
    return Status::OK();
  }

 private:
  const std::string url_;
  const PostgresOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // connections in idle_ plus those leased out
};

}  // namespace

StatusOr<std::shared_ptr<Database>> OpenPostgres(const std::string& raw_url, PostgresOptions options) {
  if (!IsPostgresUrl(raw_url)) return Status::InvalidArgument("not a postgresql:// URL");
  std::string url = raw_url;
  if (auto mode = TakeUrlParameter(&url, "goldset_statements")) {
    if (*mode != "prepared" && *mode != "unnamed")
      return Status::InvalidArgument("goldset_statements must be prepared or unnamed, not " + *mode);
    options.server_prepared = *mode == "prepared";
  }
  if (options.max_connections < 1) options.max_connections = 1;
  auto db = std::make_shared<PgDatabase>(url, options);
  GOLDSET_RETURN_IF_ERROR(db->Probe());
  return std::shared_ptr<Database>(db);
}

}  // namespace goldset::store
