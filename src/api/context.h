// Per-request state handed to every handler: the request, route params, the caller's
// identity, shared services, and JSON helpers that turn mistakes into 4xx Statuses.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "api/config.h"
#include "api/http.h"
#include "common/json.h"
#include "store/paging.h"

namespace goldset::api {

struct Services;

struct Caller {
  std::string organization_id;
  std::string workspace_id;  // the workspace every query is scoped to
  std::string key_name;
  std::string key_id;
  bool admin = false;  // the key may manage the workspace's keys (/api_keys)
};

class RequestContext {
 public:
  RequestContext(const Request& req, std::map<std::string, std::string> params, Services& svc, std::string request_id)
      : req(req), params(std::move(params)), svc(svc), request_id(std::move(request_id)) {}

  const Request& req;
  std::map<std::string, std::string> params;
  Services& svc;
  std::string request_id;
  Caller caller;

  const std::string& Param(const std::string& name) const { return params.at(name); }
  // The body as a JSON object; InvalidArgument for empty, malformed or non-object bodies.
  StatusOr<json::object> JsonBody() const;
  // sortBy/sortDir/maxPageSize/nextPageToken -> PageRequest; InvalidArgument on bad values.
  StatusOr<store::PageRequest> ListParams(bool allow_sort_by = true) const;
};

// Opaque list cursors: base64url of the sort key and last id, tied to the sort order.
std::string EncodePageToken(const store::PageRequest& req, const store::Cursor& cursor);

Response JsonResponse(const json::value& v, int status = 200);
// {"object":"list","data":[...],"nextPageToken":...}
Response ListResponse(json::array data, const store::PageRequest& req, const std::optional<store::Cursor>& next);

}  // namespace goldset::api
