// A fresh, migrated database for one test, on the backend the test is parameterized by.
// SQLite: a file in a new temp dir. PostgreSQL: `CREATE DATABASE t_<random>` on the
// server named by GOLDSET_TEST_DATABASE (skipped when unset), dropped afterwards.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.h"

namespace goldset::store::testing {

class TestDatabase {
 public:
  // Returns false (and sets *why) when the backend is not available here.
  bool Open(Backend backend, std::string* why, bool migrate = true);
  ~TestDatabase();

  // Opens another, independent Database on the same data (its own connections/pool).
  std::shared_ptr<Database> OpenAnother() const;

  std::shared_ptr<Database> db;
  Backend backend = Backend::kSqlite;
  std::string location;  // SQLite file path or PostgreSQL URL
  std::string dir;       // temp dir (SQLite)

 private:
  std::string admin_url_;
  std::string pg_name_;
};

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// A gtest fixture parameterized by backend: `db` is ready in each TEST_P.
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    if (!env_.Open(GetParam(), &why, migrate_)) GTEST_SKIP() << why;
    db = env_.db;
  }
  void TearDown() override { db.reset(); }

  bool migrate_ = true;
  TestDatabase env_;
  std::shared_ptr<Database> db;
};

#define GOLDSET_BACKENDS(suite)                                                                 \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                     \
                           ::testing::Values(::goldset::store::Backend::kSqlite,                \
                                             ::goldset::store::Backend::kPostgres),             \
                           ::goldset::store::testing::BackendName)

}  // namespace goldset::store::testing
