// Webhook resources (contract §4.6, §4.7): /webhook_endpoints and /webhook_subscriptions,
// plus the extensions GET /webhook_endpoints/{id}/deliveries and
// POST /webhook_endpoints/{id}/test (enqueues a webhook_endpoint.test event).
#include <cctype>
#include <set>

#include "api/app.h"
#include "api/errors.h"
#include "api/request_fields.h"
#include "api/webhook_json.h"
#include "common/clock.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "outbound/header_rules.h"

namespace goldset::api {

namespace {

json::value CreatedByJson(const std::optional<std::string>& key_name) {
  if (!key_name) return nullptr;
  return json::object{{"type", "api_key"}, {"name", *key_name}};
}

StatusOr<std::string> ParseStatus(const json::value& v) {
  if (!v.is_string() || (v.as_string() != "enabled" && v.as_string() != "disabled"))
    return Status::InvalidArgument("status must be \"enabled\" or \"disabled\"");
  return std::string(v.as_string());
}

// advancedOptions: {headers?: {name: value}, payload?: {format: "json"}}. null clears.
StatusOr<std::optional<json::object>> ParseAdvancedOptions(const json::value& v) {
  if (v.is_null()) return std::optional<json::object>();
  if (!v.is_object()) return Status::InvalidArgument("advancedOptions must be an object");
  const json::object& o = v.as_object();
  GOLDSET_RETURN_IF_ERROR(RejectUnknownFields(o, {"headers", "payload"}));
  json::object out;
  if (const json::value* h = Find(o, "headers"); h && !h->is_null()) {
    if (!h->is_object()) return Status::InvalidArgument("advancedOptions.headers must be an object of strings");
    if (h->as_object().size() > outbound::kMaxConfiguredHeaders)
      return Status::InvalidArgument("advancedOptions.headers has more than " +
                                     std::to_string(outbound::kMaxConfiguredHeaders) + " entries");
    for (const auto& [k, val] : h->as_object()) {
      std::string name(k);
      if (!val.is_string()) return Status::InvalidArgument("advancedOptions.headers." + name + " must be a string");
      if (auto why = outbound::ConfiguredHeaderProblem(name, val.as_string()))
        return Status::InvalidArgument("advancedOptions.headers: '" + name + "' " + *why);
    }
    out["headers"] = *h;
  }
  if (const json::value* p = Find(o, "payload"); p && !p->is_null()) {
    if (!p->is_object()) return Status::InvalidArgument("advancedOptions.payload must be an object");
    GOLDSET_RETURN_IF_ERROR(RejectUnknownFields(p->as_object(), {"format", "urlThresholdBytes"}));
    const json::value* f = Find(p->as_object(), "format");
    if (!f || !f->is_string() || (f->as_string() != "json" && f->as_string() != "url"))
      return Status::InvalidArgument("advancedOptions.payload.format must be \"json\" or \"url\"");
    if (f->as_string() == "url")
      return Status::InvalidArgument(
          "advancedOptions.payload.format \"url\" (signed URL payloads) is not supported by this server; use \"json\"");
    if (const json::value* t = Find(p->as_object(), "urlThresholdBytes");
        t && !t->is_null() && !t->is_int64() && !t->is_uint64())
      return Status::InvalidArgument("advancedOptions.payload.urlThresholdBytes must be an integer");
    out["payload"] = *p;
  }
  return std::optional<json::object>(std::move(out));
}

// ---- endpoints ----

// What create and update accept (update: any subset).
const std::set<std::string> kEndpointFields = {"url",        "name",   "enabledEvents",
                                               "apiVersion", "status", "advancedOptions"};

StatusOr<Response> CreateEndpoint(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  GOLDSET_RETURN_IF_ERROR(RejectUnknownFields(body, kEndpointFields));
  webhooks::Endpoint e;
  GOLDSET_ASSIGN_OR_RETURN(auto url, RequiredString(body, "url", kMaxUrlBytes));
  GOLDSET_ASSIGN_OR_RETURN(auto name, RequiredString(body, "name", kMaxNameBytes));
  GOLDSET_ASSIGN_OR_RETURN(auto version, RequiredString(body, "apiVersion", kMaxTokenBytes));
  GOLDSET_RETURN_IF_ERROR(webhooks::ValidateApiVersion(version));
  const json::value* events_v = Find(body, "enabledEvents");
  if (!events_v || events_v->is_null()) return Status::InvalidArgument("enabledEvents is required");
  GOLDSET_ASSIGN_OR_RETURN(auto events, webhooks::ParseEndpointEvents(version, *events_v));
  if (const json::value* s = Find(body, "status"); s && !s->is_null()) {
    GOLDSET_ASSIGN_OR_RETURN(auto status, ParseStatus(*s));
    e.status = status;
  }
  if (const json::value* a = Find(body, "advancedOptions")) {
    GOLDSET_ASSIGN_OR_RETURN(auto opts, ParseAdvancedOptions(*a));
    e.advanced_options = opts;
  }
  GOLDSET_RETURN_IF_ERROR(webhooks::CheckEndpointUrl(url, ctx.svc.egress));
  e.id = NewId("wh_");
  e.workspace_id = ctx.caller.workspace_id;
  e.url = url;
  e.name = name;
  e.enabled_events = events;
  e.api_version = version;
  e.signing_secret = webhooks::NewSigningSecret();
  e.created_by = ctx.caller.key_name;
  e.created_at = e.updated_at = NowMillis();
  GOLDSET_RETURN_IF_ERROR(ctx.svc.webhooks->CreateEndpoint(e));
  return JsonResponse(WebhookEndpointJson(e, /*with_secret=*/true));
}

StatusOr<Response> GetEndpoint(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto e, ctx.svc.webhooks->GetEndpoint(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(WebhookEndpointJson(e, false));
}

StatusOr<Response> ListEndpoints(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  std::string status = ctx.req.QueryValue("status").value_or("");
  if (!status.empty() && status != "enabled" && status != "disabled")
    return Status::InvalidArgument("status must be \"enabled\" or \"disabled\"");
  GOLDSET_ASSIGN_OR_RETURN(auto result, ctx.svc.webhooks->ListEndpoints(ctx.caller.workspace_id, status, page));
  json::array data;
  for (const auto& e : result.items) data.push_back(WebhookEndpointJson(e, false));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> UpdateEndpoint(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  GOLDSET_RETURN_IF_ERROR(RejectUnknownFields(body, kEndpointFields));
  // Validate what does not depend on the stored endpoint before touching it.
  if (const json::value* u = Find(body, "url"); u && !u->is_null()) {
    GOLDSET_ASSIGN_OR_RETURN(auto url, RequiredString(body, "url", kMaxUrlBytes));
    GOLDSET_RETURN_IF_ERROR(webhooks::CheckEndpointUrl(url, ctx.svc.egress));
  }
  auto updated =
      ctx.svc.webhooks->UpdateEndpoint(ctx.caller.workspace_id, ctx.Param("id"), [&](webhooks::Endpoint& e) -> Status {
        if (const json::value* v = Find(body, "apiVersion"); v && !v->is_null()) {
          if (!v->is_string() || v->as_string() != e.api_version)
            return Status::InvalidArgument("apiVersion cannot be changed; create a new endpoint for another version");
        }
        if (const json::value* v = Find(body, "url"); v && !v->is_null()) e.url = std::string(v->as_string());
        if (const json::value* v = Find(body, "name"); v && !v->is_null()) {
          GOLDSET_ASSIGN_OR_RETURN(auto name, RequiredString(body, "name", kMaxNameBytes));
          e.name = name;
        }
        if (const json::value* v = Find(body, "status"); v && !v->is_null()) {
          GOLDSET_ASSIGN_OR_RETURN(auto status, ParseStatus(*v));
          e.status = status;
        }
        if (const json::value* v = Find(body, "enabledEvents"); v && !v->is_null()) {
          GOLDSET_ASSIGN_OR_RETURN(auto events, webhooks::ParseEndpointEvents(e.api_version, *v));
          e.enabled_events = events;
        }
        if (const json::value* v = Find(body, "advancedOptions")) {
          GOLDSET_ASSIGN_OR_RETURN(auto opts, ParseAdvancedOptions(*v));
          e.advanced_options = opts;
        }
        return Status::OK();
      });
  if (!updated.ok()) return updated.status();
  return JsonResponse(WebhookEndpointJson(*updated, false));
}

StatusOr<Response> DeleteEndpoint(RequestContext& ctx) {
  GOLDSET_RETURN_IF_ERROR(ctx.svc.webhooks->DeleteEndpoint(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(json::object{{"id", ctx.Param("id")}});
}

StatusOr<Response> ListDeliveries(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  GOLDSET_ASSIGN_OR_RETURN(auto result,
                           ctx.svc.webhooks->ListDeliveries(ctx.caller.workspace_id, ctx.Param("id"), page));
  json::array data;
  for (const auto& d : result.items) data.push_back(WebhookDeliveryJson(d));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> SendTestEvent(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto e, ctx.svc.webhooks->GetEndpoint(ctx.caller.workspace_id, ctx.Param("id")));
  json::object payload = WebhookEndpointJson(e, false);
  std::string event_id;
  Status st = ctx.svc.db->InTransaction(true, [&](store::Connection& tx) -> Status {
    GOLDSET_ASSIGN_OR_RETURN(auto id, webhooks::EnqueueTestEvent(tx, e, payload));
    event_id = id;
    return Status::OK();
  });
  if (!st.ok()) return st;
  return JsonResponse(json::object{{"object", "webhook_event"},
                                   {"id", event_id},
                                   {"eventType", webhooks::kTestEventType},
                                   {"webhookEndpointId", e.id},
                                   {"createdAt", FormatRfc3339(NowMillis())}});
}

// ---- subscriptions ----

// A subscription names a resource of the caller's workspace: an unknown id, or one of
// another workspace, is 404 like every unknown id (contract S6; audit F25c). Goldset has
// no workflows, so no workflow id is known here.
Status CheckSubscribedResource(RequestContext& ctx, const std::string& type, const std::string& id) {
  if (auto kind = model::KindFromName(type)) {
    auto p = ctx.svc.processors->Get(ctx.caller.workspace_id, *kind, id);
    return p.ok() ? Status::OK() : p.status().WithContext("resourceId");
  }
  return Status::NotFound("resourceId: Workflow " + id + " not found (this server has no workflows)");
}

StatusOr<Response> CreateSubscription(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  GOLDSET_RETURN_IF_ERROR(
      RejectUnknownFields(body, {"webhookEndpointId", "resourceType", "resourceId", "enabledEvents"}));
  webhooks::Subscription s;
  GOLDSET_ASSIGN_OR_RETURN(auto endpoint, RequiredString(body, "webhookEndpointId", kMaxIdBytes));
  GOLDSET_ASSIGN_OR_RETURN(auto type, RequiredString(body, "resourceType", kMaxTokenBytes));
  GOLDSET_ASSIGN_OR_RETURN(auto resource, RequiredString(body, "resourceId", kMaxIdBytes));
  const json::value* events_v = Find(body, "enabledEvents");
  if (!events_v || events_v->is_null()) return Status::InvalidArgument("enabledEvents is required");
  // Shape errors first (400 before a 404 for the endpoint).
  GOLDSET_ASSIGN_OR_RETURN(auto shape, webhooks::ParseSubscriptionEvents(webhooks::kApiVersion, type, *events_v));
  GOLDSET_RETURN_IF_ERROR(CheckSubscribedResource(ctx, type, resource));
  s.id = NewId("whes_");
  s.workspace_id = ctx.caller.workspace_id;
  s.webhook_endpoint_id = endpoint;
  s.resource_type = type;
  s.resource_id = resource;
  auto result = ctx.svc.webhooks->UpsertSubscription(s, [&](const webhooks::Endpoint& e) {
    return webhooks::ParseSubscriptionEvents(e.api_version, type, *events_v);
  });
  if (!result.ok()) return result.status();
  return JsonResponse(WebhookSubscriptionJson(*result));
}

StatusOr<Response> GetSubscription(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto s, ctx.svc.webhooks->GetSubscription(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(WebhookSubscriptionJson(s));
}

StatusOr<Response> ListSubscriptions(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  GOLDSET_ASSIGN_OR_RETURN(
      auto result,
      ctx.svc.webhooks->ListSubscriptions(ctx.caller.workspace_id, ctx.req.QueryValue("webhookEndpointId").value_or(""),
                                          ctx.req.QueryValue("resourceId").value_or(""), page));
  json::array data;
  for (const auto& s : result.items) data.push_back(WebhookSubscriptionJson(s));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> UpdateSubscription(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  GOLDSET_RETURN_IF_ERROR(RejectUnknownFields(body, {"enabledEvents"}));
  const json::value* events_v = Find(body, "enabledEvents");
  if (!events_v || events_v->is_null()) return Status::InvalidArgument("enabledEvents is required");
  auto result = ctx.svc.webhooks->UpdateSubscription(
      ctx.caller.workspace_id, ctx.Param("id"), [&](const webhooks::Endpoint& e, const webhooks::Subscription& s) {
        return webhooks::ParseSubscriptionEvents(e.api_version, s.resource_type, *events_v);
      });
  if (!result.ok()) return result.status();
  return JsonResponse(WebhookSubscriptionJson(*result));
}

StatusOr<Response> DeleteSubscription(RequestContext& ctx) {
  GOLDSET_RETURN_IF_ERROR(ctx.svc.webhooks->DeleteSubscription(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(json::object{{"id", ctx.Param("id")}});
}

json::array EventsJson(const std::vector<std::string>& events) {
  json::array a;
  for (const auto& e : events) a.emplace_back(e);
  return a;
}

}  // namespace

json::object WebhookEndpointJson(const webhooks::Endpoint& e, bool with_secret) {
  json::object o;
  o["object"] = "webhook_endpoint";
  o["id"] = e.id;
  o["url"] = e.url;
  o["name"] = e.name;
  o["status"] = e.status;
  o["enabledEvents"] = EventsJson(e.enabled_events);
  o["apiVersion"] = e.api_version;
  if (e.advanced_options) o["advancedOptions"] = *e.advanced_options;
  if (with_secret) o["signingSecret"] = e.signing_secret;
  o["createdAt"] = FormatRfc3339(e.created_at);
  o["createdBy"] = CreatedByJson(e.created_by);
  o["updatedAt"] = FormatRfc3339(e.updated_at);
  if (e.disabled_reason) o["disabledReason"] = *e.disabled_reason;
  else o["disabledReason"] = nullptr;
  return o;
}

json::object WebhookSubscriptionJson(const webhooks::Subscription& s) {
  return json::object{{"object", "webhook_subscription"},
                      {"id", s.id},
                      {"webhookEndpointId", s.webhook_endpoint_id},
                      {"resourceType", s.resource_type},
                      {"resourceId", s.resource_id},
                      {"enabledEvents", EventsJson(s.enabled_events)},
                      {"createdAt", FormatRfc3339(s.created_at)},
                      {"updatedAt", FormatRfc3339(s.updated_at)}};
}

json::object WebhookDeliveryJson(const webhooks::Delivery& d) {
  json::object o;
  o["object"] = "webhook_delivery";
  o["id"] = d.id;
  o["eventId"] = d.event_id;
  o["eventType"] = d.event_type;
  o["webhookEndpointId"] = d.endpoint_id;
  o["status"] = model::ToString(d.status);
  o["attemptCount"] = d.attempt_count;
  if (d.status == model::DeliveryStatus::kPending) o["nextAttemptAt"] = FormatRfc3339(d.next_attempt_at);
  else o["nextAttemptAt"] = nullptr;
  if (d.last_status_code) o["lastStatusCode"] = *d.last_status_code;
  else o["lastStatusCode"] = nullptr;
  if (d.last_error) o["lastError"] = *d.last_error;
  else o["lastError"] = nullptr;
  json::array attempts;
  for (const auto& a : d.attempts) {
    json::object ao;
    ao["attemptedAt"] = FormatRfc3339(a.attempted_at);
    if (a.status_code) ao["statusCode"] = *a.status_code;
    else ao["statusCode"] = nullptr;
    ao["durationMs"] = a.duration_ms;
    if (a.error) ao["error"] = *a.error;
    else ao["error"] = nullptr;
    attempts.push_back(std::move(ao));
  }
  o["attempts"] = std::move(attempts);
  o["createdAt"] = FormatRfc3339(d.created_at);
  o["updatedAt"] = FormatRfc3339(d.updated_at);
  return o;
}

void RegisterWebhookRoutes(Router& r) {
  r.Add({"POST", "/webhook_endpoints", CreateEndpoint, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"GET", "/webhook_endpoints", ListEndpoints, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"GET", "/webhook_endpoints/{id}", GetEndpoint, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"POST", "/webhook_endpoints/{id}", UpdateEndpoint, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"DELETE", "/webhook_endpoints/{id}", DeleteEndpoint, true, RateCategory::kWrite});
  r.Add({"GET", "/webhook_endpoints/{id}/deliveries", ListDeliveries, true, RateCategory::kGet, BodyKind::kNone,
         Dispatch::kInline});
  r.Add({"POST", "/webhook_endpoints/{id}/test", SendTestEvent, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"POST", "/webhook_subscriptions", CreateSubscription, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"GET", "/webhook_subscriptions", ListSubscriptions, true, RateCategory::kGet, BodyKind::kNone,
         Dispatch::kInline});
  r.Add({"GET", "/webhook_subscriptions/{id}", GetSubscription, true, RateCategory::kGet, BodyKind::kNone,
         Dispatch::kInline});
  r.Add({"POST", "/webhook_subscriptions/{id}", UpdateSubscription, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"DELETE", "/webhook_subscriptions/{id}", DeleteSubscription, true, RateCategory::kWrite});
}

}  // namespace goldset::api
