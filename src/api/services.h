// Services: the long-lived objects a handler may use. Built once by `goldset serve`.
// Thread-safety: every member is thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "api/config.h"
#include "api/entity_catalog.h"
#include "api/key_usage.h"
#include "api/rate_limiter.h"
#include "common/crypto.h"
#include "jobs/run_metrics.h"
#include "jobs/run_scheduler.h"
#include "outbound/egress_policy.h"
#include "store/api_key_store.h"
#include "store/blob_store.h"
#include "store/database.h"
#include "store/evaluation_store.h"
#include "store/file_store.h"
#include "store/processor_store.h"
#include "store/processor_run_store.h"
#include "store/run_store.h"
#include "store/tenancy_store.h"
#include "webhooks/webhooks.h"

namespace goldset::api {

struct Services {
  ServerConfig config;
  std::shared_ptr<store::Database> db;
  std::shared_ptr<store::BlobStore> blobs;
  std::unique_ptr<store::TenancyStore> tenancy;
  std::unique_ptr<store::FileStore> files;
  std::unique_ptr<store::ProcessorStore> processors;
  std::unique_ptr<store::EvaluationStore> evaluations;
  std::unique_ptr<store::RunStore> runs;
  std::unique_ptr<store::ProcessorRunStore> processor_runs;
  // Enqueues batch_processor_run.* when a batch's last run ends; every ProcessorRunStore
  // of the process (this one, the workers') gets it.
  store::BatchEndedHook on_batch_ended;
  // Validates a processor config of kind "extractor" | "classifier" | "splitter".
  std::function<Status(const std::string& kind, const json::object& config)> validate_config;
  std::unique_ptr<EntityCatalog> entities;
  jobs::MetricsCache metrics;
  store::RunFinalizer run_finalizer;     // set by the process that owns the workers
  std::function<void()> notify_workers;  // wakes idle workers after a run is created
  std::unique_ptr<webhooks::WebhookStore> webhooks;
  // Delivery workers; built here, started by `goldset serve` (Start/Stop).
  std::unique_ptr<webhooks::WebhookDispatcher> webhook_dispatcher;
  RateLimiter limiter;
  outbound::EgressPolicy egress;              // --egress-allow: private addresses outbound calls may reach
  std::unique_ptr<HmacSha256Key> url_signer;  // signs presigned file URLs (key kept in settings)
  std::string public_url;                     // e.g. http://127.0.0.1:8080
  std::atomic<bool> draining{false};
  // Request counters by status class (1xx..5xx) and total handler time, for GET /metrics.
  std::atomic<int64_t> requests_by_class[6] = {};
  std::atomic<int64_t> request_ms_total{0};
  // Key management (/api_keys) and last-use recording; `goldset serve` starts the flusher.
  // Declared last: destroyed first, while the database is still open.
  std::unique_ptr<store::ApiKeyStore> api_keys;
  std::unique_ptr<KeyUsage> key_usage;
};

// Opens the store under config (SQLite in data_dir unless config.database is set),
// applies migrations and loads secrets.
StatusOr<std::unique_ptr<Services>> OpenServices(const ServerConfig& config);

}  // namespace goldset::api
