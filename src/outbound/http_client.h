// Outbound HTTP POST for webhooks and the llm/http engines, guarded by an EgressPolicy.
//
// The host is resolved here, every resolved address is checked against the policy, and
// libcurl is pinned to exactly those addresses (CURLOPT_RESOLVE), so a DNS answer that
// changes between check and connect (rebinding) cannot reach a refused address.
// Redirects are not followed; proxies from the environment are ignored.
//
// Thread-safety: safe to call concurrently; curl_global_init runs once.
#pragma once

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

// POSTs `body` with Content-Type: application/json plus `headers`. Any HTTP status is a
// successful call (the caller judges it). Errors: refused by policy or bad URL ->
// InvalidArgument ("egress to 10.0.0.1 is not allowed"); timeout -> DeadlineExceeded;
// DNS or connection failure -> Unavailable.
// `cancel` (may be null) aborts the call: polled by libcurl's progress callback (at least
// once a second while waiting), and its deadline caps timeout_ms. A cancelled call
// returns cancel->reason().
StatusOr<HttpResponse> PostJson(const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                int timeout_ms, const EgressPolicy& policy, const CancelToken* cancel = nullptr);

}  // namespace goldset::outbound
