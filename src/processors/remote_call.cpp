#include "processors/remote_call.h"

#include <chrono>
#include <thread>

#include "common/encoding.h"

namespace goldset::processors {

namespace {

// The engine's bytes are anything at all; the snippet lands in a run's stored error.
std::string Snippet(const std::string& body) {
  bool cut = false;
  std::string text = SanitizeUtf8(body, 200, &cut);
  return cut ? text + "..." : text;
}

// Sleeps `ms`, waking every 20 ms to check `cancel`; false when it fired.
bool SleepUnlessCancelled(int ms, const CancelToken* cancel) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (cancel && cancel->cancelled()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
  }
  return !(cancel && cancel->cancelled());
}

}  // namespace

StatusOr<outbound::HttpResponse> PostWithRetries(const std::string& what, const std::string& url,
                                                 const std::string& body,
                                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                                 int timeout_ms, const EngineContext& ctx) {
  if (!ctx.egress || !ctx.policy) return Status::Internal(what + ": no egress or engine policy configured");
  const int attempts = std::max(1, ctx.http_attempts);
  Status last;
  for (int i = 0; i < attempts; ++i) {
    if (i > 0 && !SleepUnlessCancelled(100 << (i - 1), ctx.cancel)) return ctx.cancel->reason();
    auto resp =
        outbound::PostJson(url, body, headers, timeout_ms, *ctx.egress, ctx.policy->max_response_bytes, ctx.cancel);
    if (ctx.cancel && ctx.cancel->cancelled()) return ctx.cancel->reason();
    if (!resp.ok()) {
      // An answer over the size limit would be as large the next time.
      if (resp.status().code() == Status::Code::kUnprocessable)
        return Status::Unprocessable(what + ": " + resp.status().message() + "; not retried");
      if (!resp.status().retryable()) return resp.status();
      last = resp.status();
      continue;
    }
    if (resp->status >= 200 && resp->status < 300) return resp;
    std::string msg = what + " returned " + std::to_string(resp->status) + ": " + Snippet(resp->body);
    if (resp->status >= 500 || resp->status == 429) {
      last = Status::Unavailable(msg);
      continue;
    }
    return Status::Unprocessable(msg);
  }
  return Status(last.code(), last.message() + " (after " + std::to_string(attempts) + " attempts)");
}

}  // namespace goldset::processors
