#include "store/s3/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>

#include "common/crypto.h"
#include "common/rng.h"

namespace goldset::store {

namespace {

constexpr size_t kMaxKeptBody = size_t{1} << 20;
constexpr size_t kMaxIdleHandles = 16;

struct Transfer {
  const S3Request* request;
  CURL* curl;
  S3Response response;
  uint64_t delivered = 0;  // bytes the sink has taken, over all attempts
  uint64_t skip = 0;       // bytes of this answer the sink already has (a Range the server ignored)
  bool skip_decided = false;
  Status sink_status;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * count;
  long code = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
  if (t->request->sink && code >= 200 && code < 300) {
    std::string_view chunk(data, len);
    if (!t->skip_decided) {
      // A resumed GET asked for bytes=delivered-; a server that ignores Range answers
      // 200 with the whole object, whose first `delivered` bytes the sink already has.
      t->skip = code == 200 ? t->delivered : 0;
      t->skip_decided = true;
    }
    const size_t skipped = static_cast<size_t>(std::min<uint64_t>(t->skip, chunk.size()));
    chunk.remove_prefix(skipped);
    t->skip -= skipped;
    if (!chunk.empty()) {
      Status st = t->request->sink->Write(chunk);
      if (!st.ok()) {
        t->sink_status = st;
        return 0;  // curl aborts the transfer with CURLE_WRITE_ERROR
      }
      t->delivered += chunk.size();
    }
    return len;
  }
  const size_t room = kMaxKeptBody - std::min(kMaxKeptBody, t->response.body.size());
  t->response.body.append(data, std::min(room, len));
  return len;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * count;
  std::string_view line(data, len);
  if (line.rfind("HTTP/", 0) == 0) t->response.etag.clear();  // a new answer (after a 100)
  if (line.size() > 5 && strncasecmp(line.data(), "etag:", 5) == 0) {
    std::string_view v = line.substr(5);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
    t->response.etag = std::string(v);
  }
  return len;
}

bool TransientCurlError(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

bool TransientStatus(long status) { return status >= 500 || status == 408 || status == 429; }

void Backoff(const S3Options& o, int attempt) {
  // Jitter spreads nodes retrying together; it needs no secrecy (seeded from the clock).
  thread_local Rng rng(static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                       std::hash<std::thread::id>{}(std::this_thread::get_id()));
  const int64_t base = std::max<int64_t>(2, std::min<int64_t>(o.retry_base_ms << std::min(attempt, 10), 5000));
  const int64_t delay = base / 2 + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(base / 2 + 1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
}

}  // namespace

std::string S3ErrorCode(const std::string& body) {
  const size_t open = body.find("<Code>");
  if (open == std::string::npos) return "";
  const size_t close = body.find("</Code>", open);
  if (close == std::string::npos) return "";
  return body.substr(open + 6, close - open - 6);
}

S3Client::S3Client(S3Options options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

S3Client::~S3Client() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

std::string S3Client::Describe() const { return "s3://" + options_.bucket + "/" + options_.prefix; }

void* S3Client::TakeHandle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void S3Client::ReturnHandle(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleHandles) idle_.push_back(handle);
  else curl_easy_cleanup(static_cast<CURL*>(handle));
}

StatusOr<S3Response> S3Client::Send(const S3Request& request) {
  CURL* c = static_cast<CURL*>(TakeHandle());
  if (!c) return Status::Unavailable("S3: curl_easy_init failed");
  const std::string url = options_.endpoint + "/" + options_.bucket + (request.key.empty() ? "" : "/" + request.key) +
                          (request.query.empty() ? "" : "?" + request.query);
  const std::string sigv4 = "aws:amz:" + options_.region + ":s3";
  Transfer t{.request = &request, .curl = c, .response = {}};
  const std::string payload_hash = Sha256Hex(request.body);
  std::string last_error;
  const int attempts = std::max(1, options_.max_attempts);
  int attempt = 0;
  for (; attempt < attempts; ++attempt) {
    if (attempt > 0) Backoff(options_, attempt - 1);
    t.response = S3Response{};
    t.skip = 0;
    t.skip_decided = false;
    curl_easy_reset(c);
    curl_slist* headers = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
    bool has_type = false;
    for (const auto& [k, v] : request.headers) {
      headers = curl_slist_append(headers, (k + ": " + v).c_str());
      if (strcasecmp(k.c_str(), "content-type") == 0) has_type = true;
    }
    if (!has_type && (request.method == "PUT" || request.method == "POST"))
      headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    // The payload's hash, signed: S3 refuses a body that does not match it. (libcurl 7.88
    // signs this header's value rather than hashing the body itself.)
    headers = curl_slist_append(headers, ("x-amz-content-sha256: " + payload_hash).c_str());
    if (!options_.session_token.empty())
      headers = curl_slist_append(headers, ("x-amz-security-token: " + options_.session_token).c_str());
    if (request.sink && t.delivered > 0)
      headers = curl_slist_append(headers, ("Range: bytes=" + std::to_string(t.delivered) + "-").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, &curl_slist_free_all);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.access_key.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.secret_key.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(options_.stall_timeout_ms / 1000)));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    if (request.method == "GET") {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT" || request.method == "POST") {
      // POSTFIELDS (not a read callback) so that curl's SigV4 hashes the payload.
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS,
                       request.body.empty() ? "" : request.body.data());  // never null: that would mean "read callback"
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
    const CURLcode rc = curl_easy_perform(c);
    if (!t.sink_status.ok()) {
      ReturnHandle(c);
      return t.sink_status;
    }
    if (rc == CURLE_OK) {
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.response.status);
      if (!TransientStatus(t.response.status)) {
        ReturnHandle(c);
        return std::move(t.response);
      }
      last_error = "HTTP " + std::to_string(t.response.status);
      if (auto code = S3ErrorCode(t.response.body); !code.empty()) last_error += " " + code;
      continue;
    }
    last_error = curl_easy_strerror(rc);
    if (!TransientCurlError(rc)) {
      ++attempt;
      break;
    }
  }
  curl_easy_cleanup(c);  // its connection may be broken: not worth keeping
  return Status::Unavailable("S3 " + request.method + " s3://" + options_.bucket + "/" + request.key +
                             " failed after " + std::to_string(std::min(attempt, attempts)) +
                             " attempt(s): " + last_error);
}

}  // namespace goldset::store
