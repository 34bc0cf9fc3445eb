// `goldset serve --help` (and worker): every flag, its environment variable and default.
// The integration test checks that every flag the parser accepts is described here.
#include <cstdio>
#include <map>
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"

namespace goldset::cli {

namespace {

struct FlagHelp {
  const char* value;
  const char* text;
};

const std::map<std::string, FlagHelp>& Descriptions() {
  static const std::map<std::string, FlagHelp> k = {
      {"listen", {"HOST:PORT", "where the server listens (default 127.0.0.1:8080; port 0 picks one)"}},
      {"data-dir", {"DIR", "SQLite database and blobs (default ./data)"}},
      {"database", {"URL", "postgresql://… for the PostgreSQL backend (default: SQLite in --data-dir)"}},
      {"database-pool",
       {"N", "PostgreSQL connections per process (default threads + handler-threads + workers + 4, 8..96)"}},
      {"blob-store",
       {"SPEC",
        "where file bytes live: local, db or s3://BUCKET/PREFIX?endpoint=URL&region=R (default: local with SQLite, db "
        "with PostgreSQL)"}},
      {"blob-store-credentials",
       {"FILE", "S3 keys as AWS_ACCESS_KEY_ID=/AWS_SECRET_ACCESS_KEY= lines (default: those environment variables)"}},
      {"s3-multipart-threshold-mb",
       {"N", "S3 objects above this go up in parts of this size, the most one upload buffers (default 16, min 5)"}},
      {"s3-max-attempts", {"N", "tries per S3 request on 5xx, timeouts, lost connections (default 4)"}},
      {"public-url", {"URL", "base of presigned file URLs (default http://<listen>)"}},
      {"egress-allow", {"CIDR,…", "private networks outbound calls may reach (default: none)"}},
      {"threads", {"N", "event-loop threads (default: cores)"}},
      {"handler-threads", {"N", "threads for blocking handlers (default max(4, 2 x threads))"}},
      {"workers", {"N", "run-item workers (default: cores)"}},
      {"auth-cache-ms", {"MS", "how long a node trusts a checked key (default 1000)"}},
      {"max-upload-mb", {"N", "upload body limit in MiB (default 100)"}},
      {"max-body-memory-mb",
       {"N", "request bodies held at once over all connections, MiB (default 1024; at least max-upload-mb)"}},
      {"max-json-mb", {"N", "JSON body limit in MiB (default 10)"}},
      {"header-timeout-ms", {"MS", "time for a request's headers (default 10000)"}},
      {"body-timeout-ms", {"MS", "time for a request's body (default 60000)"}},
      {"rate-limit-get", {"R", "reads per second per organization (default 1000; 0 disables)"}},
      {"rate-limit-write", {"R", "writes per second per organization (default 1000; 0 disables)"}},
      {"rate-limit-run", {"R", "run requests per second per organization (default 200; 0 disables)"}},
      {"item-timeout-ms", {"MS", "time per item attempt: parse and every engine call (default 300000)"}},
      {"item-attempts", {"N", "tries per item for transient failures (default 3)"}},
      {"retry-base-ms", {"MS", "first retry delay of an item, doubling (default 1000)"}},
      {"lease-ms", {"MS", "claim lease of items and deliveries, renewed while worked on (default 15000)"}},
      {"drain-ms", {"MS", "on SIGTERM, time in-flight items get before their claims are released (default 10000)"}},
      {"webhook-workers", {"N", "webhook delivery workers (default 2)"}},
      {"webhook-max-attempts", {"N", "delivery attempts per event (default 15)"}},
      {"webhook-timeout-ms", {"MS", "time a receiver gets to answer (default 30000)"}},
      {"webhook-retry-base-ms", {"MS", "first delivery retry delay (default 30000)"}},
      {"webhook-retry-max-ms", {"MS", "longest delivery retry delay (default 86400000)"}},
      {"webhook-disable-after-ms", {"MS", "an endpoint failing this long is disabled (default 259200000)"}},
      {"llm-key-env-allow", {"PATTERNS", "environment variables engine.apiKeyEnv may name (default GOLDSET_LLM_*)"}},
      {"llm-max-calls-per-item", {"N", "llm engine calls per item (default 50)"}},
      {"max-outbound-response-mb", {"N", "answers of webhooks, engines and file {url} downloads (default 16)"}},
      {"max-connections", {"N", "open client connections (default: from RLIMIT_NOFILE)"}},
      {"max-connections-per-ip", {"N", "open connections per client address (default max(8, max-connections/4))"}},
      {"max-array-rows", {"N", "rows per side of a scored array (default 5000)"}},
      {"max-page-megapixels", {"N", "pixel budget per page or image frame (default 50)"}},
      {"max-document-words", {"N", "words in one parsed document (default 1000000)"}},
      {"max-multipart-parts", {"N", "parts of one upload (default 64)"}},
      {"max-stored-comparisons", {"N", "stored compare parameter sets per pair of runs (default 16)"}},
      {"max-analysis-work",
       {"N", "GriTS steps + 20 x tree-edit table cells one analysis request may do (default 4e10; 0: no bound)"}},
      {"max-suspect-results", {"N", "item results one suspect-label ranking may read (default 500000)"}},
      {"file-url-timeout-ms", {"MS", "time for the file {url} downloads of one request (default 60000)"}},
      {"sync-run-timeout-ms", {"MS", "how long POST /extract, /classify, /split wait (default 300000)"}},
      {"max-sync-runs", {"N", "synchronous runs waiting at once (default handler-threads / 2)"}},
      {"metrics", {"", "serve GET /metrics to loopback peers (default off)"}},
      {"no-access-log", {"", "no JSON access-log lines on stderr"}},
  };
  return k;
}

}  // namespace

void PrintServeHelp(const char* command) {
  std::printf(
      "usage: goldset %s [flags]\n\nEvery flag can also be set as an environment variable "
      "(--data-dir D is GOLDSET_DATA_DIR=D).\n\n",
      command);
  std::set<std::string> names = ServerFlagNames();
  names.insert({"metrics", "no-access-log"});
  for (const std::string& name : names) {
    auto it = Descriptions().find(name);
    const FlagHelp help = it == Descriptions().end() ? FlagHelp{"?", "UNDESCRIBED"} : it->second;
    std::string flag = "--" + name + (*help.value ? std::string(" ") + help.value : "");
    std::printf("  %-34s %-36s %s\n", flag.c_str(), FlagEnvName(name).c_str(), help.text);
  }
}

}  // namespace goldset::cli
