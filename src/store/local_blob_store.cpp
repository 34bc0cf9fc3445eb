#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/ids.h"
#include "store/blob_store.h"

namespace goldset::store {

namespace {

namespace fs = std::filesystem;

constexpr const char* kBackupLock = "backup.lock";   // see store/backup.h
constexpr const char* kDeferredDir = "deferred";     // deletes a backup deferred

// A failed write: NoSpace when the disk (or quota) is full, else Internal.
Status WriteError(const std::string& what, int err) {
  std::string msg = "blob store: " + what + ": " + strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(msg + " (the disk holding the data directory is full)");
  return Status::Internal(msg);
}

bool IsHexSha(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

class LocalBlobStore final : public BlobStore {
 public:
  explicit LocalBlobStore(fs::path dir) : dir_(std::move(dir)) {}

  StatusOr<bool> Exists(const std::string& sha) override {
    if (!IsHexSha(sha)) return Status::InvalidArgument("bad blob key");
    std::error_code ec;
    bool present = fs::exists(PathFor(sha), ec);
    if (ec) return Status::Internal("blob store: cannot stat " + PathFor(sha).string() + ": " + ec.message());
    return present;
  }

  StatusOr<std::string> Put(std::string_view bytes) override {
    std::string sha = Sha256Hex(bytes);
    fs::path final_path = PathFor(sha);
    std::error_code ec;
    if (fs::exists(final_path, ec)) return sha;
    fs::create_directories(final_path.parent_path(), ec);
    if (ec) return WriteError("cannot create " + final_path.parent_path().string(), ec.value());
    fs::path tmp = dir_ / "tmp" / (sha + "." + RandomToken(6));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return WriteError("cannot create " + tmp.string(), errno);
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        fs::remove(tmp, ec);
        return WriteError("write failed", err);
      }
      off += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
      int err = errno;
      ::close(fd);
      fs::remove(tmp, ec);
      return WriteError("fsync failed", err);
    }
    if (::close(fd) != 0) {
      int err = errno;
      fs::remove(tmp, ec);
      return WriteError("close failed", err);
    }
    fs::rename(tmp, final_path, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return Status::Internal("blob store: rename failed: " + ec.message());
    }
    return sha;
  }

  StatusOr<std::string> Get(const std::string& sha) override {
    if (!IsHexSha(sha)) return Status::InvalidArgument("bad blob key");
    std::ifstream in(PathFor(sha), std::ios::binary);
    if (!in) return Status::NotFound("blob " + sha + " is missing");
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string bytes = std::move(ss).str();
    if (Sha256Hex(bytes) != sha) return Status::Internal("blob " + sha + " failed its checksum (corrupt)");
    return bytes;
  }

  Status Delete(const std::string& sha) override {
    if (!IsHexSha(sha)) return Status::InvalidArgument("bad blob key");
    std::error_code ec;
    // A backup in progress holds backup.lock exclusively (store/backup.h): the bytes stay
    // until it ends, marked in deferred/ for the backup to remove, so its snapshot never
    // lists a file whose bytes are gone.
    int fd = ::open((dir_ / kBackupLock).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd >= 0 && ::flock(fd, LOCK_SH | LOCK_NB) != 0) {
      ::close(fd);
      fs::create_directories(dir_ / kDeferredDir, ec);
      std::ofstream(dir_ / kDeferredDir / sha).flush();
      return Status::OK();
    }
    fs::remove(PathFor(sha), ec);
    if (fd >= 0) ::close(fd);  // releases the shared lock
    return Status::OK();
  }

 private:
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
