// PostgreSQL backend over libpq: a bounded connection pool, `?` placeholders translated
// to `$n`, statements prepared once per connection, Blob params bound as binary BYTEA.
//
// Isolation: write transactions are READ COMMITTED (claims use FOR UPDATE SKIP LOCKED);
// read transactions REPEATABLE READ (one snapshot, like a SQLite read transaction).
// Errors: serialization failure, deadlock, lost or refused connection -> Unavailable
// (InTransaction retries them); integrity violations (unique, foreign key, not null,
// check) -> InvalidArgument; anything else -> Internal with the server's message.
// A connection found broken is reset on its next Acquire.
// Thread-safe (see store/database.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.h"

namespace goldset::store {

struct PostgresOptions {
  // At most this many pooled connections; Acquire blocks while all are in use. A lease
  // that waits longer than acquire_timeout_ms gets a connection whose every call fails
  // with Unavailable (so a nested Acquire under load surfaces as a 503, not a hang).
  int max_connections = 16;
  int acquire_timeout_ms = 30000;
  // Statements prepared once per connection and run by name (the default), or sent as
  // unnamed statements with every call (Parse/Bind/Execute in one round trip): for
  // PgBouncer in transaction mode, which hands a session's statements to any server
  // connection. The URL parameter goldset_statements=prepared|unnamed sets it (and is
  // removed before the URL reaches libpq).
  bool server_prepared = true;
};

// `url` is a libpq connection URI (postgresql://user@host:port/db?...). Connects once
// to fail early on a bad URL or an unreachable server.
StatusOr<std::shared_ptr<Database>> OpenPostgres(const std::string& url, PostgresOptions options = {});

// Removes the query parameter `name` from `url` and returns its (undecoded) value;
// nullopt, and `url` unchanged, when absent.
std::optional<std::string> TakeUrlParameter(std::string* url, std::string_view name);

// True for postgresql:// and postgres:// URLs.
bool IsPostgresUrl(std::string_view url);

// Exposed for tests. Rewrites `?` placeholders as $1, $2, ... outside quoted strings,
// quoted identifiers and comments; stores the number of placeholders in *count.
std::string TranslatePlaceholders(std::string_view sql, int* count);
// Decodes PostgreSQL's hex BYTEA text output ("\x0aff...") to raw bytes.
StatusOr<std::string> DecodeByteaHex(std::string_view text);

}  // namespace goldset::store
