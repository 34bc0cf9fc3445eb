// The outbox: events and their pending deliveries, written in the caller's transaction.
#include <map>

#include "common/clock.h"
#include "common/ids.h"
#include "webhooks/event_list.h"
#include "webhooks/webhooks.h"

namespace goldset::webhooks {

namespace {

Status InsertEvent(store::Connection& tx, const std::string& id, const std::string& ws, const std::string& type,
                   const json::object& payload, const std::string& resource_id, int64_t now) {
  return tx.Exec(
      "INSERT INTO webhook_events (id, workspace_id, event_type, payload, resource_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {id, ws, type, ToJson(payload), resource_id.empty() ? store::Param(store::Null{}) : store::Param(resource_id),
       now});
}

Status InsertDelivery(store::Connection& tx, const std::string& event_id, const std::string& endpoint_id,
                      const std::string& ws, int64_t now) {
  return tx.Exec(
      "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, workspace_id, status, attempts, "
      "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
      {NewId("whd_"), event_id, endpoint_id, ws, now, now, now});
}

}  // namespace

Status EnqueueEvent(store::Connection& tx, const std::string& workspace_id, const std::string& event_type,
                    const json::object& payload, const std::string& resource_id) {
  // endpoint id -> matches. std::map keeps delivery insertion order deterministic.
  std::map<std::string, bool> targets;
  auto endpoints = tx.Query(
      "SELECT id, enabled_events FROM webhook_endpoints WHERE workspace_id = ? AND status = 'enabled'", {workspace_id});
  if (!endpoints.ok()) return endpoints.status();
  for (const store::Row& r : *endpoints) targets[r.Text(0)] = Contains(EventsFromText(r.Text(1)), event_type);
  if (targets.empty()) return Status::OK();
  if (!resource_id.empty()) {
    auto subs = tx.Query(
        "SELECT webhook_endpoint_id, enabled_events FROM webhook_subscriptions WHERE workspace_id = ? AND "
        "resource_id = ?",
        {workspace_id, resource_id});
    if (!subs.ok()) return subs.status();
    for (const store::Row& r : *subs) {
      auto it = targets.find(r.Text(0));
      if (it != targets.end() && Contains(EventsFromText(r.Text(1)), event_type)) it->second = true;
    }
  }
  bool any = false;
  for (const auto& [id, match] : targets) any = any || match;
  if (!any) return Status::OK();
  int64_t now = NowMillis();
  std::string event_id = NewId("event_");
  GOLDSET_RETURN_IF_ERROR(InsertEvent(tx, event_id, workspace_id, event_type, payload, resource_id, now));
  for (const auto& [endpoint_id, match] : targets)
    if (match) GOLDSET_RETURN_IF_ERROR(InsertDelivery(tx, event_id, endpoint_id, workspace_id, now));
  return Status::OK();
}

StatusOr<std::string> EnqueueTestEvent(store::Connection& tx, const Endpoint& endpoint, const json::object& payload) {
  int64_t now = NowMillis();
  std::string event_id = NewId("event_");
  GOLDSET_RETURN_IF_ERROR(InsertEvent(tx, event_id, endpoint.workspace_id, kTestEventType, payload, endpoint.id, now));
  GOLDSET_RETURN_IF_ERROR(InsertDelivery(tx, event_id, endpoint.id, endpoint.workspace_id, now));
  return event_id;
}

}  // namespace goldset::webhooks
