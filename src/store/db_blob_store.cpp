// BlobStore over the `blobs (sha256, chunk, data)` table (migration 1): what the
// PostgreSQL backend uses, so that API nodes and workers share nothing but the database.
// Runs on either backend.
#include <string>

#include "common/crypto.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace goldset::store {

namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

bool IsHexSha(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

class DatabaseBlobStore final : public BlobStore {
 public:
  explicit DatabaseBlobStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  StatusOr<bool> Exists(const std::string& sha) override {
    if (!IsHexSha(sha)) return Status::InvalidArgument("bad blob key");
    auto rows = db_->Acquire()->Query("SELECT 1 FROM blobs WHERE sha256 = ? AND chunk = 0", {sha});
    if (!rows.ok()) return rows.status();
    return !rows->empty();
  }

  StatusOr<std::string> Put(std::string_view bytes) override {
    std::string sha = Sha256Hex(bytes);
    // All chunks in one transaction: a reader sees all of them or none. Two nodes
    // storing the same bytes at once both succeed; ON CONFLICT makes the second a no-op.
    // Bytes that are already stored are sent all the same (F23): an upload's latency then
    // differs only by the server's write, not by skipped round trips, when another
    // workspace has the same document (the residual difference: docs/storage.md).
    Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
      size_t off = 0;
      int64_t chunk = 0;
      do {  // an empty blob still gets chunk 0, which marks it present
        size_t len = std::min(kChunkBytes, bytes.size() - off);
        GOLDSET_RETURN_IF_ERROR(c.Exec(
            "INSERT INTO blobs (sha256, chunk, data) VALUES (?, ?, ?) ON CONFLICT (sha256, chunk) DO NOTHING",
            {sha, chunk, Blob{std::string(bytes.substr(off, len))}}));
        off += len;
        ++chunk;
      } while (off < bytes.size());
      return Status::OK();
    });
    if (!st.ok()) return st;
    return sha;
  }

  StatusOr<std::string> Get(const std::string& sha) override {
    if (!IsHexSha(sha)) return Status::InvalidArgument("bad blob key");
    std::string bytes;
    // One chunk per query keeps the peak memory near the blob's size (a 100 MiB file in
    // one result would be held hex-encoded, twice over); the read transaction makes the
    // chunks one consistent snapshot.
    Status st = db_->InTransaction(false, [&](Connection& c) -> Status {
      bytes.clear();
      int64_t read = 0;
      for (;; ++read) {
        auto rows = c.Query("SELECT data FROM blobs WHERE sha256 = ? AND chunk = ?", {sha, read});
        if (!rows.ok()) return rows.status();
        if (rows->empty()) break;
        bytes += rows->front().Text(0);
      }
      auto stored = QueryInt(c, "SELECT COUNT(*) FROM blobs WHERE sha256 = ?", {sha});
      if (!stored.ok()) return stored.status();
      if (*stored == 0) return Status::NotFound("blob " + sha + " is missing");
      if (*stored != read) return Status::Internal("blob " + sha + " has a missing chunk (corrupt)");
      return Status::OK();
    });
    if (!st.ok()) return st;
    if (Sha256Hex(bytes) != sha) return Status::Internal("blob " + sha + " failed its checksum (corrupt)");
    return bytes;
  }

  Status Delete(const std::string& sha) override {
    if (!IsHexSha(sha)) return Status::InvalidArgument("bad blob key");
    return db_->InTransaction(true, [&](Connection& c) {
      return c.Exec("DELETE FROM blobs WHERE sha256 = ?", {sha});
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::shared_ptr<BlobStore> OpenDatabaseBlobStore(std::shared_ptr<Database> db) {
  return std::make_shared<DatabaseBlobStore>(std::move(db));
}

}  // namespace goldset::store
