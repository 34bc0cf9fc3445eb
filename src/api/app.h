// App: everything between the socket and a handler — routing, authentication, the API
// version header, rate limits, body limits, error bodies and the access log.
//
// The server calls Admit() once the headers are in (so over-limit or unauthenticated
// requests are refused before their body is read), then Handle() with the body.
// Thread-safe after construction.
#pragma once

#include <optional>
#include <string>

#include "api/context.h"
#include "api/http.h"
#include "api/key_cache.h"
#include "api/router.h"
#include "api/services.h"

namespace goldset::api {

struct Admission {
  std::optional<Response> reject;  // set: send this and close; the body is never read
  int64_t body_limit = 0;
  int body_timeout_ms = 0;
  RouteMatch match;
  Caller caller;
};

class App {
 public:
  explicit App(Services& svc);

  // Both may throw (a handler's bug, std::bad_alloc); the server catches and answers 503.
  Admission Admit(const Request& req, const std::string& request_id);
  Response Handle(const Request& req, Admission& admission, const std::string& request_id);
  Services& services() { return svc_; }
  std::vector<std::pair<std::string, std::string>> Routes() const { return router_.List(); }
  // An in-process request on behalf of `caller` (the sample-data loader): routed and
  // handled like a client's, without authentication, version header or rate limits.
  Response HandleAs(const Request& req, const Caller& caller, const std::string& request_id);
  // Counts a finished request for GET /metrics.
  void RecordRequest(int status, int64_t duration_ms);

 private:
  Status Authenticate(const Request& req, Caller* caller);
  Services& svc_;
  Router router_;
  ApiKeyCache key_cache_;
};

// Registrars, one per resource file.
void RegisterHealthRoutes(Router& r);
void RegisterMetricsRoutes(Router& r);
void RegisterFileRoutes(Router& r);
void RegisterProcessorRoutes(Router& r);
void RegisterEvaluationSetRoutes(Router& r);
void RegisterEvaluationRunRoutes(Router& r);
void RegisterRunResultRoutes(Router& r);
void RegisterProcessorRunRoutes(Router& r);
void RegisterRunBatchRoutes(Router& r);
void RegisterSyncRunRoutes(Router& r);
void RegisterSampleDataRoutes(Router& r);
void RegisterPageImageRoutes(Router& r);
void RegisterWebhookRoutes(Router& r);
void RegisterApiKeyRoutes(Router& r);
void RegisterSetVersionRoutes(Router& r);  // set_versions_api.cpp
void RegisterRescoreRoutes(Router& r);     // rescore_api.cpp: promote, rescore
void RegisterSuspectRoutes(Router& r);     // suspects_api.cpp

}  // namespace goldset::api
