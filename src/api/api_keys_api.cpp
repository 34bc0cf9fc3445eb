// Key management (extension): GET/POST /api_keys, GET/DELETE /api_keys/{id}.
//
// Rights: only an admin key (`goldset keys create --admin`; the first key of a fresh
// data dir) may call these routes; any other key gets 403. They act on the caller's
// workspace: its workspace-scoped keys are listed, created and revoked here, while
// organization keys are the organization's and stay with the CLI. Another workspace's
// key id is 404, as every foreign object is. A revoked key stops working within
// --auth-cache-ms on every node.
#include "api/app.h"
#include "api/errors.h"
#include "api/processor_json.h"
#include "common/clock.h"

namespace goldset::api {

namespace {

constexpr size_t kMaxKeyNameBytes = 200;

json::value TimeOrNull(const std::optional<int64_t>& t) {
  return t ? json::value(FormatRfc3339(*t)) : json::value(nullptr);
}

json::object KeyJson(const model::ApiKey& k, const Caller& caller) {
  json::object o;
  o["object"] = "api_key";
  o["id"] = k.id;
  o["name"] = k.name;
  o["workspaceId"] = k.workspace_id ? json::value(*k.workspace_id) : json::value(nullptr);
  o["admin"] = k.admin;
  o["createdAt"] = FormatRfc3339(k.created_at);
  o["createdBy"] = CreatedByJson(k.created_by);
  o["lastUsedAt"] = TimeOrNull(k.last_used_at);
  o["revokedAt"] = TimeOrNull(k.revoked_at);
  o["current"] = k.id == caller.key_id;  // the key making this request
  return o;
}

Status RequireAdmin(const RequestContext& ctx) {
  if (ctx.caller.admin) return Status::OK();
  return Status::Forbidden("This API key may not manage API keys; use an admin key (goldset keys create --admin)");
}

StatusOr<std::string> KeyName(const json::object& body) {
  const json::value* v = body.if_contains("name");
  if (!v || v->is_null()) return Status::InvalidArgument("name is required; Path: name");
  if (!v->is_string()) return Status::InvalidArgument("name must be a string; Path: name");
  std::string name(v->as_string());
  size_t b = name.find_first_not_of(" \t");
  size_t e = name.find_last_not_of(" \t");
  name = b == std::string::npos ? "" : name.substr(b, e - b + 1);
  if (name.empty()) return Status::InvalidArgument("name must not be empty; Path: name");
  if (name.size() > kMaxKeyNameBytes)
    return Status::InvalidArgument("name is longer than " + std::to_string(kMaxKeyNameBytes) + " bytes; Path: name");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("name must not contain control characters; Path: name");
  return name;
}

StatusOr<Response> ListKeys(RequestContext& ctx) {
  GOLDSET_RETURN_IF_ERROR(RequireAdmin(ctx));
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  // Uses this node has not written yet show at once (other nodes' within their flush).
  (void)ctx.svc.key_usage->Flush();
  GOLDSET_ASSIGN_OR_RETURN(auto keys, ctx.svc.api_keys->List(ctx.caller.workspace_id, page));
  json::array data;
  for (const auto& k : keys.items) data.push_back(KeyJson(k, ctx.caller));
  return ListResponse(std::move(data), page, keys.next);
}

StatusOr<Response> GetKey(RequestContext& ctx) {
  GOLDSET_RETURN_IF_ERROR(RequireAdmin(ctx));
  GOLDSET_ASSIGN_OR_RETURN(auto key, ctx.svc.api_keys->Get(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(KeyJson(key, ctx.caller));
}

StatusOr<Response> CreateKey(RequestContext& ctx) {
  GOLDSET_RETURN_IF_ERROR(RequireAdmin(ctx));
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  GOLDSET_ASSIGN_OR_RETURN(auto name, KeyName(body));
  bool admin = false;
  if (const json::value* a = body.if_contains("admin"); a && !a->is_null()) {
    if (!a->is_bool()) return Status::InvalidArgument("admin must be a boolean; Path: admin");
    admin = a->as_bool();
  }
  model::ApiKey created;
  GOLDSET_ASSIGN_OR_RETURN(
      auto plaintext, ctx.svc.tenancy->CreateKey(ctx.caller.organization_id, ctx.caller.workspace_id, name, &created,
                                                 admin, ctx.caller.key_name));
  json::object o = KeyJson(created, ctx.caller);
  o["key"] = plaintext;  // shown once: only its hash is stored
  return JsonResponse(o);
}

StatusOr<Response> RevokeKey(RequestContext& ctx) {
  GOLDSET_RETURN_IF_ERROR(RequireAdmin(ctx));
  GOLDSET_ASSIGN_OR_RETURN(auto key, ctx.svc.api_keys->Revoke(ctx.caller.workspace_id, ctx.Param("id"), NowMillis()));
  return JsonResponse(KeyJson(key, ctx.caller));
}

}  // namespace

void RegisterApiKeyRoutes(Router& r) {
  r.Add({"GET", "/api_keys", ListKeys, true, RateCategory::kGet});
  r.Add({"POST", "/api_keys", CreateKey, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"GET", "/api_keys/{id}", GetKey, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"DELETE", "/api_keys/{id}", RevokeKey, true, RateCategory::kWrite});
}

}  // namespace goldset::api
