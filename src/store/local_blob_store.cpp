#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/crypto.h"
#include "common/ids.h"
#include "store/blob_store.h"

namespace goldset::store {

namespace {

namespace fs = std::filesystem;

constexpr size_t kChunkBytes = size_t{1} << 16;  // one read or write of a stream

constexpr const char* kBackupLock = "backup.lock";  // see store/backup.h
constexpr const char* kDeferredDir = "deferred";    // deletes a backup deferred

// An I/O failure other than "no such file" (EMFILE, EIO, ENOMEM, …): the blob may well be
// intact, so the caller should try again, not conclude it is gone (F15). A full disk is
// NoSpace (507): the operator's to fix, and nothing stored is damaged. The message names
// the path below the blob directory only: it reaches tenants in run and item errors, and
// where the operator keeps the data directory is none of theirs.
Status IoError(const std::string& what, const fs::path& path, int err) {
  const fs::path shown = path.parent_path().filename() / path.filename();
  std::string msg = "blob store: cannot " + what + " " + shown.string() + ": " + strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(msg + " (the disk holding the data directory is full)");
  return Status::Unavailable(msg);
}

// Makes the directory entries under `dir` (a rename, an unlink, a new subdirectory)
// durable, as fsync of a file does for its bytes.
Status SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::OK() : IoError("fsync directory", dir, err);
}

class LocalBlobStore final : public BlobStore {
 public:
  explicit LocalBlobStore(fs::path dir) : dir_(std::move(dir)) {}

  StatusOr<bool> Exists(const std::string& sha) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    struct stat st;
    if (::stat(PathFor(sha).c_str(), &st) == 0) return true;
    if (errno == ENOENT) return false;
    return IoError("stat", PathFor(sha), errno);
  }

  // Always writes and fsyncs the bytes to a temp file, also when the blob exists, and then
  // either renames it into place or drops it, each followed by one directory fsync. So an
  // upload costs about the same whether or not any workspace stored these bytes before:
  // its latency is no cheap oracle for "someone has this document" (F23; the residual
  // difference, a rename against an unlink, is documented in docs/storage.md).
  StatusOr<std::string> PutStream(BlobSource& source, const std::string& expected) override {
    if (!expected.empty() && !IsBlobKey(expected)) return Status::InvalidArgument("bad blob key");
    fs::path tmp = dir_ / "tmp" / ((expected.empty() ? std::string("stream") : expected) + "." + RandomToken(6));
    auto sha = WriteDurably(tmp, source);
    if (!sha.ok()) return sha.status();
    std::error_code ec;
    if (!expected.empty() && *sha != expected) {
      fs::remove(tmp, ec);
      return Status::Internal("blob bytes do not match their expected checksum " + expected);
    }
    fs::path final_path = PathFor(*sha);
    const bool new_dir = fs::create_directories(final_path.parent_path(), ec);
    if (ec) {
      fs::remove(tmp, ec);
      return IoError("create", final_path.parent_path(), ec.value());
    }
    if (new_dir) GOLDSET_RETURN_IF_ERROR(SyncDir(dir_));
    struct stat st;
    if (::stat(final_path.c_str(), &st) == 0) {
      fs::remove(tmp, ec);
      GOLDSET_RETURN_IF_ERROR(SyncDir(tmp.parent_path()));
      return sha;
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
      int err = errno;
      fs::remove(tmp, ec);
      return IoError("rename into", final_path, err);
    }
    // F24: without this, a crash soon after could lose the new name although the caller
    // has recorded a file that uses it.
    GOLDSET_RETURN_IF_ERROR(SyncDir(final_path.parent_path()));
    return sha;
  }

  Status GetStream(const std::string& sha, BlobSink& sink) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    const fs::path path = PathFor(sha);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      // Only "no such file" means missing; everything else is an I/O error worth retrying.
      if (errno == ENOENT) return Status::NotFound("blob " + sha + " is missing");
      return IoError("open", path, errno);
    }
    Sha256Stream hash;
    std::string buf(kChunkBytes, '\0');
    Status st;
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        st = IoError("read", path, errno);
        break;
      }
      if (n == 0) break;
      const std::string_view chunk(buf.data(), static_cast<size_t>(n));
      hash.Update(chunk);
      st = sink.Write(chunk);
      if (!st.ok()) break;
    }
    ::close(fd);
    if (!st.ok()) return st;
    if (hash.FinishHex() != sha) return Status::Internal("blob " + sha + " failed its checksum (corrupt)");
    return Status::OK();
  }

  Status Delete(const std::string& sha) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    // A backup in progress holds backup.lock exclusively (store/backup.h): the bytes stay
    // until it ends, marked in deferred/ for the backup to remove, so its snapshot never
    // lists a file whose bytes are gone.
    int lock = ::open((dir_ / kBackupLock).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (lock >= 0 && ::flock(lock, LOCK_SH | LOCK_NB) != 0) {
      std::error_code ec;
      fs::create_directories(dir_ / kDeferredDir, ec);
      int marker = ::open((dir_ / kDeferredDir / sha).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
      if (marker < 0) {
        ::close(lock);
        return IoError("mark for deletion", dir_ / kDeferredDir / sha, errno);
      }
      ::close(marker);
      // The backup removes the marked blobs once it has let its lock go. If it let go
      // between the check above and the marker, it may have looked already: the lock is
      // free then, and this delete carries itself out. Otherwise the backup will see it.
      if (::flock(lock, LOCK_SH | LOCK_NB) != 0) {
        ::close(lock);
        return Status::OK();
      }
      fs::remove(dir_ / kDeferredDir / sha, ec);
    }
    const fs::path path = PathFor(sha);
    Status st;
    if (::unlink(path.c_str()) != 0) st = errno == ENOENT ? Status::OK() : IoError("delete", path, errno);
    else st = SyncDir(path.parent_path());
    if (lock >= 0) ::close(lock);  // releases the shared lock
    return st;
  }

 private:
  // Writes what `source` yields to a new file at `path`, fsyncs it and returns the
  // bytes' SHA-256; removes the file on failure.
  static StatusOr<std::string> WriteDurably(const fs::path& path, BlobSource& source) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return IoError("create", path, errno);
    Sha256Stream hash;
    std::string buffer;
    int err = 0;
    Status st = ForEachChunk(source, buffer, kChunkBytes, [&](std::string_view chunk) -> Status {
      hash.Update(chunk);
      size_t off = 0;
      while (off < chunk.size()) {
        ssize_t n = ::write(fd, chunk.data() + off, chunk.size() - off);
        if (n < 0 && errno != EINTR) {
          err = errno;
          return IoError("write", path, err);
        }
        if (n > 0) off += static_cast<size_t>(n);
      }
      return Status::OK();
    });
    if (st.ok() && ::fsync(fd) != 0) err = errno;
    if (::close(fd) != 0 && err == 0) err = errno;
    if (st.ok() && err != 0) st = IoError("write", path, err);
    if (st.ok()) return hash.FinishHex();
    std::error_code ec;
    fs::remove(path, ec);
    return st;
  }

  fs::path PathFor(const std::string& sha) const { return dir_ / sha.substr(0, 2) / sha; }
  fs::path dir_;
};

}  // namespace

StatusOr<std::shared_ptr<BlobStore>> OpenLocalBlobStore(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "tmp", ec);
  if (ec) return Status::Internal("cannot create blob dir " + dir + ": " + ec.message());
  // Leftovers of interrupted uploads are never referenced; clear them at start.
  for (auto& e : fs::directory_iterator(fs::path(dir) / "tmp", ec)) fs::remove(e.path(), ec);
  return std::shared_ptr<BlobStore>(std::make_shared<LocalBlobStore>(dir));
}

}  // namespace goldset::store
