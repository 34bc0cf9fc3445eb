// S3Client: SigV4-signed requests to one bucket (libcurl's CURLOPT_AWS_SIGV4), retried
// with backoff on 5xx answers, 429, timeouts and lost connections.
//
// Request bodies are in memory and bounded by the caller (one part of a multipart upload
// at most); response bodies stream into a BlobSink, so a download holds one network
// buffer. A GET interrupted after some bytes resumes with a Range request, so the sink
// sees every byte exactly once. Thread-safe: concurrent calls use separate curl handles
// from a small pool that keeps connections alive.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/blob_stream.h"
#include "store/s3/s3_options.h"

namespace goldset::store {

struct S3Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string key;             // object key below the bucket ("" for the bucket itself)
  std::string query;           // canonical: sorted, %-encoded, every name with '='
  std::string_view body;       // PUT/POST payload; must outlive the call
  std::vector<std::pair<std::string, std::string>> headers;
  BlobSink* sink = nullptr;  // receives a 2xx GET's body; else the body is kept (capped)
};

struct S3Response {
  long status = 0;
  std::string body;  // when no sink took it; at most 1 MiB
  std::string etag;  // as sent, quotes included
};

class S3Client {
 public:
  explicit S3Client(S3Options options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Sends `request` until it gets a final answer: any status below 500 other than 408
  // and 429 (returned as is, 4xx included), or the last attempt's failure (Unavailable).
  // A failing sink ends the call with its error.
  StatusOr<S3Response> Send(const S3Request& request);

  const S3Options& options() const { return options_; }
  // "s3://bucket/prefix" for messages.
  std::string Describe() const;

 private:
  void* TakeHandle();
  void ReturnHandle(void* handle);

  const S3Options options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL*, kept for their connections
};

// The S3 error code in an error body ("NoSuchKey"), or "" when there is none.
std::string S3ErrorCode(const std::string& body);

}  // namespace goldset::store
