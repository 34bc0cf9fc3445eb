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

// Inserts what an evaluation run hangs off: organization org_1, its workspace ws_1 and the
// extractor evaluation set ev_1 (of processor ex_1) in it.
inline Status SeedWorkspaceAndSet(Connection& c) {
  GOLDSET_RETURN_IF_ERROR(c.Exec("INSERT INTO organizations (id, name, created_at) VALUES ('org_1', 'o', 0)"));
  GOLDSET_RETURN_IF_ERROR(
      c.Exec("INSERT INTO workspaces (id, organization_id, name, created_at) VALUES ('ws_1', 'org_1', 'w', 0)"));
  return c.Exec(
      "INSERT INTO evaluation_sets (id, workspace_id, name, description, entity_id, entity_kind, "
      "created_at, updated_at) VALUES ('ev_1', 'ws_1', 's', '', 'ex_1', 'extractor', 0, 0)");
}

// A BackendTest whose database starts with SeedWorkspaceAndSet's rows.
class SeededBackendTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    auto c = db->Acquire();
    ASSERT_TRUE(SeedWorkspaceAndSet(*c).ok());
  }
};

#define GOLDSET_BACKENDS(suite)                                                                                     \
  INSTANTIATE_TEST_SUITE_P(                                                                                         \
      Backends, suite, ::testing::Values(::goldset::store::Backend::kSqlite, ::goldset::store::Backend::kPostgres), \
      ::goldset::store::testing::BackendName)

}  // namespace goldset::store::testing
