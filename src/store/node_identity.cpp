#include "store/node_identity.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/ids.h"

namespace goldset::store {

namespace {

namespace fs = std::filesystem;

// Reads <dir>/node-id, creating it (atomically: temp file + rename) on first use.
StatusOr<std::string> StableName(const fs::path& dir) {
  const fs::path file = dir / "node-id";
  {
    std::ifstream in(file);
    std::string name;
    if (in && std::getline(in, name) && !name.empty()) return name;
  }
  const std::string name = "node-" + RandomToken(10);
  const fs::path tmp = dir / ("node-id." + RandomToken(6));
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << name << "\n";
    if (!out) return Status::Internal("cannot write " + tmp.string());
  }
  std::error_code ec;
  // Two processes starting at once: the first rename wins and both read it back.
  if (!fs::exists(file, ec)) fs::rename(tmp, file, ec);
  fs::remove(tmp, ec);
  std::ifstream in(file);
  std::string stored;
  if (!in || !std::getline(in, stored) || stored.empty()) return Status::Internal("cannot read " + file.string());
  return stored;
}

}  // namespace

NodeIdentity::~NodeIdentity() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

StatusOr<std::unique_ptr<NodeIdentity>> NodeIdentity::Acquire(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Status::InvalidArgument("cannot create data dir " + data_dir + ": " + ec.message());
  auto name = StableName(data_dir);
  if (!name.ok()) return name.status();
  std::unique_ptr<NodeIdentity> id(new NodeIdentity());
  id->start_ = RandomToken(8);
  const std::string lock_path = (fs::path(data_dir) / "node.lock").string();
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Status::Internal("cannot open " + lock_path + ": " + std::strerror(errno));
  int rc;
  do rc = ::flock(fd, LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) {
    id->lock_fd_ = fd;
    id->name_ = *name;
  } else {
    ::close(fd);
    id->name_ = *name + "~" + id->start_;  // another live process is this data dir's node
  }
  return id;
}

}  // namespace goldset::store
