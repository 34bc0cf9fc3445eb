#include "store/tar_archive.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace goldset::store {

namespace {

constexpr size_t kBlock = 512;

Status IoError(const std::string& what, int err) {
  std::string msg = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(msg);
  return Status::Internal(msg);
}

// width-1 zero-padded octal digits and a NUL.
void PutOctal(char* field, size_t width, uint64_t v) {
  field[width - 1] = '\0';
  for (size_t i = width - 1; i-- > 0; v >>= 3) field[i] = static_cast<char>('0' + (v & 7));
}

// The size field: octal when it fits in 11 digits, else GNU base-256.
void PutSize(char* field, uint64_t v) {
  if (v < (uint64_t{1} << 33)) {
    PutOctal(field, 12, v);
    return;
  }
  std::memset(field, 0, 12);
  field[0] = static_cast<char>(0x80);
  for (int i = 11; i >= 4; --i, v >>= 8) field[i] = static_cast<char>(v & 0xFF);
}

StatusOr<uint64_t> GetSize(const char* field) {
  const auto* u = reinterpret_cast<const unsigned char*>(field);
  if (u[0] & 0x80) {
    uint64_t v = 0;
    for (int i = 4; i < 12; ++i) v = (v << 8) | u[i];
    return v;
  }
  uint64_t v = 0;
  for (int i = 0; i < 12 && field[i] && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7') return Status::InvalidArgument("corrupt archive: bad size field");
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return v;
}

unsigned Checksum(const char* header) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  return sum;
}

}  // namespace

StatusOr<std::unique_ptr<TarWriter>> TarWriter::Create(const std::string& path) {
  std::unique_ptr<TarWriter> w(new TarWriter());
  w->path_ = path;
  w->f_ = std::fopen(path.c_str(), "wbe");
  if (!w->f_) return IoError("cannot create " + path, errno);
  return w;
}

TarWriter::~TarWriter() {
  if (f_) std::fclose(f_);
}

Status TarWriter::Write(const char* data, size_t n) {
  if (n && std::fwrite(data, 1, n, f_) != n) return IoError("writing " + path_, errno);
  return Status::OK();
}

Status TarWriter::Add(const std::string& name, uint64_t size,
                      const std::function<Status(const std::function<Status(const char*, size_t)>&)>& fill) {
  if (name.empty() || name.size() >= 100) return Status::InvalidArgument("archive entry name too long: " + name);
  char h[kBlock] = {};
  std::memcpy(h, name.data(), name.size());
  PutOctal(h + 100, 8, 0640);
  PutOctal(h + 108, 8, 0);
  PutOctal(h + 116, 8, 0);
  PutSize(h + 124, size);
  PutOctal(h + 136, 12, static_cast<uint64_t>(time(nullptr)));
  h[156] = '0';
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  PutOctal(h + 148, 7, Checksum(h));
  h[155] = ' ';
  GOLDSET_RETURN_IF_ERROR(Write(h, kBlock));
  uint64_t written = 0;
  GOLDSET_RETURN_IF_ERROR(fill([&](const char* data, size_t n) -> Status {
    if (written + n > size) return Status::Internal("archive entry " + name + " grew while being written");
    written += n;
    return Write(data, n);
  }));
  if (written != size) return Status::Internal("archive entry " + name + " shrank while being written");
  static const char kZeros[kBlock] = {};
  return Write(kZeros, (kBlock - size % kBlock) % kBlock);
}

Status TarWriter::AddBytes(const std::string& name, const std::string& bytes) {
  return Add(name, bytes.size(), [&](const auto& write) { return write(bytes.data(), bytes.size()); });
}

Status TarWriter::Finish() {
  static const char kZeros[2 * kBlock] = {};
  GOLDSET_RETURN_IF_ERROR(Write(kZeros, sizeof kZeros));
  if (std::fflush(f_) != 0) return IoError("writing " + path_, errno);
  if (::fsync(fileno(f_)) != 0) return IoError("fsync " + path_, errno);
  int rc = std::fclose(f_);
  f_ = nullptr;
  if (rc != 0) return IoError("closing " + path_, errno);
  return Status::OK();
}

StatusOr<std::unique_ptr<TarReader>> TarReader::Open(const std::string& path) {
  std::unique_ptr<TarReader> r(new TarReader());
  r->path_ = path;
  r->f_ = std::fopen(path.c_str(), "rbe");
  if (!r->f_) return Status::NotFound("cannot open " + path + ": " + std::strerror(errno));
  return r;
}

TarReader::~TarReader() {
  if (f_) std::fclose(f_);
}

Status TarReader::ForEach(const std::function<Status(const std::string&, uint64_t,
                                                     const std::function<StatusOr<size_t>(char*, size_t)>&)>& entry) {
  const Status truncated = Status::InvalidArgument("archive " + path_ + " is truncated or corrupt");
  for (;;) {
    char h[kBlock];
    if (std::fread(h, 1, kBlock, f_) != kBlock) return truncated;
    bool zero = true;
    for (char c : h) zero = zero && c == 0;
    if (zero) return Status::OK();  // end-of-archive
    if (std::memcmp(h + 257, "ustar", 5) != 0)
      return Status::InvalidArgument("archive " + path_ + " is not a ustar archive");
    unsigned stored = static_cast<unsigned>(std::strtoul(std::string(h + 148, 8).c_str(), nullptr, 8));
    if (stored != Checksum(h)) return Status::InvalidArgument("archive " + path_ + ": header checksum mismatch");
    auto size = GetSize(h + 124);
    if (!size.ok()) return size.status();
    std::string name(h, strnlen(h, 100));
    uint64_t left = *size;
    bool short_read = false;
    auto read = [&](char* buf, size_t n) -> StatusOr<size_t> {
      size_t want = static_cast<size_t>(std::min<uint64_t>(n, left));
      if (want == 0) return size_t{0};
      size_t got = std::fread(buf, 1, want, f_);
      left -= got;
      if (got < want) {
        short_read = true;
        return truncated;
      }
      return got;
    };
    if (h[156] == '0' || h[156] == 0) GOLDSET_RETURN_IF_ERROR(entry(name, *size, read));
    if (short_read) return truncated;
    // Skip what the callback did not read, and the padding.
    uint64_t skip = left + (kBlock - *size % kBlock) % kBlock;
    if (skip && std::fseek(f_, static_cast<long>(skip), SEEK_CUR) != 0) return truncated;
  }
}

}  // namespace goldset::store
