#include "api/services.h"

#include <filesystem>

#include "common/ids.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_database.h"

namespace goldset::api {

StatusOr<std::unique_ptr<Services>> OpenServices(const ServerConfig& config) {
  auto svc = std::make_unique<Services>();
  svc->config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Status::InvalidArgument("cannot create data dir " + config.data_dir + ": " + ec.message());
  if (!config.database.empty()) {
    return Status::InvalidArgument("--database: only the embedded SQLite store is available in this build");
  }
  auto db = store::OpenSqlite(config.data_dir + "/goldset.db");
  if (!db.ok()) return db.status();
  svc->db = *db;
  auto applied = store::ApplyMigrations(*svc->db);
  if (!applied.ok()) return applied.status();
  auto blobs = store::OpenLocalBlobStore(config.data_dir + "/blobs");
  if (!blobs.ok()) return blobs.status();
  svc->blobs = *blobs;
  svc->tenancy = std::make_unique<store::TenancyStore>(svc->db);
  svc->files = std::make_unique<store::FileStore>(svc->db);
  auto egress = outbound::EgressPolicy::Parse(config.egress_allow);
  if (!egress.ok()) return egress.status().WithContext("--egress-allow");
  svc->egress = *egress;
  svc->webhooks = std::make_unique<webhooks::WebhookStore>(svc->db);
  webhooks::DispatcherOptions wh;
  wh.threads = config.webhook_workers;
  wh.timeout_ms = config.webhook_timeout_ms;
  wh.disable_after_ms = config.webhook_disable_after_ms;
  wh.retry.base_delay_ms = config.webhook_retry_base_ms;
  wh.retry.max_delay_ms = config.webhook_retry_max_ms;
  wh.retry.max_attempts = config.webhook_max_attempts;
  svc->webhook_dispatcher = std::make_unique<webhooks::WebhookDispatcher>(svc->db, svc->egress, wh);
  auto secret = svc->tenancy->GetOrCreateSetting("url_signing_secret", RandomToken(32));
  if (!secret.ok()) return secret.status();
  svc->url_signing_secret = *secret;
  svc->public_url = config.public_url.empty() ? "http://" + config.listen : config.public_url;
  return svc;
}

}  // namespace goldset::api
