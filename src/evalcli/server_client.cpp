#include "evalcli/server_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace goldset::evalcli {
namespace {

struct Sink {
  std::string body;
  bool over = false;
};

size_t Append(char* data, size_t size, size_t n, void* user) {
  Sink* s = static_cast<Sink*>(user);
  if (static_cast<int64_t>(s->body.size() + size * n) > kMaxBodyBytes) {
    s->over = true;
    return 0;  // stops the transfer
  }
  s->body.append(data, size * n);
  return size * n;
}

std::string Escape(CURL* c, const std::string& v) {
  char* e = curl_easy_escape(c, v.c_str(), static_cast<int>(v.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

Status FromHttp(long status, const std::string& what) {
  if (status == 400 || status == 422) return Status::InvalidArgument(what);
  if (status == 401) return Status::Unauthorized(what);
  if (status == 403) return Status::Forbidden(what);
  if (status == 404) return Status::NotFound(what);
  if (status == 429 || status == 503) return Status::Unavailable(what);
  return Status::Internal(what);
}

}  // namespace

ServerClient::ServerClient(std::string base_url, std::string api_key, std::string workspace_id, int timeout_ms)
    : base_url_(std::move(base_url)),
      api_key_(std::move(api_key)),
      workspace_id_(std::move(workspace_id)),
      timeout_ms_(timeout_ms) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

StatusOr<json::object> ServerClient::GetJson(const std::string& path, const std::map<std::string, std::string>& query) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  CURL* c = curl.get();
  std::string url = base_url_ + path;
  char sep = '?';
  for (const auto& [k, v] : query) {
    url += sep + Escape(c, k) + "=" + Escape(c, v);
    sep = '&';
  }
  curl_slist* raw = curl_slist_append(nullptr, ("Authorization: Bearer " + api_key_).c_str());
  raw = curl_slist_append(raw, "x-extend-api-version: 2026-02-09");
  raw = curl_slist_append(raw, "Accept: application/json");
  if (!workspace_id_.empty()) raw = curl_slist_append(raw, ("x-extend-workspace-id: " + workspace_id_).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(raw, &curl_slist_free_all);
  Sink sink;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms_));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  CURLcode rc = curl_easy_perform(c);
  if (sink.over)
    return Status::Internal("GET " + path + ": the answer is over " + std::to_string(kMaxBodyBytes >> 20) + " MiB");
  if (rc != CURLE_OK) return Status::Unavailable("GET " + url + " failed: " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  auto parsed = ParseJson(sink.body);
  if (status < 200 || status > 299) {
    std::string what = "GET " + path + ": HTTP " + std::to_string(status);
    if (parsed.ok() && parsed->is_object()) {
      if (auto code = GetString(parsed->as_object(), "code")) what += " " + *code;
      if (auto message = GetString(parsed->as_object(), "message")) what += ": " + *message;
    }
    return FromHttp(status, what);
  }
  if (!parsed.ok() || !parsed->is_object())
    return Status::Internal("GET " + path + ": the answer is not a JSON object");
  return std::move(parsed->as_object());
}

}  // namespace goldset::evalcli
