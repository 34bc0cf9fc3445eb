// A BlobStore in an S3-compatible bucket: objects PREFIX<sha256>, shared by every node
// that names the same bucket (store/blob_store.h has the contract).
//
// Put: up to options.multipart_threshold bytes go up in one PUT with Content-MD5 and the
// signed x-amz-content-sha256 (the server rejects a body that arrived damaged) and its
// ETag checked; larger blobs go up as a multipart upload of parts that size, each checked
// the same way, aborted on any failure so nothing partial becomes visible. Without an expected hash, a multipart
// upload goes to a temporary key and is copied into place once the hash is known.
// Get streams the object through the SHA-256 check. Delete of an absent blob is OK.
// Memory per call: one part for a Put, one network buffer for a Get. Thread-safe.
#pragma once

#include <memory>

#include "common/status.h"
#include "store/blob_store.h"
#include "store/s3/s3_options.h"

namespace goldset::store {

// Opens the store and checks that the bucket answers to the credentials (a HEAD of the
// bucket): InvalidArgument for a missing bucket or refused credentials, Unavailable when
// the endpoint cannot be reached.
StatusOr<std::shared_ptr<BlobStore>> OpenS3BlobStore(const S3Options& options);

}  // namespace goldset::store
