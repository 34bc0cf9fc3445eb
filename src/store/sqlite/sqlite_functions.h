// SQL functions the SQLite backend replaces so that portable SQL means the same on both
// backends.
#pragma once

struct sqlite3;

namespace goldset::store {

// Registers, on one connection:
// * lower(text): Unicode lowercase, code point by code point, as PostgreSQL's lower() does
//   in a UTF-8 database (SQLite's built-in folds ASCII only, so `LOWER(name) LIKE LOWER(?)`
//   missed "Ärger" for "ärger"). Bytes that are not valid UTF-8 pass through unchanged.
// Returns an SQLite result code.
int RegisterSqlFunctions(sqlite3* db);

}  // namespace goldset::store
