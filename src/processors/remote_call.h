// POST with retries for the engines that call out (http, llm).
// Thread-safe (stateless).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "outbound/http_client.h"
#include "processors/processors.h"

namespace goldset::processors {

// POSTs `body` to `url` up to ctx.http_attempts times while the failure is transient
// (timeout, connection failure, HTTP 5xx or 429), with exponential backoff from 100 ms.
// Returns the first 2xx response. A 4xx -> Unprocessable("<what> returned 404: <body>");
// an answer over ctx.policy->max_response_bytes -> Unprocessable, not retried;
// transient failures after the last attempt -> Unavailable/DeadlineExceeded naming the
// attempts. `what` names the caller in messages ("http engine", "llm engine").
// ctx.cancel ends the call and the retries at once: its reason() is returned, and no
// further attempt starts (so one item attempt never overlaps a call of another).
StatusOr<outbound::HttpResponse> PostWithRetries(const std::string& what, const std::string& url,
                                                 const std::string& body,
                                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                                 int timeout_ms, const EngineContext& ctx);

}  // namespace goldset::processors
