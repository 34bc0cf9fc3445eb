// BlobStore over the `blobs (sha256, chunk, data)` table (migration 1): what the
// PostgreSQL backend uses, so that API nodes and workers share nothing but the database.
// Runs on either backend.
#include <string>

#include "common/crypto.h"
#include "common/ids.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace goldset::store {

namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

class DatabaseBlobStore final : public BlobStore {
 public:
  explicit DatabaseBlobStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  StatusOr<bool> Exists(const std::string& sha) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    auto rows = db_->Acquire()->Query("SELECT 1 FROM blobs WHERE sha256 = ? AND chunk = 0", {sha});
    if (!rows.ok()) return rows.status();
    return !rows->empty();
  }

  StatusOr<std::string> PutStream(BlobSource& source, const std::string& expected) override {
    if (!expected.empty() && !IsBlobKey(expected)) return Status::InvalidArgument("bad blob key");
    // All chunks in one transaction: a reader sees all of them or none. Two nodes
    // storing the same bytes at once both succeed; ON CONFLICT makes the second a no-op.
    // Bytes that are already stored are sent all the same (F23): an upload's latency then
    // differs only by the server's write, not by skipped round trips, when another
    // workspace has the same document (the residual difference: docs/storage.md).
    // Without an expected hash the rows go in under a temporary key, renamed (or dropped,
    // when the blob is already there) once the hash is known, still in the transaction.
    const std::string key = expected.empty() ? "tmp:" + RandomToken(12) : expected;
    std::string sha;
    // The source cannot be rewound: when InTransaction would run this again after a
    // transient failure, the attempt stops and the failure is reported as retryable.
    bool consumed = false, rerun = false;
    Status source_error;
    Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
      if (consumed) {
        rerun = true;
        return Status::Internal("blob write interrupted");
      }
      consumed = true;
      Sha256Stream hash;
      std::string buffer;
      int64_t chunk = 0;
      Status db_error;
      auto insert = [&](std::string_view bytes) -> Status {
        hash.Update(bytes);
        db_error =
            c.Exec("INSERT INTO blobs (sha256, chunk, data) VALUES (?, ?, ?) ON CONFLICT (sha256, chunk) DO NOTHING",
                   {key, chunk++, Blob{std::string(bytes)}});
        return db_error;
      };
      Status read = ForEachChunk(source, buffer, kChunkBytes, insert);
      if (!db_error.ok()) return db_error;
      if (!read.ok()) {
        // The source's own failure is final here: retrying the transaction cannot help.
        source_error = read;
        return Status::Internal("blob source failed");
      }
      if (chunk == 0) GOLDSET_RETURN_IF_ERROR(insert({}));  // an empty blob still gets chunk 0, which marks it present
      sha = hash.FinishHex();
      if (!expected.empty()) {
        if (sha != expected) return Status::Internal("blob bytes do not match their expected checksum " + expected);
        return Status::OK();
      }
      auto present = c.Query("SELECT 1 FROM blobs WHERE sha256 = ? AND chunk = 0", {sha});
      if (!present.ok()) return present.status();
      if (!present->empty()) return c.Exec("DELETE FROM blobs WHERE sha256 = ?", {key});
      return c.Exec("UPDATE blobs SET sha256 = ? WHERE sha256 = ?", {sha, key});
    });
    if (!source_error.ok()) return source_error;
    if (rerun) return Status::Unavailable("blob store: the write was interrupted by a database failure; try again");
    if (!st.ok()) return st;
    return sha;
  }

  Status GetStream(const std::string& sha, BlobSink& sink) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    // One chunk per query keeps the peak memory at one chunk (a 100 MiB file in one
    // result would be held hex-encoded, twice over); the read transaction makes the
    // chunks one consistent snapshot. A retried transaction would repeat bytes the sink
    // already has, so a failure after the first chunk is returned, not retried.
    Sha256Stream hash;
    bool delivered = false, rerun = false;
    Status st = db_->InTransaction(false, [&](Connection& c) -> Status {
      if (delivered) {
        rerun = true;
        return Status::Internal("blob read interrupted");
      }
      int64_t read = 0;
      for (;; ++read) {
        auto rows = c.Query("SELECT data FROM blobs WHERE sha256 = ? AND chunk = ?", {sha, read});
        if (!rows.ok()) return rows.status();
        if (rows->empty()) break;
        const std::string& bytes = rows->front().Text(0);
        hash.Update(bytes);
        delivered = true;
        GOLDSET_RETURN_IF_ERROR(sink.Write(bytes));
      }
      auto stored = QueryInt(c, "SELECT COUNT(*) FROM blobs WHERE sha256 = ?", {sha});
      if (!stored.ok()) return stored.status();
      if (*stored == 0) return Status::NotFound("blob " + sha + " is missing");
      if (*stored != read) return Status::Internal("blob " + sha + " has a missing chunk (corrupt)");
      return Status::OK();
    });
    if (rerun)
      return Status::Unavailable("blob store: the read of " + sha +
                                 " was interrupted by a database failure; try again");
    if (!st.ok()) return st;
    if (hash.FinishHex() != sha) return Status::Internal("blob " + sha + " failed its checksum (corrupt)");
    return Status::OK();
  }

  Status Delete(const std::string& sha) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    return db_->InTransaction(true, [&](Connection& c) { return c.Exec("DELETE FROM blobs WHERE sha256 = ?", {sha}); });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::shared_ptr<BlobStore> OpenDatabaseBlobStore(std::shared_ptr<Database> db) {
  return std::make_shared<DatabaseBlobStore>(std::move(db));
}

}  // namespace goldset::store
