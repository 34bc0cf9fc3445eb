// Webhooks: endpoints and subscriptions, a transactional outbox of events, and signed,
// at-least-once delivery with retries (contract §4.6-4.9, docs/decisions.md §5).
//
// Flow: a state change calls EnqueueEvent() inside its own write transaction; that writes
// the event and one delivery row per matching enabled endpoint, so an event exists iff the
// change committed. WebhookDispatcher threads claim due deliveries with a lease, POST the
// signed envelope and record the attempt; failures are retried with exponential backoff.
// Everything lives in the database, so deliveries survive restarts and crashes: a lease
// that expired makes its delivery claimable again (duplicates carry the same eventId).
// Leases are short (lease_ms) and renewed by a store::LeaseKeeper, each delivery of a
// claimed batch until its attempt is recorded (a lost lease aborts that delivery's POST
// only); a restarted node frees its predecessor's claims at once (TakeBackClaims).
//
// Thread-safety: free functions are thread-safe; WebhookStore is thread-safe;
// WebhookDispatcher's Start/Stop are called from one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <set>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/cancel.h"
#include "common/json.h"
#include "common/status.h"
#include "model/statuses.h"
#include "outbound/egress_policy.h"
#include "store/database.h"
#include "store/lease_keeper.h"
#include "store/paging.h"

namespace goldset::webhooks {

// ---- Event catalog and validation (pure) ----

inline constexpr const char* kApiVersion = "2026-02-09";
inline constexpr const char* kTestEventType = "webhook_endpoint.test";

// InvalidArgument unless `v` is an API version endpoints can be pinned to. Legacy versions
// are known but refused: this server produces only 2026-02-09 payloads.
Status ValidateApiVersion(const std::string& v);
// The global enabledEvents of an endpoint: strings, each a WebhookEndpointEventType of the
// version (plus the extension evaluation_set_run.processed|failed|cancelled); no duplicates.
StatusOr<std::vector<std::string>> ParseEndpointEvents(const std::string& api_version, const json::value& v);
// A subscription's enabledEvents, valid for `resource_type` (contract §4.7 table);
// InvalidArgument for an unknown resourceType or event, or an empty list.
StatusOr<std::vector<std::string>> ParseSubscriptionEvents(const std::string& api_version,
                                                           const std::string& resource_type, const json::value& v);
bool Contains(const std::vector<std::string>& events, const std::string& event_type);

// ---- Signing and retry schedule (pure) ----

// Lowercase hex HMAC-SHA256 of "v0:{timestamp}:{body}", keyed by the full wss_ secret.
std::string Sign(const std::string& secret, int64_t unix_seconds, const std::string& body);
std::string NewSigningSecret();  // "wss_" + 32 random URL-safe characters

struct RetryPolicy {
  int64_t base_delay_ms = 30'000;          // delay after the first failure
  int64_t max_delay_ms = 24ll * 3600'000;  // cap of a single delay
  int max_attempts = 15;                   // then the delivery is `failed`
  double jitter = 0.2;                     // delay x [1-jitter, 1+jitter], then capped
};
// Delay before the next attempt after `failed_attempts` (>= 1) failures:
// min(max, base * 2^(failed_attempts-1)) scaled by jitter; `unit_random` in [0, 1).
int64_t RetryDelayMs(const RetryPolicy& p, int failed_attempts, double unit_random);

// http(s) URL whose host resolves only to addresses `policy` allows; InvalidArgument
// otherwise. A host that does not resolve now is accepted (delivery re-checks).
Status CheckEndpointUrl(const std::string& url, const outbound::EgressPolicy& policy);

// ---- Records and storage ----

struct Endpoint {
  std::string id;  // wh_
  std::string workspace_id;
  std::string url;
  std::string name;
  std::string status = "enabled";  // enabled | disabled
  std::vector<std::string> enabled_events;
  std::string api_version;
  std::optional<json::object> advanced_options;
  std::string signing_secret;
  std::optional<std::string> created_by;  // API key name
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<std::string> disabled_reason;
  std::optional<int64_t> failing_since;
};

struct Subscription {
  std::string id;  // whes_
  std::string workspace_id;
  std::string webhook_endpoint_id;
  std::string resource_type;
  std::string resource_id;
  std::vector<std::string> enabled_events;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct Attempt {
  int64_t attempted_at = 0;
  std::optional<int> status_code;
  int64_t duration_ms = 0;
  std::optional<std::string> error;
};

struct Delivery {
  std::string id;
  std::string event_id;
  std::string event_type;
  std::string endpoint_id;
  model::DeliveryStatus status = model::DeliveryStatus::kPending;
  int attempt_count = 0;
  int64_t next_attempt_at = 0;
  std::optional<int> last_status_code;
  std::optional<std::string> last_error;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::vector<Attempt> attempts;  // oldest first
};

// Every call is scoped by workspace: another workspace's object is NotFound.
class WebhookStore {
 public:
  explicit WebhookStore(std::shared_ptr<store::Database> db) : db_(std::move(db)) {}

  Status CreateEndpoint(const Endpoint& e);
  StatusOr<Endpoint> GetEndpoint(const std::string& ws, const std::string& id);
  // status: "" for all, else "enabled" / "disabled". Ordered by created_at.
  StatusOr<store::Page<Endpoint>> ListEndpoints(const std::string& ws, const std::string& status,
                                                const store::PageRequest& page);
  // Reads, applies `mutate`, writes back in one transaction; returns the stored result.
  StatusOr<Endpoint> UpdateEndpoint(const std::string& ws, const std::string& id,
                                    const std::function<Status(Endpoint&)>& mutate);
  // Deletes the endpoint, its subscriptions and its deliveries.
  Status DeleteEndpoint(const std::string& ws, const std::string& id);

  // Creates, or updates the enabledEvents of the subscription for (endpoint, resource).
  // NotFound when the endpoint is not in `ws`. `validate` checks the events against the
  // endpoint's apiVersion before anything is written.
  StatusOr<Subscription> UpsertSubscription(
      const Subscription& s, const std::function<StatusOr<std::vector<std::string>>(const Endpoint&)>& events_for);
  StatusOr<Subscription> GetSubscription(const std::string& ws, const std::string& id);
  StatusOr<store::Page<Subscription>> ListSubscriptions(const std::string& ws, const std::string& endpoint_id,
                                                        const std::string& resource_id, const store::PageRequest& page);
  StatusOr<Subscription> UpdateSubscription(
      const std::string& ws, const std::string& id,
      const std::function<StatusOr<std::vector<std::string>>(const Endpoint&, const Subscription&)>& events_for);
  Status DeleteSubscription(const std::string& ws, const std::string& id);

  // Deliveries of one endpoint with their attempts, newest first by default.
  StatusOr<store::Page<Delivery>> ListDeliveries(const std::string& ws, const std::string& endpoint_id,
                                                 const store::PageRequest& page);

 private:
  std::shared_ptr<store::Database> db_;
};

// ---- Outbox ----

// Writes the event and one pending delivery per enabled endpoint of `workspace_id` whose
// global enabledEvents contain `event_type`, or that has a subscription on `resource_id`
// whose enabledEvents contain it. Writes nothing when no endpoint matches.
// REQUIRES: `tx` is inside the caller's write transaction (the one making the change).
Status EnqueueEvent(store::Connection& tx, const std::string& workspace_id, const std::string& event_type,
                    const json::object& payload, const std::string& resource_id);

// Enqueues a `webhook_endpoint.test` event for one endpoint only (Stripe-style "send test
// event"), whatever its enabledEvents. Returns the event id. REQUIRES: write transaction.
StatusOr<std::string> EnqueueTestEvent(store::Connection& tx, const Endpoint& endpoint, const json::object& payload);

// ---- Delivery ----

struct DispatcherOptions {
  RetryPolicy retry;
  int threads = 2;
  int timeout_ms = 30'000;                         // per POST; the receiver must answer within it
  int64_t disable_after_ms = 3ll * 24 * 3600'000;  // continuous failure before disabling
  int poll_interval_ms = 200;                      // idle wait between claims
  int batch = 4;                                   // deliveries claimed per claim
  int64_t max_response_bytes = 16ll << 20;         // a longer answer fails the attempt (transfer stopped)
  int64_t lease_ms = 15'000;                       // claim lease, renewed every lease_ms/3 while held
};

class WebhookDispatcher {
 public:
  WebhookDispatcher(std::shared_ptr<store::Database> db, outbound::EgressPolicy policy, DispatcherOptions opts);
  ~WebhookDispatcher();  // Stop()s
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // The node identity recorded with each claim (store/node_identity.h) and the lease-owner
  // prefix of this process. Call before Start; defaults: no node, a random prefix.
  void SetNode(std::string node, std::string claim_prefix);
  // Frees the claims an earlier process of this node left behind. Call before Start, and
  // only when this process holds the node's identity exclusively.
  StatusOr<int64_t> TakeBackClaims();
  void Start();
  // Lets in-flight POSTs finish for up to `drain_ms` (and at most timeout_ms), then aborts
  // them; releases every unsent or aborted claim without counting an attempt; joins.
  void Stop(int64_t drain_ms = std::numeric_limits<int64_t>::max());
  // Claims and sends one batch on the calling thread; returns how many were attempted.
  // For tests and tools; do not mix with Start().
  StatusOr<int> RunOnce();

 private:
  void Loop();
  StatusOr<int> ClaimAndSend(const std::string& owner);
  Status SendOne(const std::string& delivery_id, const std::string& owner, const CancelToken& cancel);
  // Records one attempt (error: nullopt when delivered), schedules the retry or gives up,
  // and disables the endpoint when it has failed long enough. Only while `owner` holds
  // the lease.
  Status RecordAttempt(const std::string& delivery_id, const std::string& owner, const std::string& endpoint_id,
                       int attempts, int64_t attempted_at, int64_t duration, std::optional<int> code,
                       const std::optional<std::string>& error);
  Status Release(const std::string& delivery_id, const std::string& owner);

  std::shared_ptr<store::Database> db_;
  outbound::EgressPolicy policy_;
  DispatcherOptions opts_;
  std::string node_, claim_prefix_;  // set before Start
  std::unique_ptr<store::LeaseKeeper> keeper_;
  std::atomic<bool> stopping_{false};   // no new claims
  std::atomic<bool> releasing_{false};  // the drain time is over: abort and hand back
  std::mutex mu_;
  std::condition_variable drained_;   // signalled when in_flight_ shrinks
  std::set<CancelToken*> in_flight_;  // tokens of POSTs being sent; guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace goldset::webhooks
