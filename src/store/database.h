// Database: the one seam between Goldset and its SQL backend.
//
// Callers write portable SQL with `?` placeholders; each backend (sqlite/, postgres/)
// translates placeholders and owns everything backend-specific (connection setup,
// locking, claiming with SKIP LOCKED, upserts that differ). No SQLite- or
// PostgreSQL-only SQL appears outside those folders.
//
// Thread-safety: a Database is thread-safe. A Connection is used by one thread at a
// time; Acquire() hands one out exclusively until the lease is destroyed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

class Row {
 public:
  explicit Row(std::vector<std::variant<Null, int64_t, double, std::string>> cols)
      : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<Null>(cols_[i]); }
  int64_t Int(size_t i) const;          // 0 when null; parses text
  double Real(size_t i) const;          // 0 when null
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
  virtual StatusOr<std::vector<Row>> Query(std::string_view sql,
                                           const std::vector<Param>& params = {}) = 0;
  // Rows changed by the last Exec.
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
  // Hands out a connection; blocks while all are in use.
  virtual std::shared_ptr<Connection> Acquire() = 0;

  // Runs fn inside a transaction, committing when it returns OK and rolling back
  // otherwise. Transient conflicts (busy database, serialization failure) are retried.
  Status InTransaction(bool write, const std::function<Status(Connection&)>& fn);
};

// One-row, one-column helpers.
StatusOr<int64_t> QueryInt(Connection& c, std::string_view sql, const std::vector<Param>& params = {});

}  // namespace goldset::store
