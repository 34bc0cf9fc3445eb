// `--blob-store` flags and `goldset migrate-blobs`, which moves the blobs of a store's
// files from one blob store to another (local files, the database, an S3 bucket).
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "store/blob_copy.h"
#include "store/blob_store_config.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace goldset::cli {

namespace {

StatusOr<int64_t> ParseBounded(const std::optional<std::string>& v, int64_t fallback, int64_t lo, int64_t hi,
                               const char* name) {
  if (!v) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end || n < lo || n > hi)
    return Status::InvalidArgument("--" + std::string(name) + " must be a number from " + std::to_string(lo) + " to " +
                                   std::to_string(hi));
  return n;
}

}  // namespace

Status ParseBlobStoreFlags(const Flags& f, store::BlobStoreConfig* config) {
  config->spec = f.GetOr("blob-store", "");
  config->credentials_file = f.GetOr("blob-store-credentials", "");
  // S3 parts are at least 5 MiB (but the last); 1 GiB keeps one upload's buffer sane.
  GOLDSET_ASSIGN_OR_RETURN(int64_t threshold_mb,
                           ParseBounded(f.Get("s3-multipart-threshold-mb"), 16, 5, 1024, "s3-multipart-threshold-mb"));
  GOLDSET_ASSIGN_OR_RETURN(int64_t attempts, ParseBounded(f.Get("s3-max-attempts"), 4, 1, 20, "s3-max-attempts"));
  config->multipart_threshold = static_cast<size_t>(threshold_mb) << 20;
  config->max_attempts = static_cast<int>(attempts);
  if (!config->spec.empty() && config->spec != "local" && config->spec != "db" && !store::IsS3Url(config->spec))
    return Status::InvalidArgument("--blob-store must be local, db or s3://BUCKET/PREFIX?endpoint=URL&region=R");
  return Status::OK();
}

// goldset migrate-blobs --from local|db|s3://… --to local|db|s3://… [--data-dir D | --database URL]
// Copies the blob of every file the store lists that `to` lacks, verifying each copy;
// blobs already in `to` are skipped, so an interrupted run is resumed by running it again.
int RunMigrateBlobsCommand(int argc, char** argv) {
  auto f = Flags::Parse(
      argc, argv, 2,
      {"from", "to", "data-dir", "database", "blob-store-credentials", "s3-multipart-threshold-mb", "s3-max-attempts"});
  auto fail = [](const Status& st, int code) {
    std::fprintf(stderr, "goldset migrate-blobs: %s\n", st.message().c_str());
    return code;
  };
  if (!f.ok()) return fail(f.status(), 2);
  store::BlobStoreConfig from, to;
  if (Status st = ParseBlobStoreFlags(*f, &from); !st.ok()) return fail(st, 2);
  to = from;
  from.spec = f->GetOr("from", "");
  to.spec = f->GetOr("to", "");
  if (from.spec.empty() || to.spec.empty()) return fail(Status::InvalidArgument("--from and --to are required"), 2);
  if (from.spec == to.spec) return fail(Status::InvalidArgument("--from and --to name the same store"), 2);

  const std::string dir = f->GetOr("data-dir", "./data");
  const std::string database = f->GetOr("database", "");
  std::shared_ptr<store::Database> db;
  if (!database.empty()) {
    if (!store::IsPostgresUrl(database))
      return fail(Status::InvalidArgument("--database must be a postgresql:// URL"), 2);
    auto pg = store::OpenPostgres(database, {.max_connections = 4});
    if (!pg.ok()) return fail(pg.status(), 2);
    db = *pg;
  } else {
    const std::string path = dir + "/goldset.db";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return fail(Status::NotFound("no database at " + path), 2);
    auto sqlite = store::OpenSqlite(path);
    if (!sqlite.ok()) return fail(sqlite.status(), 2);
    db = *sqlite;
  }
  auto source = store::OpenBlobStore(from, db, dir);
  if (!source.ok()) return fail(source.status().WithContext("--from"), 2);
  auto target = store::OpenBlobStore(to, db, dir);
  if (!target.ok()) return fail(target.status().WithContext("--to"), 2);

  auto rows = db->Acquire()->Query("SELECT DISTINCT content_sha256 FROM files ORDER BY content_sha256");
  if (!rows.ok()) return fail(rows.status(), 1);
  int64_t copied = 0, present = 0, missing = 0, failed = 0;
  for (const auto& row : *rows) {
    const std::string sha = row.Text(0);
    auto there = (*target)->Exists(sha);
    if (there.ok() && *there) {
      ++present;
      continue;
    }
    Status st = there.ok() ? store::CopyBlob(**source, **target, sha) : there.status();
    if (st.ok()) {
      ++copied;
    } else if (st.code() == Status::Code::kNotFound) {
      ++missing;
      std::fprintf(stderr, "goldset migrate-blobs: blob %s is missing from %s\n", sha.c_str(), from.spec.c_str());
    } else {
      ++failed;
      std::fprintf(stderr, "goldset migrate-blobs: blob %s: %s\n", sha.c_str(), st.message().c_str());
    }
  }
  std::printf("migrate-blobs: %zu blobs: %lld copied, %lld already present, %lld missing at the source, %lld failed\n",
              rows->size(), static_cast<long long>(copied), static_cast<long long>(present),
              static_cast<long long>(missing), static_cast<long long>(failed));
  return missing + failed == 0 ? 0 : 1;
}

}  // namespace goldset::cli
