#include "store/blob_store_config.h"

#include "store/s3/s3_blob_store.h"

namespace goldset::store {

std::string EffectiveBlobStore(const BlobStoreConfig& config, bool postgres) {
  if (!config.spec.empty()) return config.spec;
  return postgres ? "db" : "local";
}

StatusOr<std::shared_ptr<BlobStore>> OpenBlobStore(const BlobStoreConfig& config, std::shared_ptr<Database> db,
                                                   const std::string& data_dir) {
  const std::string spec = EffectiveBlobStore(config, db && db->backend() == Backend::kPostgres);
  if (spec == "local") return OpenLocalBlobStore(data_dir + "/blobs");
  if (spec == "db") {
    if (!db) return Status::InvalidArgument("--blob-store db needs a database");
    return OpenDatabaseBlobStore(std::move(db));
  }
  if (!IsS3Url(spec))
    return Status::InvalidArgument("--blob-store must be local, db or s3://BUCKET/PREFIX?endpoint=URL&region=R");
  GOLDSET_ASSIGN_OR_RETURN(S3Options options, ParseS3Url(spec));
  GOLDSET_RETURN_IF_ERROR(LoadS3Credentials(options, config.credentials_file));
  options.multipart_threshold = config.multipart_threshold;
  options.max_attempts = config.max_attempts;
  return OpenS3BlobStore(options);
}

}  // namespace goldset::store
