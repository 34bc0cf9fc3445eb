// Server configuration: flags of `goldset serve` / `goldset worker`, each also settable
// through a GOLDSET_* environment variable (cli/ does the parsing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "processors/engine_policy.h"
#include "store/blob_store_config.h"

namespace goldset::api {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string database;               // empty: SQLite at data_dir/goldset.db; "postgresql://..." for PG
  store::BlobStoreConfig blob_store;  // --blob-store and the S3 flags
  std::string public_url;             // base of presigned URLs; default http://<listen>
  int threads = 0;                    // threads running the HTTP event loop; 0 = number of cores
  int handler_threads = 0;            // threads for blocking handlers; cli default: max(4, 2 * threads)
  int workers = 0;                    // run-item workers; 0 = number of cores
  int64_t max_json_body = 10ll << 20;
  int64_t max_upload = 100ll << 20;
  int64_t max_body_memory = 1024ll << 20;  // request bodies held at once, all connections (api/body_budget.h)
  int header_timeout_ms = 10000;
  int body_timeout_ms = 60000;
  int upload_timeout_ms = 300000;
  int idle_timeout_ms = 60000;
  double rate_get = 1000, rate_write = 1000, rate_run = 200;  // requests/s per org
  double rate_burst_seconds = 2;                              // bucket size = rate * this
  int64_t item_timeout_ms = 300000;  // per run item attempt (parse + every engine call); then aborted
  int64_t lease_ms = 15000;          // claim lease of items and deliveries, renewed while worked on
  int database_pool = 0;             // PostgreSQL connections per process; 0: DefaultDatabasePool()
  int64_t drain_ms = 10000;          // on SIGTERM, time in-flight items get before their claims are released
  // Parsing limits checked before any work (parse/document.h ParseOptions).
  double max_page_megapixels = 50;       // per page at the render/OCR dpi, or per image frame
  int max_document_words = 1000000;      // words in one parsed document
  int max_multipart_parts = 64;          // parts in one multipart/form-data upload
  int item_attempts = 3;                 // tries per run item for transient failures
  int64_t retry_base_ms = 1000;          // first retry delay; doubles per attempt
  size_t max_array_rows = 5000;          // rows per side of any scored array (eval::Options::max_array_rows)
  int64_t max_suspect_results = 500000;  // run item results one suspects request may read (runs x items)
  // Tree-edit and GriTS work one GET …/analysis may do (eval::AnalysisOptions::max_work).
  uint64_t max_analysis_work = 40'000'000'000;  // about 150 s of one core
  int64_t max_stored_comparisons = 16;          // parameter sets stored per (run, baseline) (store/comparison_store.h)
  // file: {url} run inputs: time for all downloads of one request (the bytes are capped
  // by max_outbound_response_bytes per file).
  int64_t file_url_timeout_ms = 60000;
  // Synchronous POST /extract, /classify, /split: how long one waits for its run (the
  // contract's 5 minutes), and how many may wait at once (each holds a handler thread;
  // 0 = handler_threads / 2, at least 1). Over the count: 429 with Retry-After.
  int64_t sync_run_timeout_ms = 300000;
  int max_sync_runs = 0;
  std::string egress_allow;  // CIDRs that outbound calls may reach despite being private
  // Answers of webhook receivers and http/llm engines are cut off above this.
  int64_t max_outbound_response_bytes = 16ll << 20;
  // What tenants' engine configs may do (apiKeyEnv allow-list, calls per item, answer size).
  processors::EnginePolicy engine_policy;
  // Open client connections, in total and per peer address (IPv6: per /64); 0 = derive
  // from RLIMIT_NOFILE at start (HttpServer::Bind reports the values in force).
  int max_connections = 0;
  int max_connections_per_ip = 0;
  bool metrics = false;  // serve GET /metrics (to loopback peers only)
  bool access_log = true;
  int64_t auth_cache_ms = 1000;  // a revoked key keeps working on a node for at most this long
  // Webhook delivery (webhooks/webhooks.h DispatcherOptions).
  int webhook_workers = 2;
  int webhook_timeout_ms = 30000;
  int64_t webhook_retry_base_ms = 30000;
  int64_t webhook_retry_max_ms = 24ll * 3600 * 1000;
  int webhook_max_attempts = 15;
  int64_t webhook_disable_after_ms = 3ll * 24 * 3600 * 1000;
};

}  // namespace goldset::api
