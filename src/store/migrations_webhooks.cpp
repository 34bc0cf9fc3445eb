// Migrations 300-399: webhook endpoints, subscriptions, the event outbox, deliveries
// (one per event and endpoint) and the log of delivery attempts.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> WebhooksMigrations() {
  return {
      {300, "webhooks", R"SQL(
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  url TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  enabled_events TEXT NOT NULL,
  api_version TEXT NOT NULL,
  advanced_options TEXT,
  signing_secret TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  disabled_reason TEXT,
  failing_since BIGINT
);
CREATE INDEX webhook_endpoints_ws_created ON webhook_endpoints(workspace_id, created_at, id);
CREATE INDEX webhook_endpoints_ws_updated ON webhook_endpoints(workspace_id, updated_at, id);
CREATE TABLE webhook_subscriptions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  webhook_endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  enabled_events TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (webhook_endpoint_id, resource_id)
);
CREATE INDEX webhook_subscriptions_ws_created ON webhook_subscriptions(workspace_id, created_at, id);
CREATE INDEX webhook_subscriptions_ws_resource ON webhook_subscriptions(workspace_id, resource_id);
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  resource_id TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES webhook_events(id),
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  lease_owner TEXT,
  last_status_code INTEGER,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at, id);
CREATE TABLE webhook_attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
  attempted_at BIGINT NOT NULL,
  status_code INTEGER,
  duration_ms BIGINT NOT NULL,
  error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, attempted_at);
)SQL"},
  };
}

}  // namespace goldset::store
