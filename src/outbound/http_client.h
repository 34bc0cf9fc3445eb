// Outbound HTTP POST for webhooks and the llm/http engines, and GET for `file: {url}`
// inputs, guarded by an EgressPolicy.
//
// The host is resolved here, every resolved address is checked against the policy, and
// libcurl is pinned to exactly those addresses (CURLOPT_RESOLVE), so a DNS answer that
// changes between check and connect (rebinding) cannot reach a refused address. A numeric
// host (IPv4 or bracketed IPv6 literal) is checked as it is and needs no pin.
// Redirects are not followed; proxies from the environment are ignored. The response
// (headers and body) is bounded: the transfer stops as soon as it exceeds the limit, so a
// hostile receiver cannot make the server buffer more than that.
//
// Thread-safety: safe to call concurrently; curl_global_init runs once.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"
#include "outbound/egress_policy.h"

namespace goldset::outbound {

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
};

// Response header bytes kept at most (each header line counts); more fails the call.
inline constexpr int64_t kMaxResponseHeaderBytes = 256 << 10;

// POSTs `body` with Content-Type: application/json plus `headers`. Any HTTP status is a
// successful call (the caller judges it). Errors: refused by policy or bad URL ->
// InvalidArgument ("egress to 10.0.0.1 is not allowed"); timeout -> DeadlineExceeded;
// DNS or connection failure -> Unavailable; a response body over `max_response_bytes`
// (or headers over kMaxResponseHeaderBytes) -> Unprocessable ("... over the 16 MiB
// limit ..."), with at most about that much ever held in memory.
// `cancel` (may be null) aborts the call: polled by libcurl's progress callback (at least
// once a second while waiting), and its deadline caps timeout_ms. A cancelled call
// returns cancel->reason().
// REQUIRES: max_response_bytes > 0.
StatusOr<HttpResponse> PostJson(const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms,
                                const EgressPolicy& policy, int64_t max_response_bytes,
                                const CancelToken* cancel = nullptr);

// GET of `url` under the same rules and limits as PostJson (errors name "GET").
StatusOr<HttpResponse> Get(const std::string& url, int timeout_ms, const EgressPolicy& policy,
                           int64_t max_response_bytes, const CancelToken* cancel = nullptr);

// "16 MiB", "1536 KiB", "100 bytes": a byte limit as people read it.
std::string DescribeBytes(int64_t n);

}  // namespace goldset::outbound
