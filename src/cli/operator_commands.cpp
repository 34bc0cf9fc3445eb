// Operator tools: `goldset backup`, `goldset restore`, `goldset doctor`.
// They work beside a running server (backup and doctor only read what it writes).
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "store/backup.h"
#include "store/blob_store_config.h"
#include "store/doctor.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace goldset::cli {

namespace {

int Fail(const char* cmd, const Status& st, int code) {
  std::fprintf(stderr, "goldset %s: %s\n", cmd, st.message().c_str());
  return code;
}

// Flags of a command: `known` value flags (plus --data-dir and --database), `switches`.
StatusOr<Flags> ParseFlags(int argc, char** argv, std::set<std::string> known,
                           const std::set<std::string>& switches = {}) {
  known.insert({"data-dir", "database"});
  return Flags::Parse(argc, argv, 2, known, switches);
}

}  // namespace

int RunBackupCommand(int argc, char** argv) {
  auto f = ParseFlags(argc, argv, {"to"});
  if (!f.ok()) return Fail("backup", f.status(), 2);
  if (!f->GetOr("database", "").empty())
    return Fail("backup",
                Status::InvalidArgument("the PostgreSQL store (blobs included) is backed up with pg_dump; see "
                                        "docs/operations.md"),
                2);
  const std::string to = f->GetOr("to", "");
  if (to.empty()) return Fail("backup", Status::InvalidArgument("usage: goldset backup --data-dir DIR --to FILE"), 2);
  auto summary = store::BackupDataDir(f->GetOr("data-dir", "./data"), to);
  if (!summary.ok())
    return Fail("backup", summary.status(), summary.status().code() == Status::Code::kNotFound ? 2 : 1);
  std::printf("backup %s: schema version %d, %lld files, %lld blobs (%llu bytes), database %llu bytes\n", to.c_str(),
              summary->schema_version, static_cast<long long>(summary->files), static_cast<long long>(summary->blobs),
              static_cast<unsigned long long>(summary->blob_bytes),
              static_cast<unsigned long long>(summary->database_bytes));
  return 0;
}

int RunRestoreCommand(int argc, char** argv) {
  auto f = ParseFlags(argc, argv, {"from"});
  if (!f.ok()) return Fail("restore", f.status(), 2);
  const std::string from = f->GetOr("from", "");
  const std::string dir = f->GetOr("data-dir", "");
  if (from.empty() || dir.empty())
    return Fail("restore", Status::InvalidArgument("usage: goldset restore --from FILE --data-dir DIR"), 2);
  if (!f->GetOr("database", "").empty())
    return Fail("restore",
                Status::InvalidArgument("restore a PostgreSQL store with pg_restore; see docs/operations.md"), 2);
  auto summary = store::RestoreDataDir(from, dir);
  if (!summary.ok()) {
    const auto code = summary.status().code();
    return Fail("restore", summary.status(),
                code == Status::Code::kInvalidArgument || code == Status::Code::kNotFound ? 2 : 1);
  }
  std::printf("restored %s into %s: schema version %d, %lld files, %lld blobs\n", from.c_str(), dir.c_str(),
              summary->schema_version, static_cast<long long>(summary->files), static_cast<long long>(summary->blobs));
  return 0;
}

int RunDoctorCommand(int argc, char** argv) {
  auto f = ParseFlags(argc, argv,
                      {"format", "stuck-after-ms", "blob-store", "blob-store-credentials", "s3-multipart-threshold-mb",
                       "s3-max-attempts"},
                      {"verify-blobs"});
  if (!f.ok()) return Fail("doctor", f.status(), 2);
  store::DoctorOptions options;
  options.verify_blobs = f->Has("verify-blobs");
  if (auto v = f->Get("stuck-after-ms")) {
    char* end = nullptr;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end || n < 0)
      return Fail("doctor", Status::InvalidArgument("--stuck-after-ms must be a number"), 2);
    options.stuck_after_ms = n;
  }
  const std::string format = f->GetOr("format", "text");
  if (format != "text" && format != "json")
    return Fail("doctor", Status::InvalidArgument("--format must be text or json"), 2);

  const std::string database = f->GetOr("database", "");
  std::shared_ptr<store::Database> db;
  std::shared_ptr<store::BlobStore> blobs;
  if (!database.empty()) {
    if (!store::IsPostgresUrl(database))
      return Fail("doctor", Status::InvalidArgument("--database must be a postgresql:// URL"), 2);
    auto pg = store::OpenPostgres(database, {.max_connections = 2});
    if (!pg.ok()) return Fail("doctor", pg.status(), 2);
    db = *pg;
    blobs = store::OpenDatabaseBlobStore(db);
  } else {
    const std::string dir = f->GetOr("data-dir", "./data");
    const std::string path = dir + "/goldset.db";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))  // never create a store while diagnosing one
      return Fail("doctor", Status::NotFound("no database at " + path), 2);
    auto sqlite = store::OpenSqlite(path);
    if (!sqlite.ok()) return Fail("doctor", sqlite.status(), 2);
    db = *sqlite;
    options.blob_dir = dir + "/blobs";
  }
  // Blobs outside the database and the data dir (--blob-store s3://…): checked through the store.
  store::BlobStoreConfig blob_config;
  if (Status st = ParseBlobStoreFlags(*f, &blob_config); !st.ok()) return Fail("doctor", st, 2);
  if (store::IsS3Url(blob_config.spec)) {
    auto external = store::OpenBlobStore(blob_config, db, "");
    if (!external.ok()) return Fail("doctor", external.status().WithContext("--blob-store"), 2);
    blobs = *external;
    options.blob_dir.clear();
    options.external_blobs = true;
  }
  store::DoctorReport report = store::RunDoctor(*db, blobs.get(), options);
  if (format == "json") std::printf("%s\n", json::serialize(report.ToJson()).c_str());
  else std::fputs(report.ToText().c_str(), stdout);
  return report.ExitCode();
}

}  // namespace goldset::cli
