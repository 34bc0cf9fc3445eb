#include "api/app.h"

#include "api/errors.h"
#include "api/run_analysis_api.h"
#include "common/clock.h"
#include "common/log.h"
#include "web/assets.h"

namespace goldset::api {

namespace {
constexpr const char* kApiVersion = "2026-02-09";

bool IsKnownLegacyVersion(const std::string& v) { return v == "2025-04-21" || v == "2024-12-23"; }
// The dashboard's files are public (the API key stays in the browser); revalidated by ETag.
Response AssetResponse(const web::Asset& asset, const Request& req) {
  Response r;
  r.content_type = std::string(asset.content_type);
  r.headers.emplace_back("ETag", std::string(asset.etag));
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'");
  const std::string* inm = req.Header("if-none-match");
  if (inm && *inm == asset.etag) {
    r.status = 304;
    return r;
  }
  r.body = std::string(asset.body);
  return r;
}

}  // namespace

App::App(Services& svc) : svc_(svc), key_cache_(svc.config.auth_cache_ms) {
  RegisterHealthRoutes(router_);
  RegisterMetricsRoutes(router_);
  RegisterFileRoutes(router_);
  RegisterProcessorRoutes(router_);
  RegisterEvaluationSetRoutes(router_);
  RegisterEvaluationRunRoutes(router_);
  RegisterRunResultRoutes(router_);
  RegisterRunAnalysisRoutes(router_);
  RegisterProcessorRunRoutes(router_);
  RegisterRunBatchRoutes(router_);
  RegisterSyncRunRoutes(router_);
  RegisterSampleDataRoutes(router_);
  RegisterPageImageRoutes(router_);
  RegisterWebhookRoutes(router_);
  RegisterApiKeyRoutes(router_);
  RegisterSetVersionRoutes(router_);
  RegisterRescoreRoutes(router_);
  RegisterSuspectRoutes(router_);
}

Status App::Authenticate(const Request& req, Caller* caller) {
  const std::string* auth = req.Header("authorization");
  if (!auth || auth->empty())
    return Status::Unauthorized("Missing Authorization header; send 'Authorization: Bearer <API key>'");
  std::string_view v = *auth;
  if (v.size() < 7 || (v.substr(0, 7) != "Bearer " && v.substr(0, 7) != "bearer "))
    return Status::Unauthorized("Malformed Authorization header; expected 'Bearer <API key>'");
  std::string_view key = v.substr(7);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  if (key.empty() || key.size() > 512) return Status::Unauthorized("Malformed API key");
  const int64_t now = MonotonicMillis();
  std::shared_ptr<const model::ApiKey> found = key_cache_.Find(key, now);
  if (!found) {
    auto looked_up = svc_.tenancy->FindActiveKey(std::string(key));
    if (!looked_up.ok()) {
      if (looked_up.status().code() == Status::Code::kNotFound)
        return Status::Unauthorized("Invalid, expired or revoked API key");
      return looked_up.status();
    }
    found = std::make_shared<const model::ApiKey>(std::move(*looked_up));
    key_cache_.Put(key, found, now);
  }
  caller->organization_id = found->organization_id;
  caller->key_name = found->name;
  caller->key_id = found->id;
  caller->admin = found->admin;
  svc_.key_usage->Touch(found->id, NowMillis());
  const std::string* ws_header = req.Header("x-extend-workspace-id");
  if (found->workspace_id) {
    if (ws_header && !ws_header->empty() && *ws_header != *found->workspace_id)
      return Status::Forbidden("This API key is scoped to another workspace than x-extend-workspace-id names");
    caller->workspace_id = *found->workspace_id;
    return Status::OK();
  }
  if (!ws_header || ws_header->empty())
    return Status::InvalidArgument("Organization API keys must name a workspace in the x-extend-workspace-id header");
  auto ws = svc_.tenancy->GetWorkspace(*ws_header);
  if (!ws.ok() || ws->organization_id != found->organization_id)
    return Status::Forbidden("Workspace " + *ws_header + " is not in this key's organization");
  caller->workspace_id = ws->id;
  return Status::OK();
}

Admission App::Admit(const Request& req, const std::string& request_id) {
  Admission a;
  a.match = router_.Match(req.method, req.segments);
  if (!a.match.route && (req.method == "GET" || req.method == "HEAD")) {
    if (const web::Asset* asset = web::FindAsset(req.path)) {
      a.reject = AssetResponse(*asset, req);
      return a;
    }
  }
  if (!a.match.route) {
    if (a.match.method_mismatch)
      a.reject = ErrorResponse(405, "METHOD_NOT_ALLOWED", "Method " + req.method + " is not allowed on " + req.path,
                               false, request_id);
    else a.reject = ErrorResponse(Status::NotFound("No route for " + req.method + " " + req.path), request_id);
    a.reject->close = !req.body.empty();
    return a;
  }
  const Route& route = *a.match.route;
  auto reject = [&](const Status& st) {
    a.reject = ErrorResponse(st, request_id);
    return a;
  };
  if (route.authenticated) {
    Status st = Authenticate(req, &a.caller);
    if (!st.ok()) return reject(st);
    const std::string* version = req.Header("x-extend-api-version");
    if (!version || version->empty())
      return reject(
          Status::InvalidArgument(std::string("Missing x-extend-api-version header; send '") + kApiVersion + "'"));
    if (*version != kApiVersion) {
      if (IsKnownLegacyVersion(*version))
        return reject(Status::InvalidArgument("API version " + *version + " is not supported by this server; use " +
                                              kApiVersion));
      return reject(Status::InvalidArgument("Unknown x-extend-api-version '" + *version + "'; use " + kApiVersion));
    }
    if (route.category != RateCategory::kNone) {
      double rate = route.category == RateCategory::kGet     ? svc_.config.rate_get
                    : route.category == RateCategory::kWrite ? svc_.config.rate_write
                                                             : svc_.config.rate_run;
      // Uploads are never answered 429: the SDK cannot resend a streamed body (contract R4).
      if (route.body != BodyKind::kUpload) {
        int wait = svc_.limiter.Take(a.caller.organization_id, static_cast<int>(route.category), rate,
                                     rate * svc_.config.rate_burst_seconds);
        if (wait > 0) {
          a.reject = ErrorResponse(Status::RateLimited("Too many requests. Back off and retry."), request_id);
          for (auto& h : a.reject->headers)
            if (h.first == "Retry-After") h.second = std::to_string(wait);
          return a;
        }
      }
    }
  }
  switch (route.body) {
    case BodyKind::kNone:
      a.body_limit = 64 << 10;
      a.body_timeout_ms = svc_.config.body_timeout_ms;
      break;
    case BodyKind::kJson:
      a.body_limit = svc_.config.max_json_body;
      a.body_timeout_ms = svc_.config.body_timeout_ms;
      break;
    case BodyKind::kUpload:
      a.body_limit = svc_.config.max_upload;
      a.body_timeout_ms = svc_.config.upload_timeout_ms;
      break;
  }
  if (const std::string* cl = req.Header("content-length")) {
    char* end = nullptr;
    long long n = std::strtoll(cl->c_str(), &end, 10);
    if (end && *end == '\0' && n > a.body_limit) {
      a.reject = ErrorResponse(Status::TooLarge("Request body of " + *cl + " bytes is over the " +
                                                std::to_string(a.body_limit) + "-byte limit"),
                               request_id);
      a.reject->close = true;
    }
  }
  return a;
}

void App::RecordRequest(int status, int64_t duration_ms) {
  int cls = status / 100;
  if (cls < 1 || cls > 5) cls = 5;
  svc_.requests_by_class[cls].fetch_add(1, std::memory_order_relaxed);
  svc_.request_ms_total.fetch_add(duration_ms, std::memory_order_relaxed);
}

Response App::Handle(const Request& req, Admission& a, const std::string& request_id) {
  RequestContext ctx(req, a.match.params, svc_, request_id);
  ctx.caller = a.caller;
  // An exception a handler throws is caught (and answered 503) by the server's one guard.
  StatusOr<Response> result = a.match.route->handler(ctx);
  if (!result.ok()) return ErrorResponse(result.status(), request_id);
  return std::move(result).value();
}

Response App::HandleAs(const Request& req, const Caller& caller, const std::string& request_id) {
  RouteMatch match = router_.Match(req.method, req.segments);
  if (!match.route) return ErrorResponse(Status::NotFound("No route for " + req.method + " " + req.path), request_id);
  RequestContext ctx(req, match.params, svc_, request_id);
  ctx.caller = caller;
  StatusOr<Response> result = match.route->handler(ctx);
  if (!result.ok()) return ErrorResponse(result.status(), request_id);
  return std::move(result).value();
}

}  // namespace goldset::api
