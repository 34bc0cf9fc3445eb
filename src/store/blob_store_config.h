// Which BlobStore a process uses: `--blob-store` and its S3 settings.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/blob_store.h"
#include "store/database.h"
#include "store/s3/s3_options.h"

namespace goldset::store {

struct BlobStoreConfig {
  // "" = the backend's default (SQLite: "local", PostgreSQL: "db"); "local" = files under
  // <data_dir>/blobs; "db" = the database's blobs table; "s3://BUCKET/PREFIX?endpoint=&region=".
  std::string spec;
  std::string credentials_file;  // S3 keys; "" = AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  size_t multipart_threshold = size_t{16} << 20;
  int max_attempts = 4;
};

// The spec in force: `spec`, or the default for the backend.
std::string EffectiveBlobStore(const BlobStoreConfig& config, bool postgres);

// Opens the store `config` names; `db` and `data_dir` serve "db" and "local". Errors:
// InvalidArgument for a bad spec or missing credentials; what the store's open returns.
StatusOr<std::shared_ptr<BlobStore>> OpenBlobStore(const BlobStoreConfig& config, std::shared_ptr<Database> db,
                                                   const std::string& data_dir);

}  // namespace goldset::store
