#include "api/services.h"

#include "common/log.h"

#include <algorithm>
#include <filesystem>

#include "api/processor_catalog.h"
#include "api/processor_config.h"
#include "api/evaluation_json.h"
#include "api/processor_json.h"
#include "webhooks/run_events.h"
#include "webhooks/webhooks.h"
#include "common/ids.h"
#include "store/migrations.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace goldset::api {

StatusOr<std::unique_ptr<Services>> OpenServices(const ServerConfig& config) {
  auto svc = std::make_unique<Services>();
  svc->config = config;
  auto egress = outbound::EgressPolicy::Parse(config.egress_allow);
  if (!egress.ok()) return egress.status().WithContext("--egress-allow");
  svc->egress = *egress;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Status::InvalidArgument("cannot create data dir " + config.data_dir + ": " + ec.message());
  // PostgreSQL: the database holds everything, blobs included unless --blob-store names a
  // bucket, so nodes share nothing else.
  const bool postgres = !config.database.empty();
  if (postgres && !store::IsPostgresUrl(config.database))
    return Status::InvalidArgument("--database must be a postgresql:// URL (omit it for the embedded SQLite store)");
  // The connection budget (docs/scaling.md): every HTTP thread and worker may hold a
  // connection at once, a few spare for the rest; --database-pool overrides it. A pool
  // the server could never grant fails here instead of as 503s under load.
  const int pool = config.database_pool
                       ? config.database_pool
                       : std::clamp(config.threads + config.handler_threads + config.workers + 4, 8, 96);
  auto db = postgres ? store::OpenPostgres(config.database, {.max_connections = pool})
                     : store::OpenSqlite(config.data_dir + "/goldset.db");
  if (!db.ok()) return db.status();
  svc->db = *db;
  if (postgres) {
    auto c = svc->db->Acquire();
    auto slots = store::QueryInt(*c,
                                 "SELECT CAST(current_setting('max_connections') AS BIGINT) - "
                                 "CAST(current_setting('superuser_reserved_connections') AS BIGINT)");
    if (!slots.ok()) return slots.status().WithContext("reading max_connections");
    if (pool > *slots)
      return Status::InvalidArgument(
          "the database pool (" + std::to_string(pool) +
          " connections, --database-pool) exceeds "
          "the server's max_connections less its reserved slots (" +
          std::to_string(*slots) +
          "); lower --database-pool or the thread counts, or put PgBouncer in front (docs/scaling.md)");
    LogInfo("database pool: at most " + std::to_string(pool) + " connections; " + std::to_string(*slots / pool) +
            " processes of this size fit the server's " + std::to_string(*slots) + " connection slots");
  }
  auto applied = store::ApplyMigrations(*svc->db);
  if (!applied.ok()) return applied.status();
  // Blobs: the database's table (PostgreSQL), files in data_dir (SQLite), or a bucket
  // every node shares (--blob-store s3://…).
  auto blobs = store::OpenBlobStore(config.blob_store, svc->db, config.data_dir);
  if (!blobs.ok()) return blobs.status().WithContext("--blob-store");
  svc->blobs = *blobs;
  svc->tenancy = std::make_unique<store::TenancyStore>(svc->db);
  svc->api_keys = std::make_unique<store::ApiKeyStore>(svc->db);
  svc->key_usage = std::make_unique<KeyUsage>(svc->api_keys.get());
  svc->files = std::make_unique<store::FileStore>(svc->db);
  svc->processors = std::make_unique<store::ProcessorStore>(svc->db);
  svc->evaluations = std::make_unique<store::EvaluationStore>(svc->db);
  svc->runs = std::make_unique<store::RunStore>(svc->db);
  svc->on_batch_ended = [](store::Connection& c, const store::RunBatch& b, const store::ProcessorRunRecord& last) {
    return webhooks::EnqueueBatchRunEnded(c, b, BatchRunJson(b), last);
  };
  svc->processor_runs = std::make_unique<store::ProcessorRunStore>(svc->db, svc->on_batch_ended);
  svc->entities = MakeProcessorCatalog(*svc->processors);
  store::EvaluationStore* evaluations = svc->evaluations.get();
  // A processor that an evaluation set evaluates cannot be deleted.
  svc->processors->in_use_check = [evaluations](store::Connection& c, const std::string& id) {
    return evaluations->EntityInUse(c, id);
  };
  // Processor lifecycle events reach the webhook outbox in the change's own transaction.
  svc->processors->on_change = [](store::Connection& c, const std::string& event, const model::Processor& p,
                                  const model::ProcessorVersion* v) -> Status {
    json::object payload = v ? ProcessorVersionJson(*v, /*with_config=*/true) : ProcessorJson(p);
    return webhooks::EnqueueEvent(c, p.workspace_id, std::string(model::KindInfo(p.kind).name) + "." + event, payload,
                                  p.id);
  };
  const processors::EnginePolicy* policy = &svc->config.engine_policy;
  svc->validate_config = [policy](const std::string& kind, const json::object& config) {
    auto k = model::KindFromName(kind);
    if (!k) return Status::InvalidArgument("unknown processor kind " + kind);
    return ValidateProcessorConfig(*k, config, *policy);
  };
  svc->webhooks = std::make_unique<webhooks::WebhookStore>(svc->db);
  webhooks::DispatcherOptions wh;
  wh.threads = config.webhook_workers;
  wh.timeout_ms = config.webhook_timeout_ms;
  wh.disable_after_ms = config.webhook_disable_after_ms;
  wh.retry.base_delay_ms = config.webhook_retry_base_ms;
  wh.retry.max_delay_ms = config.webhook_retry_max_ms;
  wh.retry.max_attempts = config.webhook_max_attempts;
  wh.lease_ms = config.lease_ms;
  wh.max_response_bytes = config.engine_policy.max_response_bytes;
  svc->webhook_dispatcher = std::make_unique<webhooks::WebhookDispatcher>(svc->db, svc->egress, wh);
  auto secret = svc->tenancy->GetOrCreateSetting("url_signing_secret", RandomToken(32));
  if (!secret.ok()) return secret.status();
  svc->url_signer = std::make_unique<HmacSha256Key>(*secret);
  svc->public_url = config.public_url.empty() ? "http://" + config.listen : config.public_url;
  return svc;
}

}  // namespace goldset::api
