// Where and how the S3 blob store reaches its bucket: parsed from
// `s3://BUCKET/PREFIX?endpoint=URL&region=R` plus credentials.
//
// The endpoint is the operator's: requests to it bypass the egress policy that guards
// tenant-supplied URLs (outbound/egress_policy.h), which this never widens.
// Objects are addressed path-style: ENDPOINT/BUCKET/PREFIX<sha256>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace goldset::store {

struct S3Options {
  std::string bucket;
  std::string prefix;    // "" or ends with '/'
  std::string endpoint;  // scheme://host[:port], no trailing slash
  std::string region = "us-east-1";
  std::string access_key, secret_key, session_token;
  // Objects of more bytes go up as a multipart upload of parts this large (S3's minimum
  // part is 5 MiB); it is also the most a Put holds in memory.
  size_t multipart_threshold = size_t{16} << 20;
  int max_attempts = 4;         // per request, for 5xx answers, timeouts and lost connections
  int64_t retry_base_ms = 200;  // first backoff; doubles per attempt (with jitter), at most 5 s
  int64_t connect_timeout_ms = 10000;
  int64_t stall_timeout_ms = 30000;  // a transfer that moves no byte this long is retried
};

// True when `spec` names an S3 store (starts with "s3://").
bool IsS3Url(const std::string& spec);

// Parses the URL. Bucket and prefix may hold [A-Za-z0-9._-] and '/' (prefix only), so
// that keys need no escaping; endpoint defaults to https://s3.REGION.amazonaws.com.
// Errors: InvalidArgument naming the part at fault.
StatusOr<S3Options> ParseS3Url(const std::string& spec);

// Fills the credentials from `credentials_file` when non-empty (lines KEY=VALUE with
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optionally AWS_SESSION_TOKEN; '#' comments),
// else from the environment variables of the same names. InvalidArgument when either
// key is missing or the file cannot be read.
Status LoadS3Credentials(S3Options& options, const std::string& credentials_file);

}  // namespace goldset::store
