// `goldset serve`: API + dashboard + embedded workers.
#include <cmath>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>

#include "api/app.h"
#include "api/server.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "api/evaluation_json.h"
#include "api/file_json.h"
#include "common/clock.h"
#include "common/log.h"
#include "webhooks/run_events.h"
#include "webhooks/webhooks.h"
#include "jobs/run_scheduler.h"

namespace goldset::cli {

namespace {

StatusOr<int> ParseInt(const std::optional<std::string>& v, int fallback, const char* name) {
  if (!v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || n < 0 || n > 1'000'000)
    return Status::InvalidArgument(std::string("--") + name + " must be a non-negative integer");
  return static_cast<int>(n);
}

StatusOr<double> ParseDouble(const std::optional<std::string>& v, double fallback, const char* name) {
  if (!v) return fallback;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || d < 0)
    return Status::InvalidArgument(std::string("--") + name + " must be a non-negative number");
  return d;
}

StatusOr<int64_t> ParseMillis(const std::optional<std::string>& v, int64_t fallback, const char* name) {
  if (!v) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || n < 0 || n > 365ll * 24 * 3600 * 1000)
    return Status::InvalidArgument(std::string("--") + name + " must be a number of milliseconds (at most a year)");
  return static_cast<int64_t>(n);
}

// Input limits of parsing and uploads: --max-page-megapixels, --max-document-words,
// --max-multipart-parts.
Status ParseInputLimitFlags(const Flags& f, api::ServerConfig* c) {
  auto megapixels = ParseDouble(f.Get("max-page-megapixels"), c->max_page_megapixels, "max-page-megapixels");
  if (!megapixels.ok()) return megapixels.status();
  if (*megapixels < 0.01 || *megapixels > 1000)
    return Status::InvalidArgument("--max-page-megapixels must be between 0.01 and 1000");
  auto parts = ParseInt(f.Get("max-multipart-parts"), c->max_multipart_parts, "max-multipart-parts");
  if (!parts.ok()) return parts.status();
  if (*parts < 2 || *parts > 100000)
    return Status::InvalidArgument("--max-multipart-parts must be between 2 and 100000");
  auto words = ParseMillis(f.Get("max-document-words"), c->max_document_words, "max-document-words");
  if (!words.ok() || *words < 1 || *words > 100'000'000)
    return Status::InvalidArgument("--max-document-words must be between 1 and 100000000");
  c->max_page_megapixels = *megapixels;
  c->max_document_words = static_cast<int>(*words);
  c->max_multipart_parts = *parts;
  // REQUIRES: c->max_upload and c->max_json_body already set (one largest body must fit).
  auto body_memory =
      ParseInt(f.Get("max-body-memory-mb"), static_cast<int>(c->max_body_memory >> 20), "max-body-memory-mb");
  if (!body_memory.ok()) return body_memory.status();
  const int64_t body_bytes = int64_t{*body_memory} << 20;
  if (*body_memory < 1 || *body_memory > 1'048'576 || body_bytes < std::max(c->max_upload, c->max_json_body)) {
    return Status::InvalidArgument(
        "--max-body-memory-mb must be between --max-upload-mb (and --max-json-mb) and 1048576: one largest "
        "body must fit");
  }
  c->max_body_memory = body_bytes;
  return Status::OK();
}

// --max-array-rows (eval::Options::max_array_rows): rows per side of any array an item
// may have before it fails; also bounds the pairing work (eval/array_scorer.h).
// --max-stored-comparisons: parameter sets (alpha, margin, effect) stored per pair of runs.
Status ParseScoringFlags(const Flags& f, api::ServerConfig* c) {
  auto rows = ParseInt(f.Get("max-array-rows"), static_cast<int>(c->max_array_rows), "max-array-rows");
  if (!rows.ok()) return rows.status();
  if (*rows < 1 || *rows > 50000) return Status::InvalidArgument("--max-array-rows must be between 1 and 50000");
  c->max_array_rows = static_cast<size_t>(*rows);
  auto stored =
      ParseInt(f.Get("max-stored-comparisons"), static_cast<int>(c->max_stored_comparisons), "max-stored-comparisons");
  if (!stored.ok()) return stored.status();
  if (*stored > 1000) return Status::InvalidArgument("--max-stored-comparisons must be between 0 and 1000");
  c->max_stored_comparisons = *stored;
  // --max-suspect-results: run item results one GET …/suspects may read (its memory).
  auto suspects =
      ParseInt(f.Get("max-suspect-results"), static_cast<int>(c->max_suspect_results), "max-suspect-results");
  if (!suspects.ok()) return suspects.status();
  if (*suspects < 1 || *suspects > 10'000'000)
    return Status::InvalidArgument("--max-suspect-results must be between 1 and 10000000");
  c->max_suspect_results = *suspects;
  // --max-analysis-work: tree-edit and GriTS work of one GET …/analysis (its CPU time).
  auto work = ParseDouble(f.Get("max-analysis-work"), static_cast<double>(c->max_analysis_work), "max-analysis-work");
  if (!work.ok()) return work.status();
  if (*work > 1e15 || *work != std::floor(*work))
    return Status::InvalidArgument("--max-analysis-work must be a whole number between 0 and 1e15");
  c->max_analysis_work = static_cast<uint64_t>(*work);
  return Status::OK();
}

// --file-url-timeout-ms, --sync-run-timeout-ms, --max-sync-runs (api/config.h).
Status ParseRunInputFlags(const Flags& f, api::ServerConfig* c) {
  auto url_ms = ParseMillis(f.Get("file-url-timeout-ms"), c->file_url_timeout_ms, "file-url-timeout-ms");
  auto sync_ms = ParseMillis(f.Get("sync-run-timeout-ms"), c->sync_run_timeout_ms, "sync-run-timeout-ms");
  auto sync_max = ParseInt(f.Get("max-sync-runs"), 0, "max-sync-runs");
  for (const Status* st : {&url_ms.status(), &sync_ms.status(), &sync_max.status()})
    if (!st->ok()) return *st;
  if (*url_ms < 1 || *url_ms > 3'600'000)
    return Status::InvalidArgument("--file-url-timeout-ms must be between 1 and 3600000");
  if (*sync_ms < 1 || *sync_ms > 3'600'000)
    return Status::InvalidArgument("--sync-run-timeout-ms must be between 1 and 3600000");
  if (*sync_max < 0 || *sync_max > 10000) return Status::InvalidArgument("--max-sync-runs must be between 0 and 10000");
  c->file_url_timeout_ms = *url_ms;
  c->sync_run_timeout_ms = *sync_ms;
  c->max_sync_runs = *sync_max ? *sync_max : std::max(1, c->handler_threads / 2);
  return Status::OK();
}

// --webhook-* flags (webhooks/webhooks.h DispatcherOptions).
Status ParseWebhookFlags(const Flags& f, api::ServerConfig* c) {
  auto workers = ParseInt(f.Get("webhook-workers"), c->webhook_workers, "webhook-workers");
  auto attempts = ParseInt(f.Get("webhook-max-attempts"), c->webhook_max_attempts, "webhook-max-attempts");
  auto timeout = ParseMillis(f.Get("webhook-timeout-ms"), c->webhook_timeout_ms, "webhook-timeout-ms");
  auto base = ParseMillis(f.Get("webhook-retry-base-ms"), c->webhook_retry_base_ms, "webhook-retry-base-ms");
  auto max = ParseMillis(f.Get("webhook-retry-max-ms"), c->webhook_retry_max_ms, "webhook-retry-max-ms");
  auto disable =
      ParseMillis(f.Get("webhook-disable-after-ms"), c->webhook_disable_after_ms, "webhook-disable-after-ms");
  for (const Status* st :
       {&workers.status(), &attempts.status(), &timeout.status(), &base.status(), &max.status(), &disable.status()})
    if (!st->ok()) return *st;
  if (*workers < 1 || *attempts < 1 || *timeout < 1 || *base < 1 || *max < 1)
    return Status::InvalidArgument(
        "--webhook-workers, --webhook-max-attempts, --webhook-timeout-ms and --webhook-retry-*-ms must be at least 1");
  c->webhook_workers = *workers;
  c->webhook_max_attempts = *attempts;
  c->webhook_timeout_ms = static_cast<int>(std::min<int64_t>(*timeout, 600000));
  c->webhook_retry_base_ms = *base;
  c->webhook_retry_max_ms = *max;
  c->webhook_disable_after_ms = *disable;
  return Status::OK();
}

// Limits on what clients and tenants can make the server do (README "Security model").
Status ParseSecurityFlags(const Flags& f, api::ServerConfig* c) {
  auto response_mb = ParseInt(f.Get("max-outbound-response-mb"), 16, "max-outbound-response-mb");
  auto llm_calls =
      ParseInt(f.Get("llm-max-calls-per-item"), c->engine_policy.max_llm_calls_per_item, "llm-max-calls-per-item");
  auto max_conns = ParseInt(f.Get("max-connections"), 0, "max-connections");
  auto per_ip = ParseInt(f.Get("max-connections-per-ip"), 0, "max-connections-per-ip");
  for (const Status* st : {&response_mb.status(), &llm_calls.status(), &max_conns.status(), &per_ip.status()})
    if (!st->ok()) return *st;
  if (*response_mb < 1 || *response_mb > 4096)
    return Status::InvalidArgument("--max-outbound-response-mb must be between 1 and 4096");
  if (*llm_calls < 1) return Status::InvalidArgument("--llm-max-calls-per-item must be at least 1");
  // The server's own settings are never readable as an API key, whatever the patterns say.
  std::set<std::string> own_settings;
  for (const std::string& name : ServerFlagNames()) own_settings.insert(FlagEnvName(name));
  for (const char* name : {"no-access-log", "metrics"}) own_settings.insert(FlagEnvName(name));
  auto allow =
      processors::KeyEnvAllowList::Parse(f.GetOr("llm-key-env-allow", "GOLDSET_LLM_*"), std::move(own_settings));
  if (!allow.ok()) return allow.status();
  c->max_outbound_response_bytes = int64_t{*response_mb} << 20;
  c->engine_policy.key_env_allow = std::move(*allow);
  c->engine_policy.max_llm_calls_per_item = *llm_calls;
  c->engine_policy.max_response_bytes = c->max_outbound_response_bytes;
  c->max_connections = *max_conns;
  c->max_connections_per_ip = *per_ip;
  return Status::OK();
}

}  // namespace

std::unique_ptr<jobs::RunScheduler> MakeScheduler(api::Services& svc, const store::NodeIdentity* node) {
  jobs::SchedulerConfig sched;
  sched.workers = svc.config.workers;
  sched.item_timeout_ms = svc.config.item_timeout_ms;
  sched.max_array_rows = svc.config.max_array_rows;
  // Short and renewed while the item is worked on: a dead worker's items come back
  // within one lease, a live one keeps its item however long the engine takes.
  sched.lease_ms = svc.config.lease_ms;
  if (node) {
    sched.node = node->name();
    sched.claim_prefix = node->ClaimPrefix();
  }
  sched.max_attempts = svc.config.item_attempts;
  sched.max_page_megapixels = svc.config.max_page_megapixels;
  sched.max_document_words = svc.config.max_document_words;
  sched.retry_base_ms = svc.config.retry_base_ms;
  sched.egress = &svc.egress;
  sched.engine_policy = &svc.config.engine_policy;
  api::Services* services = &svc;
  sched.presign = [services](const std::string& file_id) { return api::PresignedFileUrl(*services, file_id); };
  sched.on_batch_ended = svc.on_batch_ended;
  // Run events go to the webhook outbox inside the transaction that ends the run, so an
  // event exists exactly when the final state committed; which events is webhooks/run_events.h.
  auto on_run_ended = [](store::Connection& c, const store::RunRecord& run, const json::object& metrics) {
    return webhooks::EnqueueRunEnded(c, run, api::RunJson(run, metrics));
  };
  auto scheduler = std::make_unique<jobs::RunScheduler>(svc.db, svc.blobs, sched, on_run_ended);
  scheduler->SetProcessorRunEndedHook([services](store::Connection& c, const store::ProcessorRunRecord& r) {
    return webhooks::EnqueueProcessorRunEnded(c, r, api::ProcessorRunJson(*services, r));
  });
  svc.run_finalizer = scheduler->Finalizer();
  jobs::RunScheduler* raw = scheduler.get();
  svc.notify_workers = [raw] { raw->Notify(); };
  return scheduler;
}

StatusOr<api::ServerConfig> ParseServerConfig(const Flags& f) {
  api::ServerConfig c;
  c.listen = f.GetOr("listen", c.listen);
  c.data_dir = f.GetOr("data-dir", c.data_dir);
  c.database = f.GetOr("database", "");
  c.public_url = f.GetOr("public-url", "");
  c.egress_allow = f.GetOr("egress-allow", "");
  auto threads = ParseInt(f.Get("threads"), 0, "threads");
  auto workers = ParseInt(f.Get("workers"), 0, "workers");
  auto handler_threads = ParseInt(f.Get("handler-threads"), 0, "handler-threads");
  auto auth_cache = ParseInt(f.Get("auth-cache-ms"), static_cast<int>(c.auth_cache_ms), "auth-cache-ms");
  auto max_upload_mb = ParseInt(f.Get("max-upload-mb"), 100, "max-upload-mb");
  auto max_json_mb = ParseInt(f.Get("max-json-mb"), 10, "max-json-mb");
  auto header_timeout = ParseInt(f.Get("header-timeout-ms"), c.header_timeout_ms, "header-timeout-ms");
  auto body_timeout = ParseInt(f.Get("body-timeout-ms"), c.body_timeout_ms, "body-timeout-ms");
  auto rate_get = ParseDouble(f.Get("rate-limit-get"), c.rate_get, "rate-limit-get");
  auto rate_write = ParseDouble(f.Get("rate-limit-write"), c.rate_write, "rate-limit-write");
  auto rate_run = ParseDouble(f.Get("rate-limit-run"), c.rate_run, "rate-limit-run");
  auto item_timeout = ParseInt(f.Get("item-timeout-ms"), static_cast<int>(c.item_timeout_ms), "item-timeout-ms");
  auto item_attempts = ParseInt(f.Get("item-attempts"), c.item_attempts, "item-attempts");
  auto retry_base = ParseInt(f.Get("retry-base-ms"), static_cast<int>(c.retry_base_ms), "retry-base-ms");
  auto lease = ParseMillis(f.Get("lease-ms"), c.lease_ms, "lease-ms");
  auto drain = ParseMillis(f.Get("drain-ms"), c.drain_ms, "drain-ms");
  auto database_pool = ParseInt(f.Get("database-pool"), 0, "database-pool");
  for (const Status* st :
       {&threads.status(), &workers.status(), &handler_threads.status(), &auth_cache.status(), &max_upload_mb.status(),
        &max_json_mb.status(), &header_timeout.status(), &body_timeout.status(), &rate_get.status(),
        &rate_write.status(), &rate_run.status(), &item_timeout.status(), &item_attempts.status(), &retry_base.status(),
        &lease.status(), &drain.status(), &database_pool.status()})
    if (!st->ok()) return *st;
  if (*database_pool != 0 && (*database_pool < 2 || *database_pool > 1000))
    return Status::InvalidArgument("--database-pool must be between 2 and 1000 (0: derived from the thread counts)");
  c.database_pool = *database_pool;
  if (*lease < 300 || *lease > 3'600'000) return Status::InvalidArgument("--lease-ms must be between 300 and 3600000");
  if (*item_timeout < 1) return Status::InvalidArgument("--item-timeout-ms must be at least 1");
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  c.threads = *threads ? *threads : static_cast<int>(cores);
  c.workers = *workers ? *workers : static_cast<int>(cores);
  c.handler_threads = *handler_threads ? *handler_threads : std::max(4, 2 * c.threads);
  c.max_upload = int64_t{*max_upload_mb} << 20;
  c.max_json_body = int64_t{*max_json_mb} << 20;
  c.header_timeout_ms = *header_timeout;
  c.body_timeout_ms = *body_timeout;
  c.rate_get = *rate_get;
  c.rate_write = *rate_write;
  c.rate_run = *rate_run;
  c.item_timeout_ms = *item_timeout;
  c.item_attempts = std::max(1, *item_attempts);
  c.retry_base_ms = *retry_base;
  c.lease_ms = *lease;
  c.drain_ms = *drain;
  c.access_log = !f.Has("no-access-log");
  c.metrics = f.Has("metrics");
  if (Status st = ParseSecurityFlags(f, &c); !st.ok()) return st;
  c.auth_cache_ms = std::max(0, *auth_cache);
  if (Status st = ParseWebhookFlags(f, &c); !st.ok()) return st;
  if (Status st = ParseInputLimitFlags(f, &c); !st.ok()) return st;
  if (Status st = ParseScoringFlags(f, &c); !st.ok()) return st;
  if (Status st = ParseRunInputFlags(f, &c); !st.ok()) return st;
  if (Status st = ParseBlobStoreFlags(f, &c.blob_store); !st.ok()) return st;
  return c;
}

const std::set<std::string>& ServerFlagNames() {
  static const std::set<std::string> k = {"listen",
                                          "data-dir",
                                          "database",
                                          "public-url",
                                          "egress-allow",
                                          "threads",
                                          "handler-threads",
                                          "auth-cache-ms",
                                          "workers",
                                          "max-upload-mb",
                                          "max-body-memory-mb",
                                          "max-json-mb",
                                          "header-timeout-ms",
                                          "body-timeout-ms",
                                          "rate-limit-get",
                                          "rate-limit-write",
                                          "rate-limit-run",
                                          "item-timeout-ms",
                                          "item-attempts",
                                          "retry-base-ms",
                                          "lease-ms",
                                          "drain-ms",
                                          "database-pool",
                                          "webhook-workers",
                                          "webhook-max-attempts",
                                          "webhook-timeout-ms",
                                          "webhook-retry-base-ms",
                                          "webhook-retry-max-ms",
                                          "webhook-disable-after-ms",
                                          "llm-key-env-allow",
                                          "llm-max-calls-per-item",
                                          "max-outbound-response-mb",
                                          "max-connections",
                                          "max-connections-per-ip",
                                          "max-array-rows",
                                          "max-page-megapixels",
                                          "max-document-words",
                                          "max-multipart-parts",
                                          "max-stored-comparisons",
                                          "file-url-timeout-ms",
                                          "sync-run-timeout-ms",
                                          "max-sync-runs",
                                          "max-suspect-results",
                                          "max-analysis-work",
                                          "blob-store",
                                          "blob-store-credentials",
                                          "s3-multipart-threshold-mb",
                                          "s3-max-attempts"};
  return k;
}

namespace {

// What `serve` and `worker` share before they differ: flags, the signal mask (taken by
// one thread with sigwait; every other thread inherits it) and the opened services.
// Returns the exit code on failure.
struct Started {
  std::optional<api::ServerConfig> config;
  std::unique_ptr<store::NodeIdentity> node;
  std::unique_ptr<api::Services> svc;
  sigset_t signals;
  int exit_code = 0;
};

// Frees the claims the previous process of this node held when it stopped or died, so
// its items and deliveries resume now rather than when their leases lapse.
void TakeBackClaims(const store::NodeIdentity& node, jobs::RunScheduler& scheduler,
                    webhooks::WebhookDispatcher* dispatcher) {
  if (!node.exclusive()) return;
  auto items = scheduler.TakeBackClaims();
  auto deliveries = dispatcher ? dispatcher->TakeBackClaims() : StatusOr<int64_t>(int64_t{0});
  if (!items.ok() || !deliveries.ok()) {
    LogError("taking back the claims of node " + node.name() + " failed (they lapse instead)");
    return;
  }
  if (*items + *deliveries > 0)
    LogInfo("node " + node.name() + " took back " + std::to_string(*items) + " item and " +
            std::to_string(*deliveries) + " delivery claims of its previous process");
}

Started StartProcess(int argc, char** argv, const char* command) {
  Started out;
  auto flags = Flags::Parse(argc, argv, 2, ServerFlagNames(), {"no-access-log", "metrics"});
  auto config = flags.ok() ? ParseServerConfig(*flags) : StatusOr<api::ServerConfig>(flags.status());
  if (!config.ok()) {
    LogError(std::string("goldset ") + command + ": " + config.status().message());
    out.exit_code = 2;
    return out;
  }
  out.config = *config;
  auto node = store::NodeIdentity::Acquire(config->data_dir);
  if (!node.ok()) {
    std::fprintf(stderr, "goldset %s: %s\n", command, node.status().message().c_str());
    out.exit_code = 1;
    return out;
  }
  out.node = std::move(*node);
  if (config->engine_policy.key_env_allow.HasLeadingWildcard())
    WriteLogLines(FormatLogLine("warn",
                                "--llm-key-env-allow has a pattern that starts with a wildcard: every tenant "
                                "can read every matching environment variable through engine.apiKeyEnv"));
  sigemptyset(&out.signals);
  sigaddset(&out.signals, SIGINT);
  sigaddset(&out.signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &out.signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  auto svc = api::OpenServices(*config);
  if (!svc.ok()) {
    LogError(std::string("goldset ") + command + ": " + svc.status().message());
    out.exit_code = 1;
    return out;
  }
  out.svc = std::move(*svc);
  out.svc->webhook_dispatcher->SetNode(out.node->name(), out.node->ClaimPrefix());
  return out;
}

}  // namespace

int RunServeCommand(int argc, char** argv) {
  Started started = StartProcess(argc, argv, "serve");
  if (!started.svc) return started.exit_code;
  const api::ServerConfig& config = *started.config;
  sigset_t& sigs = started.signals;
  api::Services* svc = started.svc.get();
  auto first_key = EnsureDefaultWorkspace(*svc);
  if (!first_key.ok()) {
    LogError("goldset serve: " + first_key.status().message());
    return 1;
  }
  auto scheduler = MakeScheduler(*svc, started.node.get());
  TakeBackClaims(*started.node, *scheduler, svc->webhook_dispatcher.get());
  api::App app(*svc);
  api::HttpServer server(app, svc->config);
  auto port = server.Bind();
  if (!port.ok()) {
    LogError("goldset serve: " + port.status().message());
    return 1;
  }
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::string url = "http://" + host + ":" + std::to_string(*port);
  if (config.public_url.empty()) svc->public_url = url;
  if (!first_key->empty()) {
    std::printf("Created the default workspace. API key (shown once): %s\n", first_key->c_str());
  }
  std::printf("Dashboard: %s/\n", url.c_str());
  std::printf("Listening on %s\n", url.c_str());
  std::fflush(stdout);

  scheduler->Start();
  std::atomic<int64_t> drain_started{0};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    LogInfo("signal " + std::to_string(sig) + ": draining");
    svc->draining = true;
    drain_started = MonotonicMillis();
    scheduler->StopClaiming();
    server.Stop();
  });
  svc->webhook_dispatcher->Start();
  svc->key_usage->Start(/*flush_ms=*/10000);
  server.Run();
  svc->key_usage->Stop();  // writes the uses still pending
  // Run returned: every connection is closed. Wake the signal thread if it still waits.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  // Items and deliveries still running when the drain time is over are aborted and their
  // claims released, so another node (or the next start) takes them at once.
  const int64_t started_ms = drain_started.load() ? drain_started.load() : MonotonicMillis();
  auto drain_left = [&] { return std::max<int64_t>(0, started_ms + config.drain_ms - MonotonicMillis()); };
  std::thread stop_deliveries([&] { svc->webhook_dispatcher->Stop(drain_left()); });
  scheduler->Stop(drain_left());
  stop_deliveries.join();
  LogInfo("stopped");
  return 0;
}

}  // namespace goldset::cli

namespace goldset::cli {

int RunWorkerCommand(int argc, char** argv) {
  Started started = StartProcess(argc, argv, "worker");
  if (!started.svc) return started.exit_code;
  sigset_t& sigs = started.signals;
  api::Services* svc = started.svc.get();
  auto scheduler = MakeScheduler(*svc, started.node.get());
  TakeBackClaims(*started.node, *scheduler, nullptr);
  scheduler->Start();
  std::printf("Worker running with %d workers\n", svc->config.workers);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  LogInfo("signal " + std::to_string(sig) + ": finishing in-flight items");
  scheduler->Stop(svc->config.drain_ms);
  return 0;
}

}  // namespace goldset::cli
