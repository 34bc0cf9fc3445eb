// WebhookStore: endpoints, subscriptions and the delivery log, scoped by workspace.
#include "common/clock.h"
#include "common/ids.h"
#include "store/status_column.h"
#include "webhooks/event_list.h"
#include "webhooks/webhooks.h"

namespace goldset::webhooks {

using store::Connection;
using store::Null;
using store::Param;
using store::Row;

std::string EventsToText(const std::vector<std::string>& events) {
  json::array a;
  for (const auto& e : events) a.emplace_back(e);
  return ToJson(a);
}

std::vector<std::string> EventsFromText(const std::string& text) {
  std::vector<std::string> out;
  auto v = ParseJson(text);
  if (v.ok() && v->is_array())
    for (const auto& e : v->as_array())
      if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

namespace {

constexpr const char* kEndpointCols =
    "id, workspace_id, url, name, status, enabled_events, api_version, advanced_options, signing_secret, "
    "created_by, created_at, updated_at, disabled_reason, failing_since";
constexpr const char* kSubscriptionCols =
    "id, workspace_id, webhook_endpoint_id, resource_type, resource_id, enabled_events, created_at, updated_at";

template <typename T>
Param Opt(const std::optional<T>& v) {
  return v ? Param(*v) : Param(Null{});
}

Endpoint EndpointFromRow(const Row& r) {
  Endpoint e;
  e.id = r.Text(0);
  e.workspace_id = r.Text(1);
  e.url = r.Text(2);
  e.name = r.Text(3);
  e.status = r.Text(4);
  e.enabled_events = EventsFromText(r.Text(5));
  e.api_version = r.Text(6);
  if (!r.IsNull(7)) {
    auto v = ParseJson(r.Text(7));
    if (v.ok() && v->is_object()) e.advanced_options = v->as_object();
  }
  e.signing_secret = r.Text(8);
  if (!r.IsNull(9)) e.created_by = r.Text(9);
  e.created_at = r.Int(10);
  e.updated_at = r.Int(11);
  if (!r.IsNull(12)) e.disabled_reason = r.Text(12);
  if (!r.IsNull(13)) e.failing_since = r.Int(13);
  return e;
}

Subscription SubscriptionFromRow(const Row& r) {
  Subscription s;
  s.id = r.Text(0);
  s.workspace_id = r.Text(1);
  s.webhook_endpoint_id = r.Text(2);
  s.resource_type = r.Text(3);
  s.resource_id = r.Text(4);
  s.enabled_events = EventsFromText(r.Text(5));
  s.created_at = r.Int(6);
  s.updated_at = r.Int(7);
  return s;
}

// `lock`: Database::ForUpdate() in a read-modify-write transaction (F11: on PostgreSQL a
// concurrent writer then waits and reads this one's result instead of overwriting it).
StatusOr<Endpoint> LoadEndpoint(Connection& c, const std::string& ws, const std::string& id,
                                std::string_view lock = "") {
  auto rows = c.Query(std::string("SELECT ") + kEndpointCols +
                          " FROM webhook_endpoints WHERE workspace_id = ? AND id = ?" + std::string(lock),
                      {ws, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Webhook endpoint " + id + " not found");
  return EndpointFromRow(rows->front());
}

StatusOr<Subscription> LoadSubscription(Connection& c, const std::string& ws, const std::string& id,
                                        std::string_view lock = "") {
  auto rows = c.Query(std::string("SELECT ") + kSubscriptionCols +
                          " FROM webhook_subscriptions WHERE workspace_id = ? AND id = ?" + std::string(lock),
                      {ws, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Webhook subscription " + id + " not found");
  return SubscriptionFromRow(rows->front());
}

std::optional<std::string> OptText(const Row& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return r.Text(i);
}

Delivery DeliveryFromRow(const Row& r) {
  Delivery d;
  d.id = r.Text(0);
  d.event_id = r.Text(1);
  d.event_type = r.Text(2);
  d.endpoint_id = r.Text(3);
  d.status = store::DeliveryStatusColumn(r.Text(4));
  d.attempt_count = static_cast<int>(r.Int(5));
  d.next_attempt_at = r.Int(6);
  if (!r.IsNull(7)) d.last_status_code = static_cast<int>(r.Int(7));
  d.last_error = OptText(r, 8);
  d.created_at = r.Int(9);
  d.updated_at = r.Int(10);
  return d;
}

}  // namespace

Status WebhookStore::CreateEndpoint(const Endpoint& e) {
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(std::string("INSERT INTO webhook_endpoints (") + kEndpointCols +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {e.id, e.workspace_id, e.url, e.name, e.status, EventsToText(e.enabled_events), e.api_version,
                   e.advanced_options ? Param(ToJson(*e.advanced_options)) : Param(Null{}), e.signing_secret,
                   Opt(e.created_by), e.created_at, e.updated_at, Opt(e.disabled_reason), Opt(e.failing_since)});
  });
}

StatusOr<Endpoint> WebhookStore::GetEndpoint(const std::string& ws, const std::string& id) {
  auto c = db_->Acquire();
  return LoadEndpoint(*c, ws, id);
}

StatusOr<store::Page<Endpoint>> WebhookStore::ListEndpoints(const std::string& ws, const std::string& status,
                                                            const store::PageRequest& page) {
  std::string sql = std::string("SELECT ") + kEndpointCols + " FROM webhook_endpoints WHERE workspace_id = ?";
  std::vector<Param> params{ws};
  if (!status.empty()) {
    sql += " AND status = ?";
    params.push_back(status);
  }
  store::AppendKeyset(page, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  return store::ToPage<Endpoint>(*rows, page, EndpointFromRow);
}

StatusOr<Endpoint> WebhookStore::UpdateEndpoint(const std::string& ws, const std::string& id,
                                                const std::function<Status(Endpoint&)>& mutate) {
  Endpoint result;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto e = LoadEndpoint(c, ws, id, db_->ForUpdate());
    if (!e.ok()) return e.status();
    std::string old_status = e->status;
    GOLDSET_RETURN_IF_ERROR(mutate(*e));
    if (e->status == "enabled" && old_status != "enabled") {
      // Re-enabled by the user: forget the failure streak that disabled it.
      e->disabled_reason.reset();
      e->failing_since.reset();
    }
    e->updated_at = std::max(NowMillis(), e->updated_at);
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE webhook_endpoints SET url = ?, name = ?, status = ?, enabled_events = ?, advanced_options = ?, "
               "updated_at = ?, disabled_reason = ?, failing_since = ? WHERE workspace_id = ? AND id = ?",
               {e->url, e->name, e->status, EventsToText(e->enabled_events),
                e->advanced_options ? Param(ToJson(*e->advanced_options)) : Param(Null{}), e->updated_at,
                Opt(e->disabled_reason), Opt(e->failing_since), ws, id}));
    result = std::move(*e);
    return Status::OK();
  });
  if (!st.ok()) return st;
  return result;
}

Status WebhookStore::DeleteEndpoint(const std::string& ws, const std::string& id) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    auto e = LoadEndpoint(c, ws, id);
    if (!e.ok()) return e.status();
    GOLDSET_RETURN_IF_ERROR(c.Exec("DELETE FROM webhook_subscriptions WHERE webhook_endpoint_id = ?", {id}));
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?)",
        {id}));
    GOLDSET_RETURN_IF_ERROR(c.Exec("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", {id}));
    return c.Exec("DELETE FROM webhook_endpoints WHERE id = ?", {id});
  });
}

StatusOr<Subscription> WebhookStore::UpsertSubscription(
    const Subscription& s, const std::function<StatusOr<std::vector<std::string>>(const Endpoint&)>& events_for) {
  Subscription result;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    // The endpoint's row lock makes concurrent upserts for it take turns, so two of them
    // for one resource never both insert (or both rewrite what the other just wrote).
    auto e = LoadEndpoint(c, s.workspace_id, s.webhook_endpoint_id, db_->ForUpdate());
    if (!e.ok()) return e.status();
    auto events = events_for(*e);
    if (!events.ok()) return events.status();
    auto rows = c.Query(std::string("SELECT ") + kSubscriptionCols +
                            " FROM webhook_subscriptions WHERE webhook_endpoint_id = ? AND resource_id = ?",
                        {s.webhook_endpoint_id, s.resource_id});
    if (!rows.ok()) return rows.status();
    int64_t now = NowMillis();
    if (rows->empty()) {
      result = s;
      result.enabled_events = *events;
      result.created_at = result.updated_at = now;
      return c.Exec(
          std::string("INSERT INTO webhook_subscriptions (") + kSubscriptionCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {result.id, result.workspace_id, result.webhook_endpoint_id, result.resource_type, result.resource_id,
           EventsToText(result.enabled_events), result.created_at, result.updated_at});
    }
    result = SubscriptionFromRow(rows->front());
    result.resource_type = s.resource_type;
    result.enabled_events = *events;
    result.updated_at = std::max(now, result.updated_at);
    return c.Exec("UPDATE webhook_subscriptions SET resource_type = ?, enabled_events = ?, updated_at = ? WHERE id = ?",
                  {result.resource_type, EventsToText(result.enabled_events), result.updated_at, result.id});
  });
  if (!st.ok()) return st;
  return result;
}

StatusOr<Subscription> WebhookStore::GetSubscription(const std::string& ws, const std::string& id) {
  auto c = db_->Acquire();
  return LoadSubscription(*c, ws, id);
}

StatusOr<store::Page<Subscription>> WebhookStore::ListSubscriptions(const std::string& ws,
                                                                    const std::string& endpoint_id,
                                                                    const std::string& resource_id,
                                                                    const store::PageRequest& page) {
  std::string sql = std::string("SELECT ") + kSubscriptionCols + " FROM webhook_subscriptions WHERE workspace_id = ?";
  std::vector<Param> params{ws};
  if (!endpoint_id.empty()) {
    sql += " AND webhook_endpoint_id = ?";
    params.push_back(endpoint_id);
  }
  if (!resource_id.empty()) {
    sql += " AND resource_id = ?";
    params.push_back(resource_id);
  }
  store::AppendKeyset(page, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  return store::ToPage<Subscription>(*rows, page, SubscriptionFromRow);
}

StatusOr<Subscription> WebhookStore::UpdateSubscription(
    const std::string& ws, const std::string& id,
    const std::function<StatusOr<std::vector<std::string>>(const Endpoint&, const Subscription&)>& events_for) {
  Subscription result;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto s = LoadSubscription(c, ws, id, db_->ForUpdate());
    if (!s.ok()) return s.status();
    auto e = LoadEndpoint(c, ws, s->webhook_endpoint_id);
    if (!e.ok()) return e.status();
    auto events = events_for(*e, *s);
    if (!events.ok()) return events.status();
    s->enabled_events = *events;
    s->updated_at = std::max(NowMillis(), s->updated_at);
    GOLDSET_RETURN_IF_ERROR(c.Exec("UPDATE webhook_subscriptions SET enabled_events = ?, updated_at = ? WHERE id = ?",
                                   {EventsToText(s->enabled_events), s->updated_at, id}));
    result = std::move(*s);
    return Status::OK();
  });
  if (!st.ok()) return st;
  return result;
}

Status WebhookStore::DeleteSubscription(const std::string& ws, const std::string& id) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    auto s = LoadSubscription(c, ws, id);
    if (!s.ok()) return s.status();
    return c.Exec("DELETE FROM webhook_subscriptions WHERE id = ?", {id});
  });
}

StatusOr<store::Page<Delivery>> WebhookStore::ListDeliveries(const std::string& ws, const std::string& endpoint_id,
                                                             const store::PageRequest& page) {
  auto c = db_->Acquire();
  auto e = LoadEndpoint(*c, ws, endpoint_id);
  if (!e.ok()) return e.status();
  std::string sql =
      "SELECT d.id, d.event_id, ev.event_type, d.endpoint_id, d.status, d.attempts, d.next_attempt_at, "
      "d.last_status_code, d.last_error, d.created_at, d.updated_at FROM webhook_deliveries d "
      "JOIN webhook_events ev ON ev.id = d.event_id WHERE d.endpoint_id = ?";
  std::vector<Param> params{endpoint_id};
  store::AppendKeyset(page, "d", &sql, &params);
  auto rows = c->Query(sql, params);
  if (!rows.ok()) return rows.status();
  store::Page<Delivery> out = store::ToPage<Delivery>(*rows, page, DeliveryFromRow);
  for (Delivery& d : out.items) {
    auto attempts = c->Query(
        "SELECT attempted_at, status_code, duration_ms, error FROM webhook_attempts WHERE delivery_id = ? "
        "ORDER BY attempted_at, id",
        {d.id});
    if (!attempts.ok()) return attempts.status();
    for (const Row& r : *attempts) {
      Attempt a;
      a.attempted_at = r.Int(0);
      if (!r.IsNull(1)) a.status_code = static_cast<int>(r.Int(1));
      a.duration_ms = r.Int(2);
      a.error = OptText(r, 3);
      d.attempts.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace goldset::webhooks
