// BlobSource / BlobSink: the bounded-chunk streams a BlobStore reads and writes, so that
// no store needs a whole object in memory (an S3 upload holds one part, a download one
// network buffer).
//
// A source hands out its bytes in order, at most `cap` per Read; a sink takes them in
// order. Neither is thread-safe; each is used by one Put or Get at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace goldset::store {

class BlobSource {
 public:
  virtual ~BlobSource() = default;
  // Copies up to `cap` (> 0) next bytes into `buf`; returns how many, 0 only at the end.
  virtual StatusOr<size_t> Read(char* buf, size_t cap) = 0;
};

class BlobSink {
 public:
  virtual ~BlobSink() = default;
  // Takes the next bytes. An error stops the Get that feeds it and is returned by it.
  virtual Status Write(std::string_view bytes) = 0;
};

// Reads a string_view that must outlive the source.
class StringViewSource final : public BlobSource {
 public:
  explicit StringViewSource(std::string_view bytes) : rest_(bytes) {}
  StatusOr<size_t> Read(char* buf, size_t cap) override {
    const size_t n = rest_.size() < cap ? rest_.size() : cap;
    rest_.copy(buf, n);
    rest_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view rest_;
};

// Appends to a string, refusing to grow it past `limit` bytes (Internal: a store only
// holds objects a Put accepted, so a larger one is not what the caller asked for).
class StringSink final : public BlobSink {
 public:
  explicit StringSink(std::string* out, size_t limit = static_cast<size_t>(-1)) : out_(out), limit_(limit) {}
  Status Write(std::string_view bytes) override {
    if (bytes.size() > limit_ - out_->size()) return Status::Internal("blob is larger than the expected size");
    out_->append(bytes);
    return Status::OK();
  }

 private:
  std::string* out_;
  size_t limit_;
};

// Reads `source` to its end in chunks of `chunk` bytes, passing each to `fn(string_view)`
// (a Status-returning callable). Stops at the first error.
template <typename Fn>
Status ForEachChunk(BlobSource& source, std::string& buffer, size_t chunk, Fn&& fn) {
  buffer.resize(chunk);
  for (;;) {
    size_t filled = 0;
    while (filled < chunk) {  // fill the whole chunk: a short Read does not end the blob
      auto n = source.Read(buffer.data() + filled, chunk - filled);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      filled += *n;
    }
    if (filled == 0) return Status::OK();
    GOLDSET_RETURN_IF_ERROR(fn(std::string_view(buffer.data(), filled)));
    if (filled < chunk) return Status::OK();
  }
}

}  // namespace goldset::store
