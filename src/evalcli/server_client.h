// A small HTTP GET client for `goldset eval --server`: reads runs and comparisons from a
// Goldset server with an API key. The user names the server, so loopback and private
// addresses are allowed (unlike the server's own outbound calls, outbound/). Redirects
// are not followed; proxies come from the environment as for any command-line tool.
// The body is bounded (kMaxBodyBytes): the transfer stops beyond it.
// Thread-safety: a ServerClient is used from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/json.h"
#include "common/status.h"

namespace goldset::evalcli {

inline constexpr int64_t kMaxBodyBytes = int64_t{512} << 20;

class ServerClient {
 public:
  // `base_url` e.g. "http://127.0.0.1:8080" (trailing slashes ignored); `api_key` sent as
  // a Bearer token; `workspace_id`, when not empty, as x-extend-workspace-id.
  ServerClient(std::string base_url, std::string api_key, std::string workspace_id, int timeout_ms);

  // GET base_url + path (+ ?query, values percent-encoded) and parse the JSON answer.
  // Errors: unreachable / timeout -> Unavailable; a non-2xx answer -> the status's
  // code class with the server's `code: message`; not JSON or over the size -> Internal.
  StatusOr<json::object> GetJson(const std::string& path, const std::map<std::string, std::string>& query = {});

 private:
  std::string base_url_, api_key_, workspace_id_;
  int timeout_ms_;
};

}  // namespace goldset::evalcli
