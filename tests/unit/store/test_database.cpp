#include "test_database.h"

#include <cstdlib>
#include <filesystem>

#include "common/ids.h"
#include "store/migrations.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace goldset::store::testing {

namespace {
// Replaces the database name (the URL path) of a postgresql:// URL.
std::string WithDatabaseName(const std::string& url, const std::string& name) {
  size_t authority = url.find("://") + 3;
  size_t slash = url.find('/', authority);
  size_t query = url.find('?', authority);
  std::string base = url.substr(0, std::min(slash, query));
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + name + rest;
}

std::string LowerAlnum(std::string s) {
  std::string out;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

bool TestDatabase::Open(Backend b, std::string* why, bool migrate) {
  backend = b;
  if (b == Backend::kSqlite) {
    char tmpl[] = "/tmp/goldset-store-test-XXXXXX";
    if (!mkdtemp(tmpl)) {
      *why = "mkdtemp failed";
      return false;
    }
    dir = tmpl;
    location = dir + "/goldset.db";
    auto opened = OpenSqlite(location);
    if (!opened.ok()) {
      *why = opened.status().ToString();
      return false;
    }
    db = *opened;
  } else {
    const char* url = std::getenv("GOLDSET_TEST_DATABASE");
    if (!url || !*url) {
      *why = "PostgreSQL not tested: GOLDSET_TEST_DATABASE is not set (scripts/test-postgres.sh sets it)";
      return false;
    }
    admin_url_ = url;
    auto admin = OpenPostgres(admin_url_, {.max_connections = 1});
    if (!admin.ok()) {
      *why = "GOLDSET_TEST_DATABASE unreachable: " + admin.status().ToString();
      ADD_FAILURE() << *why;  // set but broken is a failure, not a skip
      return false;
    }
    pg_name_ = "t_" + LowerAlnum(RandomToken(9));
    Status st = (*admin)->Acquire()->ExecScript("CREATE DATABASE " + pg_name_);
    if (!st.ok()) {
      *why = st.ToString();
      ADD_FAILURE() << *why;
      return false;
    }
    location = WithDatabaseName(admin_url_, pg_name_);
    auto opened = OpenPostgres(location);
    if (!opened.ok()) {
      *why = opened.status().ToString();
      ADD_FAILURE() << *why;
      return false;
    }
    db = *opened;
  }
  if (migrate) {
    auto applied = ApplyMigrations(*db);
    if (!applied.ok()) {
      *why = "migrations failed: " + applied.status().ToString();
      ADD_FAILURE() << *why;
      return false;
    }
  }
  return true;
}

std::shared_ptr<Database> TestDatabase::OpenAnother() const {
  auto opened = backend == Backend::kSqlite ? OpenSqlite(location) : OpenPostgres(location);
  if (!opened.ok()) {
    ADD_FAILURE() << opened.status().ToString();
    return nullptr;
  }
  return *opened;
}

TestDatabase::~TestDatabase() {
  db.reset();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  if (!pg_name_.empty()) {
    auto admin = OpenPostgres(admin_url_, {.max_connections = 1});
    if (admin.ok()) (void)(*admin)->Acquire()->ExecScript("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
  }
}

}  // namespace goldset::store::testing
