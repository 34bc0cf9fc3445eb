// Services: the long-lived objects a handler may use. Built once by `goldset serve`.
// Thread-safety: every member is thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "api/config.h"
#include "api/rate_limiter.h"
#include "outbound/egress_policy.h"
#include "store/blob_store.h"
#include "store/database.h"
#include "store/file_store.h"
#include "store/tenancy_store.h"
#include "webhooks/webhooks.h"

namespace goldset::api {

struct Services {
  ServerConfig config;
  std::shared_ptr<store::Database> db;
  std::shared_ptr<store::BlobStore> blobs;
  std::unique_ptr<store::TenancyStore> tenancy;
  std::unique_ptr<store::FileStore> files;
  std::unique_ptr<webhooks::WebhookStore> webhooks;
  // Delivery workers; built here, started by `goldset serve` (Start/Stop).
  std::unique_ptr<webhooks::WebhookDispatcher> webhook_dispatcher;
  outbound::EgressPolicy egress;  // from config.egress_allow
  RateLimiter limiter;
  std::string url_signing_secret;  // HMAC key for presigned file URLs
  std::string public_url;          // e.g. http://127.0.0.1:8080
  std::atomic<bool> draining{false};
};

// Opens the store under config (SQLite in data_dir unless config.database is set),
// applies migrations and loads secrets.
StatusOr<std::unique_ptr<Services>> OpenServices(const ServerConfig& config);

}  // namespace goldset::api
