#include "outbound/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace goldset::outbound {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UrlParts {
  std::string scheme, host, port;
};

StatusOr<UrlParts> SplitUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> h(curl_url(), &curl_url_cleanup);
  if (curl_url_set(h.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return Status::InvalidArgument("malformed URL '" + url + "'");
  UrlParts parts;
  auto get = [&](CURLUPart part, std::string* out, unsigned flags) {
    char* v = nullptr;
    if (curl_url_get(h.get(), part, &v, flags) != CURLUE_OK || !v) return false;
    *out = v;
    curl_free(v);
    return true;
  };
  if (!get(CURLUPART_SCHEME, &parts.scheme, 0) || !get(CURLUPART_HOST, &parts.host, 0) ||
      !get(CURLUPART_PORT, &parts.port, CURLU_DEFAULT_PORT))
    return Status::InvalidArgument("malformed URL '" + url + "'");
  if (parts.scheme != "http" && parts.scheme != "https")
    return Status::InvalidArgument("URL scheme must be http or https: '" + url + "'");
  return parts;
}

// Resolves `host` to numeric addresses (IPv4 and IPv6).
StatusOr<std::vector<std::string>> Resolve(const std::string& host, const std::string& port) {
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(bare.c_str(), port.c_str(), &hints, &res) != 0 || !res)
    return Status::Unavailable("cannot resolve host " + bare);
  std::vector<std::string> out;
  for (addrinfo* a = res; a; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = a->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (inet_ntop(a->ai_family, src, buf, sizeof buf) && std::find(out.begin(), out.end(), buf) == out.end())
      out.emplace_back(buf);
  }
  freeaddrinfo(res);
  if (out.empty()) return Status::Unavailable("cannot resolve host " + bare);
  return out;
}

// What the write callbacks fill; they stop the transfer (by returning a short count,
// which curl reports as CURLE_WRITE_ERROR) once a limit is passed.
struct Sink {
  HttpResponse* resp;
  int64_t max_body;
  int64_t header_bytes = 0;
  bool body_over = false, headers_over = false;
};

size_t AppendBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (static_cast<int64_t>(sink->resp->body.size() + len) > sink->max_body) {
    sink->body_over = true;
    return 0;
  }
  sink->resp->body.append(data, len);
  return len;
}

size_t AppendHeader(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  sink->header_bytes += static_cast<int64_t>(len);
  if (sink->header_bytes > kMaxResponseHeaderBytes) {
    sink->headers_over = true;
    return 0;
  }
  std::string_view line(data, len);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    sink->resp->headers.emplace_back(std::move(name), std::string(value));
  }
  return len;
}

// True for a numeric host: "203.0.113.9" or "[2001:db8::1]" (curl keeps the brackets).
bool IsNumericHost(const std::string& host) {
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, bare.c_str(), buf) == 1 || inet_pton(AF_INET6, bare.c_str(), buf) == 1;
}

// CURLOPT_XFERINFOFUNCTION: a non-zero return aborts the transfer.
int AbortWhenCancelled(void* token, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const CancelToken*>(token)->cancelled() ? 1 : 0;
}

}  // namespace

std::string DescribeBytes(int64_t n) {
  if (n >= (1 << 20) && n % (1 << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= (1 << 10) && n % (1 << 10) == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

namespace {

// One bounded, policy-checked transfer: a POST of `body` (JSON) when `body` is set, else a GET.
StatusOr<HttpResponse> Transfer(const std::string& url, const std::string* body,
                                const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms,
                                const EgressPolicy& policy, int64_t max_response_bytes, const CancelToken* cancel) {
  const std::string method = body ? "POST" : "GET";
  GlobalInit();
  if (cancel && cancel->cancelled()) return cancel->reason();
  auto parts = SplitUrl(url);
  if (!parts.ok()) return parts.status();
  auto addrs = Resolve(parts->host, parts->port);
  if (!addrs.ok()) return addrs.status();
  for (const std::string& a : *addrs)
    if (!policy.IsAllowed(a)) return Status::InvalidArgument("egress to " + a + " is not allowed");

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  CURL* c = curl.get();
  // Pin a host name to the addresses checked above: "name:port:addr,addr" with bare IPv6
  // addresses. A numeric host is connected to as it is (nothing to rebind), and libcurl
  // 7.88 cannot take an IPv6 literal in the name part of a pin anyway.
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(nullptr, &curl_slist_free_all);
  if (!IsNumericHost(parts->host)) {
    std::string pin = parts->host + ":" + parts->port + ":";
    for (size_t i = 0; i < addrs->size(); ++i) pin += (i ? "," : "") + (*addrs)[i];
    resolve.reset(curl_slist_append(nullptr, pin.c_str()));
  }
  curl_slist* raw_headers = body ? curl_slist_append(nullptr, "Content-Type: application/json") : nullptr;
  for (const auto& [k, v] : headers) raw_headers = curl_slist_append(raw_headers, (k + ": " + v).c_str());
  raw_headers = curl_slist_append(raw_headers, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(raw_headers, &curl_slist_free_all);

  HttpResponse resp;
  Sink sink{&resp, std::max<int64_t>(1, max_response_bytes)};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  int64_t limit_ms = std::max(1, timeout_ms);
  if (cancel) {
    limit_ms = std::max<int64_t>(1, std::min(limit_ms, cancel->remaining_ms()));
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &AbortWhenCancelled);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<CancelToken*>(cancel));
  }
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(limit_ms));
  // A declared Content-Length over the limit is refused before any body byte is read;
  // a chunked or undeclared body is cut off by AppendBody.
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(sink.max_body));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &AppendHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  CURLcode rc = curl_easy_perform(c);
  // The token's deadline may be what timed the call out.
  if (cancel && rc != CURLE_OK && cancel->cancelled()) return cancel->reason();
  if (rc == CURLE_FILESIZE_EXCEEDED || (rc == CURLE_WRITE_ERROR && sink.body_over)) {
    resp.body.clear();
    resp.body.shrink_to_fit();
    return Status::Unprocessable(method + " " + url + ": the response body is over the " +
                                 DescribeBytes(sink.max_body) +
                                 " limit (--max-outbound-response-mb); the transfer was stopped");
  }
  if (rc == CURLE_WRITE_ERROR && sink.headers_over)
    return Status::Unprocessable(method + " " + url + ": the response headers are over the " +
                                 DescribeBytes(kMaxResponseHeaderBytes) + " limit; the transfer was stopped");
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return Status::DeadlineExceeded(method + " " + url + " timed out after " + std::to_string(timeout_ms) + " ms");
  if (rc != CURLE_OK) return Status::Unavailable(method + " " + url + " failed: " + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

}  // namespace

StatusOr<HttpResponse> PostJson(const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms,
                                const EgressPolicy& policy, int64_t max_response_bytes, const CancelToken* cancel) {
  return Transfer(url, &body, headers, timeout_ms, policy, max_response_bytes, cancel);
}

StatusOr<HttpResponse> Get(const std::string& url, int timeout_ms, const EgressPolicy& policy,
                           int64_t max_response_bytes, const CancelToken* cancel) {
  return Transfer(url, nullptr, {}, timeout_ms, policy, max_response_bytes, cancel);
}

}  // namespace goldset::outbound
