// store/backup.h for the embedded store: SQLite online backup + the blob files.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/json.h"
#include "store/backup.h"
#include "store/tar_archive.h"

namespace goldset::store {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxSnapshots = 5;
constexpr size_t kChunk = 1 << 20;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

Status IoError(const std::string& what, int err) {
  std::string msg = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(msg);
  return Status::Internal(msg);
}

StatusOr<Db> OpenDb(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return Status::Internal("cannot open " + path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

Status Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  if ((rc & 0xFF) == SQLITE_FULL) return Status::NoSpace(sql + ": " + msg);
  return Status::Internal(sql + ": " + msg);
}

// Rows of a one-column text query.
StatusOr<std::vector<std::string>> Column(sqlite3* db, const std::string& sql, const std::string& arg = "") {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    return Status::Internal(sql + ": " + sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, &sqlite3_finalize);
  if (!arg.empty()) sqlite3_bind_text(stmt, 1, arg.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(stmt, 0);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  if (rc != SQLITE_DONE) return Status::Internal(sql + ": " + sqlite3_errmsg(db));
  return out;
}

fs::path BlobPath(const fs::path& dir, const std::string& sha) { return dir / sha.substr(0, 2) / sha; }

bool IsHexSha(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Copies the live database into `out` as one consistent state (a single backup step holds
// one read snapshot), then makes the copy a self-contained rollback-journal database.
Status Snapshot(const std::string& live, const std::string& out) {
  auto src = OpenDb(live, SQLITE_OPEN_READWRITE);
  if (!src.ok()) return src.status();
  std::error_code ec;
  fs::remove(out, ec);
  auto dst = OpenDb(out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dst.ok()) return dst.status();
  sqlite3_backup* b = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
  if (!b) return Status::Internal(std::string("backup init: ") + sqlite3_errmsg(dst->get()));
  int rc;
  for (int tries = 0;; ++tries) {
    rc = sqlite3_backup_step(b, -1);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries > 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    if ((rc & 0xFF) == SQLITE_FULL) return Status::NoSpace(std::string("backup: ") + sqlite3_errstr(rc));
    return Status::Internal(std::string("backup of ") + live + ": " + sqlite3_errstr(rc));
  }
  return Exec(dst->get(), "PRAGMA journal_mode=DELETE");
}

// The blobs the snapshot's file rows reference, and whether each is present now.
struct BlobSet {
  std::vector<std::string> shas;
  std::vector<std::string> missing;
  int64_t files = 0;
  int schema_version = 0;
};

StatusOr<BlobSet> ReferencedBlobs(const std::string& snapshot, const fs::path& blob_dir) {
  auto db = OpenDb(snapshot, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  BlobSet set;
  auto shas = Column(db->get(), "SELECT DISTINCT content_sha256 FROM files ORDER BY content_sha256");
  if (!shas.ok()) return shas.status();
  auto files = Column(db->get(), "SELECT COUNT(*) FROM files");
  auto version = Column(db->get(), "SELECT MAX(version) FROM schema_migrations");
  if (!files.ok() || !version.ok()) return Status::Internal("cannot read the snapshot's files or schema version");
  set.files = std::stoll(files->front());
  set.schema_version = std::atoi(version->front().c_str());
  for (const std::string& sha : *shas) {
    if (!IsHexSha(sha)) return Status::Internal("file row with a malformed content hash '" + sha + "'");
    std::error_code ec;
    if (fs::exists(BlobPath(blob_dir, sha), ec)) set.shas.push_back(sha);
    else set.missing.push_back(sha);
  }
  return set;
}

// Streams one blob into the archive, verifying its checksum. NotFound when it vanished.
Status ArchiveBlob(TarWriter& tar, const fs::path& blob_dir, const std::string& sha, uint64_t* bytes) {
  const fs::path path = BlobPath(blob_dir, sha);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("blob " + sha + " vanished");
    return IoError("cannot open " + path.string(), errno);
  }
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  struct stat st {};
  if (::fstat(fd, &st) != 0) return IoError("cannot stat " + path.string(), errno);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  Sha256Stream hash;
  GOLDSET_RETURN_IF_ERROR(tar.Add("blobs/" + sha.substr(0, 2) + "/" + sha, size, [&](const auto& write) -> Status {
    std::vector<char> buf(kChunk);
    uint64_t left = size;
    while (left > 0) {
      ssize_t n = ::read(fd, buf.data(), static_cast<size_t>(std::min<uint64_t>(left, kChunk)));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return IoError("reading " + path.string(), errno);
      if (n == 0) return Status::Internal(path.string() + " shrank while being read");
      hash.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
      GOLDSET_RETURN_IF_ERROR(write(buf.data(), static_cast<size_t>(n)));
      left -= static_cast<uint64_t>(n);
    }
    return Status::OK();
  }));
  if (hash.FinishHex() != sha)
    return Status::Internal("blob " + sha + " failed its checksum (corrupt); run `goldset doctor`");
  *bytes += size;
  return Status::OK();
}

Status ArchiveFile(TarWriter& tar, const std::string& name, const std::string& path, uint64_t* bytes) {
  std::unique_ptr<std::FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "rbe"), &std::fclose);
  if (!f) return IoError("cannot open " + path, errno);
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return Status::Internal("cannot stat " + path + ": " + ec.message());
  *bytes = size;
  return tar.Add(name, size, [&](const auto& write) -> Status {
    std::vector<char> buf(kChunk);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) GOLDSET_RETURN_IF_ERROR(write(buf.data(), n));
    return std::ferror(f.get()) ? IoError("reading " + path, errno) : Status::OK();
  });
}

void SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Holds blobs/backup.lock exclusively for the backup's life (see store/backup.h): waits for
// deletes in progress, then makes later ones defer.
class BackupLock {
 public:
  static StatusOr<std::unique_ptr<BackupLock>> Take(const fs::path& blob_dir) {
    std::error_code ec;
    fs::create_directories(blob_dir, ec);
    const std::string path = (blob_dir / "backup.lock").string();
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return IoError("cannot open " + path, errno);
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        int err = errno;
        ::close(fd);
        return IoError("cannot lock " + path, err);
      }
    }
    return std::unique_ptr<BackupLock>(new BackupLock(fd));
  }
  ~BackupLock() { ::close(fd_); }

 private:
  explicit BackupLock(int fd) : fd_(fd) {}
  int fd_;
};

// Removes the blobs whose deletion a backup deferred, unless a file references them again.
// Each check-and-remove runs under the live database's write lock, as a server's own delete
// does, so it cannot race an upload that is about to reference the same bytes.
void PurgeDeferred(const std::string& live, const fs::path& blob_dir) {
  std::error_code ec;
  const fs::path deferred = blob_dir / "deferred";
  if (!fs::exists(deferred, ec)) return;
  auto db = OpenDb(live, SQLITE_OPEN_READWRITE);
  if (!db.ok()) return;  // the markers stay for the next backup; doctor shows the orphans
  for (auto& entry : fs::directory_iterator(deferred, ec)) {
    const std::string sha = entry.path().filename().string();
    if (!IsHexSha(sha)) continue;
    if (!Exec(db->get(), "BEGIN IMMEDIATE").ok()) continue;
    auto ids = Column(db->get(), "SELECT id FROM files WHERE content_sha256 = ?", sha);
    if (ids.ok() && ids->empty()) fs::remove(BlobPath(blob_dir, sha), ec);
    (void)Exec(db->get(), "COMMIT");
    fs::remove(entry.path(), ec);
  }
}

}  // namespace

StatusOr<BackupSummary> BackupDataDir(const std::string& data_dir, const std::string& archive) {
  const fs::path dir(data_dir);
  const std::string live = (dir / "goldset.db").string();
  std::error_code ec;
  if (!fs::exists(live, ec)) return Status::NotFound("no database at " + live);
  const fs::path blob_dir = dir / "blobs";
  const std::string tag = RandomToken(6);
  const std::string snapshot = archive + ".snapshot-" + tag;
  const std::string partial = archive + ".partial-" + tag;
  struct Cleanup {
    std::string a, b;
    ~Cleanup() {
      std::error_code e;
      fs::remove(a, e);
      fs::remove(b, e);
    }
  } cleanup{snapshot, partial};

  // Declared before the lock, so it runs after the lock is let go: a delete that marked its
  // blob while the lock was held then always finds its marker looked at, or the lock free
  // (LocalBlobStore::Delete). Purging unlocked is safe: a newer backup whose snapshot
  // still lists a purged file finds its blob missing and takes another snapshot.
  struct Purge {
    std::string live;
    fs::path blobs;
    ~Purge() { PurgeDeferred(live, blobs); }
  } purge{live, blob_dir};
  auto lock = BackupLock::Take(blob_dir);
  if (!lock.ok()) return lock.status();

  BackupSummary summary;
  Status missing;  // a blob still referenced by the live store when last looked at
  for (summary.snapshots = 1;; ++summary.snapshots) {
    if (summary.snapshots > kMaxSnapshots) {
      if (!missing.ok()) return missing;
      return Status::Unavailable("blobs kept vanishing while the backup ran; try again");
    }
    if (summary.snapshots > 1) std::this_thread::sleep_for(std::chrono::milliseconds(100 << summary.snapshots));
    GOLDSET_RETURN_IF_ERROR(Snapshot(live, snapshot));
    auto set = ReferencedBlobs(snapshot, blob_dir);
    if (!set.ok()) return set.status();
    if (!set->missing.empty()) {
      // A delete that removed the bytes before the backup took its lock commits just
      // after: take a newer snapshot (later deletes are deferred). A blob that stays
      // missing while its file stays is damage (reported after the last snapshot).
      missing = Status::OK();
      auto src = OpenDb(live, SQLITE_OPEN_READWRITE);
      if (!src.ok()) return src.status();
      for (const std::string& sha : set->missing) {
        auto ids = Column(src->get(), "SELECT id FROM files WHERE content_sha256 = ?", sha);
        if (!ids.ok()) return ids.status();
        if (!ids->empty())
          missing = Status::Internal("blob " + sha + " of file " + ids->front() +
                                     " is missing from the data directory; run `goldset doctor`");
      }
      continue;
    }
    auto tar = TarWriter::Create(partial);
    if (!tar.ok()) return tar.status();
    summary.blob_bytes = 0;
    bool vanished = false;
    for (const std::string& sha : set->shas) {
      Status st = ArchiveBlob(**tar, blob_dir, sha, &summary.blob_bytes);
      if (st.code() == Status::Code::kNotFound) {
        vanished = true;
        break;
      }
      GOLDSET_RETURN_IF_ERROR(st);
    }
    if (vanished) continue;
    GOLDSET_RETURN_IF_ERROR(ArchiveFile(**tar, "goldset.db", snapshot, &summary.database_bytes));
    summary.schema_version = set->schema_version;
    summary.files = set->files;
    summary.blobs = static_cast<int64_t>(set->shas.size());
    json::object manifest{{"format", "goldset-backup"},
                          {"version", 1},
                          {"createdAt", FormatRfc3339(NowMillis())},
                          {"schemaVersion", summary.schema_version},
                          {"files", summary.files},
                          {"blobs", summary.blobs},
                          {"blobBytes", summary.blob_bytes},
                          {"databaseBytes", summary.database_bytes}};
    GOLDSET_RETURN_IF_ERROR((*tar)->AddBytes("manifest.json", json::serialize(manifest) + "\n"));
    GOLDSET_RETURN_IF_ERROR((*tar)->Finish());
    fs::rename(partial, archive, ec);
    if (ec) return Status::Internal("cannot rename " + partial + " to " + archive + ": " + ec.message());
    SyncDir(fs::absolute(archive).parent_path());
    return summary;
  }
}

StatusOr<RestoreSummary> RestoreDataDir(const std::string& archive, const std::string& data_dir) {
  const fs::path dir(data_dir);
  std::error_code ec;
  if (fs::exists(dir / "goldset.db", ec))
    return Status::InvalidArgument(data_dir + " already holds a database; restore into an empty data directory");
  fs::create_directories(dir / "blobs" / "tmp", ec);
  if (ec) return Status::InvalidArgument("cannot create " + data_dir + ": " + ec.message());
  auto reader = TarReader::Open(archive);
  if (!reader.ok()) return reader.status();
  const std::string restoring = (dir / ("goldset.db.restoring-" + RandomToken(6))).string();
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code e;
      fs::remove(path, e);
    }
  } cleanup{restoring};

  RestoreSummary summary;
  std::set<std::string> blobs;
  bool have_db = false, have_manifest = false;
  json::object manifest;
  Status st = (*reader)->ForEach([&](const std::string& name, uint64_t, const auto& read) -> Status {
    auto copy_to = [&](const std::string& path, Sha256Stream* hash) -> Status {
      std::unique_ptr<std::FILE, decltype(&std::fclose)> out(std::fopen(path.c_str(), "wbe"), &std::fclose);
      if (!out) return IoError("cannot create " + path, errno);
      std::vector<char> buf(kChunk);
      for (;;) {
        auto n = read(buf.data(), buf.size());
        if (!n.ok()) return n.status();
        if (*n == 0) break;
        if (hash) hash->Update(std::string_view(buf.data(), *n));
        if (std::fwrite(buf.data(), 1, *n, out.get()) != *n) return IoError("writing " + path, errno);
      }
      if (std::fflush(out.get()) != 0 || ::fsync(fileno(out.get())) != 0) return IoError("writing " + path, errno);
      return Status::OK();
    };
    if (name == "goldset.db") {
      have_db = true;
      return copy_to(restoring, nullptr);
    }
    if (name == "manifest.json") {
      std::string text;
      char buf[4096];
      for (;;) {
        auto n = read(buf, sizeof buf);
        if (!n.ok()) return n.status();
        if (*n == 0) break;
        text.append(buf, *n);
      }
      auto v = ParseJson(text);
      if (!v.ok() || !v->is_object() || GetString(v->as_object(), "format").value_or("") != "goldset-backup")
        return Status::InvalidArgument("archive has no valid goldset-backup manifest");
      manifest = v->as_object();
      have_manifest = true;
      return Status::OK();
    }
    const std::string sha = name.size() == 6 + 3 + 64 && name.rfind("blobs/", 0) == 0 ? name.substr(9) : "";
    if (!IsHexSha(sha) || name.substr(6, 3) != sha.substr(0, 2) + "/")
      return Status::InvalidArgument("unexpected entry '" + name + "' in the archive");
    const fs::path final_path = BlobPath(dir / "blobs", sha);
    const std::string tmp = (dir / "blobs" / "tmp" / (sha + "." + RandomToken(6))).string();
    fs::create_directories(final_path.parent_path(), ec);
    Sha256Stream hash;
    Status copied = copy_to(tmp, &hash);
    if (copied.ok() && hash.FinishHex() != sha)
      copied = Status::InvalidArgument("blob " + sha + " in the archive is corrupt");
    if (copied.ok()) fs::rename(tmp, final_path, ec);
    if (copied.ok() && ec) copied = Status::Internal("cannot place blob " + sha + ": " + ec.message());
    fs::remove(tmp, ec);
    if (!copied.ok()) return copied;
    blobs.insert(sha);
    return Status::OK();
  });
  if (!st.ok()) return st;
  if (!have_manifest || !have_db)
    return Status::InvalidArgument("archive " + archive + " is incomplete (no manifest or database)");

  {
    auto db = OpenDb(restoring, SQLITE_OPEN_READWRITE);
    if (!db.ok()) return db.status();
    auto check = Column(db->get(), "PRAGMA integrity_check");
    if (!check.ok()) return check.status();
    if (check->size() != 1 || check->front() != "ok")
      return Status::InvalidArgument("the archive's database fails its integrity check: " + check->front());
    auto shas = Column(db->get(), "SELECT DISTINCT content_sha256 FROM files");
    if (!shas.ok()) return shas.status();
    for (const std::string& sha : *shas)
      if (!blobs.count(sha)) return Status::InvalidArgument("the archive lacks blob " + sha + " of a stored file");
    auto files = Column(db->get(), "SELECT COUNT(*) FROM files");
    auto version = Column(db->get(), "SELECT MAX(version) FROM schema_migrations");
    if (!files.ok() || !version.ok()) return Status::Internal("cannot read the restored database");
    summary.files = std::stoll(files->front());
    summary.schema_version = std::atoi(version->front().c_str());
  }
  summary.blobs = static_cast<int64_t>(blobs.size());
  fs::rename(restoring, dir / "goldset.db", ec);
  if (ec) return Status::Internal("cannot put the restored database in place: " + ec.message());
  SyncDir(dir);
  return summary;
}

}  // namespace goldset::store
