// Router: (method, path pattern) -> route. Patterns are literal segments and `{name}`
// captures, matched against already-decoded segments (contract T5).
// Thread-safety: build once, then Match() from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/http.h"
#include "common/status.h"

namespace goldset::api {

class RequestContext;

enum class RateCategory { kNone, kGet, kWrite, kRun };
enum class BodyKind { kNone, kJson, kUpload };
// Where the handler runs. kInline: on the connection's event loop — only for bounded work
// (a few indexed reads, one page). kPool: on the blocking-handler pool — writes (they may
// wait for a database lock), uploads, exports and anything whose cost grows with a run.
enum class Dispatch { kPool, kInline };

// A handler answers with a Response, or fails with a Status that App::Handle turns into the
// contract's error body {code, message, retryable, requestId} (api/errors.h) — the one place
// errors become responses. A handler written as `Response F(RequestContext&)` still fits
// (a Response converts to an OK StatusOr); new handlers return StatusOr<Response>.
using Handler = std::function<StatusOr<Response>(RequestContext&)>;

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  bool authenticated = true;
  RateCategory category = RateCategory::kGet;
  BodyKind body = BodyKind::kNone;
  Dispatch dispatch = Dispatch::kPool;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route
  bool method_mismatch = false;  // the path exists with another method
  std::map<std::string, std::string> params;
};

class Router {
 public:
  void Add(Route route);
  RouteMatch Match(const std::string& method, const std::vector<std::string>& segments) const;
  // Every route as (method, pattern), in registration order (the OpenAPI test's source).
  std::vector<std::pair<std::string, std::string>> List() const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> parts;  // "{name}" or a literal
  };
  std::vector<Compiled> routes_;
};

}  // namespace goldset::api
