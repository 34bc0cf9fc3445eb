// A minimal POSIX ustar archive of regular files, for backups (store/backup.h): one file
// per entry, names up to 100 bytes, sizes of any length (GNU base-256 beyond 8 GiB).
// `tar -tf` / `tar -xf` read what TarWriter writes.
// Thread-safety: one thread per writer or reader.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace goldset::store {

class TarWriter {
 public:
  // Creates (truncates) `path`.
  static StatusOr<std::unique_ptr<TarWriter>> Create(const std::string& path);
  ~TarWriter();

  // One entry of `size` bytes whose content `fill(write)` produces by calling
  // write(data, n) until exactly `size` bytes were written.
  Status Add(const std::string& name, uint64_t size,
             const std::function<Status(const std::function<Status(const char*, size_t)>&)>& fill);
  Status AddBytes(const std::string& name, const std::string& bytes);
  // Writes the end-of-archive blocks, flushes and fsyncs. REQUIRES: called once, last.
  Status Finish();

 private:
  TarWriter() = default;
  Status Write(const char* data, size_t n);
  std::string path_;
  std::FILE* f_ = nullptr;
};

class TarReader {
 public:
  static StatusOr<std::unique_ptr<TarReader>> Open(const std::string& path);
  ~TarReader();

  // Calls `entry(name, size, read)` for each file in order; `read(buf, n)` returns up to
  // n bytes of the entry (0 at its end). Unread bytes of an entry are skipped. Stops at
  // the first error, which is returned. A truncated or corrupt archive is InvalidArgument.
  Status ForEach(const std::function<Status(const std::string& name, uint64_t size,
                                            const std::function<StatusOr<size_t>(char*, size_t)>& read)>& entry);

 private:
  TarReader() = default;
  std::string path_;
  std::FILE* f_ = nullptr;
};

}  // namespace goldset::store
