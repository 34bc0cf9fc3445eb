// BlobStore: content-addressed storage for file bytes.
//
// A blob's key is the lowercase hex SHA-256 of its bytes. Put is atomic (a failed or
// interrupted Put leaves nothing visible) and durable once it returns; Get verifies the
// checksum and reports corruption as an error instead of returning wrong bytes.
// Bytes move as streams of bounded chunks (store/blob_stream.h): no store holds a whole
// object in memory; Put(string_view) and Get(sha) are conveniences over the streams.
// Errors: NotFound only when the blob is absent; an I/O failure (EMFILE, EIO, a lost
// database connection, …) is Unavailable, i.e. retryable, since the blob may be intact.
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/blob_stream.h"
#include "store/database.h"

namespace goldset::store {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores the bytes `source` yields under their SHA-256 (computed while reading) and
  // returns it. A non-empty `expected_sha256` must equal that hash (else Internal and
  // nothing is stored); a store may use it to write under the final key at once.
  // Idempotent.
  virtual StatusOr<std::string> PutStream(BlobSource& source, const std::string& expected_sha256) = 0;
  // Passes the blob's bytes to `sink` in order, verifying the checksum as they go. A
  // mismatch is reported after the sink has seen the bytes: a caller that keeps what it
  // received must drop it when GetStream fails.
  virtual Status GetStream(const std::string& sha256, BlobSink& sink) = 0;
  virtual StatusOr<bool> Exists(const std::string& sha256) = 0;
  virtual Status Delete(const std::string& sha256) = 0;

  StatusOr<std::string> Put(std::string_view bytes);     // hashes first, then PutStream
  StatusOr<std::string> Get(const std::string& sha256);  // GetStream into a string
};

// True for a blob key: 64 lowercase hex characters.
bool IsBlobKey(const std::string& s);

// Blobs as files under `dir` (dir/ab/<sha256>), written via a temp file + fsync + rename +
// fsync of the directory. Put writes the temp file even when the blob exists (see F23 in
// docs/storage.md).
StatusOr<std::shared_ptr<BlobStore>> OpenLocalBlobStore(const std::string& dir);

// Blobs in the database's `blobs` table, 1 MiB per row, all rows of a blob written in one
// transaction. The PostgreSQL deployment uses it so nodes share nothing but the database.
std::shared_ptr<BlobStore> OpenDatabaseBlobStore(std::shared_ptr<Database> db);

}  // namespace goldset::store
