// Event catalog (contract §4.7, §4.8), signing, retry schedule and URL checks.
#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/crypto.h"
#include "common/ids.h"
#include "webhooks/webhooks.h"

namespace goldset::webhooks {

namespace {

const std::set<std::string>& GlobalEvents() {
  static const std::set<std::string> k = {
      "parse_run.processed", "parse_run.failed", "edit_run.processed", "edit_run.failed", "extract_run.processed",
      "extract_run.failed", "classify_run.processed", "classify_run.failed", "split_run.processed", "split_run.failed",
      "batch_processor_run.processed", "batch_processor_run.failed", "batch_parse_run.processed",
      "batch_parse_run.failed", "extractor.created", "extractor.updated", "extractor.deleted",
      "extractor.draft.updated", "extractor.version.published", "classifier.created", "classifier.updated",
      "classifier.deleted", "classifier.draft.updated", "classifier.version.published", "splitter.created",
      "splitter.updated", "splitter.deleted", "splitter.draft.updated", "splitter.version.published",
      "workflow.created", "workflow.deployed", "workflow.deleted",
      // Extensions (docs/decisions.md §5).
      "evaluation_set_run.processed", "evaluation_set_run.failed", "evaluation_set_run.cancelled"};
  return k;
}

const std::vector<std::string>* SubscriptionEvents(const std::string& resource_type) {
  static const std::vector<std::string> extractor = {"extract_run.processed", "extract_run.failed",
                                                     "batch_processor_run.processed", "batch_processor_run.failed"};
  static const std::vector<std::string> classifier = {"classify_run.processed", "classify_run.failed",
                                                      "batch_processor_run.processed", "batch_processor_run.failed"};
  static const std::vector<std::string> splitter = {"split_run.processed", "split_run.failed",
                                                    "batch_processor_run.processed", "batch_processor_run.failed"};
  static const std::vector<std::string> workflow = {"workflow_run.completed",    "workflow_run.failed",
                                                    "workflow_run.needs_review", "workflow_run.rejected",
                                                    "workflow_run.cancelled",    "workflow_run.step_run.processed"};
  if (resource_type == "extractor") return &extractor;
  if (resource_type == "classifier") return &classifier;
  if (resource_type == "splitter") return &splitter;
  if (resource_type == "workflow") return &workflow;
  return nullptr;
}

StatusOr<std::vector<std::string>> ParseEventList(const json::value& v, const std::string& field,
                                                  const std::function<bool(const std::string&)>& allowed,
                                                  const std::string& allowed_desc) {
  if (!v.is_array()) return Status::InvalidArgument(field + " must be an array of event type strings");
  std::vector<std::string> out;
  const json::array& a = v.as_array();
  if (a.size() > 100) return Status::InvalidArgument(field + " has more than 100 entries");
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string()) return Status::InvalidArgument(field + "[" + std::to_string(i) + "] must be a string");
    std::string e(a[i].as_string());
    if (!allowed(e))
      return Status::InvalidArgument(field + "[" + std::to_string(i) + "]: '" + e + "' is not " + allowed_desc);
    if (Contains(out, e)) return Status::InvalidArgument(field + " lists '" + e + "' twice");
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Status ValidateApiVersion(const std::string& v) {
  if (v == kApiVersion) return Status::OK();
  if (v == "2025-04-21" || v == "2024-12-23")
    return Status::InvalidArgument("apiVersion " + v + " is not supported by this server; use " + kApiVersion);
  return Status::InvalidArgument("apiVersion must be one of the API versions (\"" + std::string(kApiVersion) +
                                 "\"); got '" + v + "'");
}

StatusOr<std::vector<std::string>> ParseEndpointEvents(const std::string& api_version, const json::value& v) {
  GOLDSET_RETURN_IF_ERROR(ValidateApiVersion(api_version));
  return ParseEventList(
      v, "enabledEvents", [](const std::string& e) { return GlobalEvents().count(e) > 0; },
      "a webhook endpoint event type of API version " + api_version);
}

StatusOr<std::vector<std::string>> ParseSubscriptionEvents(const std::string& api_version,
                                                           const std::string& resource_type, const json::value& v) {
  GOLDSET_RETURN_IF_ERROR(ValidateApiVersion(api_version));
  const std::vector<std::string>* allowed = SubscriptionEvents(resource_type);
  if (!allowed) return Status::InvalidArgument("resourceType must be one of extractor, classifier, splitter, workflow");
  auto events = ParseEventList(
      v, "enabledEvents", [&](const std::string& e) { return Contains(*allowed, e); },
      "an event of resourceType " + resource_type);
  if (!events.ok()) return events.status();
  if (events->empty()) return Status::InvalidArgument("enabledEvents must list at least one event");
  return events;
}

bool Contains(const std::vector<std::string>& events, const std::string& event_type) {
  return std::find(events.begin(), events.end(), event_type) != events.end();
}

std::string Sign(const std::string& secret, int64_t unix_seconds, const std::string& body) {
  return HmacSha256Hex(secret, "v0:" + std::to_string(unix_seconds) + ":" + body);
}

std::string NewSigningSecret() { return "wss_" + RandomToken(24); }

int64_t RetryDelayMs(const RetryPolicy& p, int failed_attempts, double unit_random) {
  int shift = std::clamp(failed_attempts - 1, 0, 40);
  double delay = static_cast<double>(p.base_delay_ms) * std::ldexp(1.0, shift);
  delay = std::min(delay, static_cast<double>(p.max_delay_ms));
  delay *= 1.0 - p.jitter + 2.0 * p.jitter * unit_random;
  delay = std::min(delay, static_cast<double>(p.max_delay_ms));
  return std::max<int64_t>(1, static_cast<int64_t>(delay));
}

Status CheckEndpointUrl(const std::string& url, const outbound::EgressPolicy& policy) {
  std::string rest;
  if (url.rfind("https://", 0) == 0) rest = url.substr(8);
  else if (url.rfind("http://", 0) == 0) rest = url.substr(7);
  else return Status::InvalidArgument("url must be an http:// or https:// URL");
  if (url.size() > 2048) return Status::InvalidArgument("url is longer than 2048 characters");
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return Status::InvalidArgument("url contains spaces or control characters");
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string::npos)
    return Status::InvalidArgument("url must not contain credentials (user@host)");
  std::string host;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("url has a malformed IPv6 host");
    host = authority.substr(1, close - 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  if (host.empty()) return Status::InvalidArgument("url has no host");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) return Status::OK();
  Status st = Status::OK();
  for (addrinfo* a = res; a && st.ok(); a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = a->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (inet_ntop(a->ai_family, src, buf, sizeof buf) && !policy.IsAllowed(buf))
      st = Status::InvalidArgument("url: egress to " + std::string(buf) +
                                   " (a private, loopback or link-local address) is not allowed; the server "
                                   "operator can allow it with --egress-allow");
  }
  freeaddrinfo(res);
  return st;
}

}  // namespace goldset::webhooks
