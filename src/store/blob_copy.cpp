#include "store/blob_copy.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace goldset::store {

namespace {

constexpr size_t kPipeChunks = 4;  // chunks in flight between the two stores

// A bounded pipe: one thread writes (a GetStream), another reads (a PutStream).
class BlobPipe final : public BlobSink, public BlobSource {
 public:
  Status Write(std::string_view bytes) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return chunks_.size() < kPipeChunks || cancelled_; });
    if (cancelled_) {
      writer_cancelled_ = true;
      return Status::Internal("the copy's reader stopped");
    }
    chunks_.emplace_back(bytes);
    cv_.notify_all();
    return Status::OK();
  }

  StatusOr<size_t> Read(char* buf, size_t cap) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !chunks_.empty() || closed_; });
    if (chunks_.empty()) {
      if (!writer_status_.ok()) return writer_status_;
      return size_t{0};
    }
    std::string& front = chunks_.front();
    const size_t n = std::min(cap, front.size() - offset_);
    front.copy(buf, n, offset_);
    offset_ += n;
    if (offset_ == front.size()) {
      chunks_.pop_front();
      offset_ = 0;
      cv_.notify_all();
    }
    return n;
  }

  // The writer is done; `st` is what its GetStream returned.
  void Close(Status st) {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    writer_status_ = std::move(st);
    cv_.notify_all();
  }

  // The reader is done (perhaps early): a blocked writer returns.
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  size_t offset_ = 0;
  bool closed_ = false, cancelled_ = false;

 public:
  bool writer_cancelled_ = false;  // read after the writer thread joined

 private:
  Status writer_status_;
};

class DiscardSink final : public BlobSink {
 public:
  Status Write(std::string_view) override { return Status::OK(); }
};

}  // namespace

Status CopyBlob(BlobStore& from, BlobStore& to, const std::string& sha256) {
  BlobPipe pipe;
  Status read_status;
  std::thread reader([&] {
    read_status = from.GetStream(sha256, pipe);
    pipe.Close(read_status);
  });
  auto put = to.PutStream(pipe, sha256);
  pipe.Cancel();
  reader.join();
  // The source's error says more (NotFound, a corrupt source) than the put's echo of it.
  if (!read_status.ok() && !pipe.writer_cancelled_) return read_status;
  if (!put.ok()) return put.status();
  DiscardSink discard;
  Status verify = to.GetStream(sha256, discard);
  if (!verify.ok()) return verify.WithContext("verifying the copy of " + sha256);
  return Status::OK();
}

}  // namespace goldset::store
