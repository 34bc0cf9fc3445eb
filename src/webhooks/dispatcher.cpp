// WebhookDispatcher: claims due deliveries with a lease, POSTs the signed envelope,
// records the attempt, schedules retries and disables endpoints that keep failing.
#include <algorithm>
#include <chrono>
#include <random>

#include "common/clock.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "common/log.h"
#include "outbound/http_client.h"
#include "store/status_column.h"
#include "webhooks/webhooks.h"

namespace goldset::webhooks {

using store::Connection;
using store::Null;
using store::Param;

namespace {

double UnitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

void LogFailure(const std::string& what, const Status& st) {
  LogError(what + ": " + st.message(), {{"component", "webhooks"}});
}

// The envelope, with the stored payload bytes spliced in unchanged.
std::string Envelope(const std::string& event_id, const std::string& event_type, const std::string& payload) {
  return "{\"eventId\":" + json::serialize(json::value(event_id)) +
         ",\"eventType\":" + json::serialize(json::value(event_type)) + ",\"payload\":" + payload + "}";
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(std::shared_ptr<store::Database> db, outbound::EgressPolicy policy,
                                     DispatcherOptions opts)
    : db_(std::move(db)),
      policy_(std::move(policy)),
      opts_(opts),
      claim_prefix_("p/" + RandomToken(6)),
      keeper_(std::make_unique<store::LeaseKeeper>(opts_.lease_ms)) {}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::SetNode(std::string node, std::string claim_prefix) {
  node_ = std::move(node);
  claim_prefix_ = std::move(claim_prefix);
}

StatusOr<int64_t> WebhookDispatcher::TakeBackClaims() {
  if (node_.empty()) return int64_t{0};
  return store::ExecCountingChanges(*db_,
                                    "UPDATE webhook_deliveries SET lease_until = NULL, lease_owner = NULL, "
                                    "lease_node = NULL WHERE lease_node = ? AND status = 'pending'",
                                    {node_});
}

void WebhookDispatcher::Start() {
  stopping_ = false;
  releasing_ = false;
  for (int i = 0; i < std::max(1, opts_.threads); ++i) threads_.emplace_back([this] { Loop(); });
}

void WebhookDispatcher::Stop(int64_t drain_ms) {
  stopping_ = true;
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::min<int64_t>(drain_ms, int64_t{1} << 40));
    drained_.wait_until(lock, deadline, [&] { return in_flight_.empty(); });
    releasing_ = true;
    for (CancelToken* t : in_flight_) t->Cancel(Status::Unavailable("the server is shutting down"));
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

StatusOr<int> WebhookDispatcher::RunOnce() { return ClaimAndSend(claim_prefix_ + ":" + NewId("lease_")); }

Status WebhookDispatcher::Release(const std::string& delivery_id, const std::string& owner) {
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "UPDATE webhook_deliveries SET lease_until = NULL, lease_owner = NULL, lease_node = NULL "
        "WHERE id = ? AND lease_owner = ?",
        {delivery_id, owner});
  });
}

void WebhookDispatcher::Loop() {
  while (!stopping_) {
    auto n = ClaimAndSend(claim_prefix_ + ":" + NewId("lease_"));
    if (!n.ok()) LogFailure("claim", n.status());
    if (n.ok() && *n > 0) continue;
    // Idle (or failing): wait, waking early for Stop.
    for (int waited = 0; waited < opts_.poll_interval_ms && !stopping_; waited += 20)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

StatusOr<int> WebhookDispatcher::ClaimAndSend(const std::string& owner) {
  const int64_t lease_ms = keeper_->lease_ms();
  int64_t claimed_at = 0;
  std::vector<std::string> claimed;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    // The lease starts when the claim runs, not before a wait for a pooled connection.
    claimed_at = NowMillis();
    const int64_t now = claimed_at;
    // One claim statement. The CTE is MATERIALIZED so PostgreSQL evaluates the locking
    // subquery exactly once (as part of an IN (…) it may be rescanned and pick more rows
    // than LIMIT); FOR UPDATE SKIP LOCKED locks the rows it picks and skips rows another
    // node is claiming, and a row another node claimed since our snapshot is re-checked
    // against the WHERE clause (lease now live: skipped). The endpoint check is a
    // sublink, not a join, so only delivery rows are locked.
    auto rows = c.Query(
        "WITH picked AS MATERIALIZED (SELECT d.id FROM webhook_deliveries d "
        "WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
        "AND (d.lease_until IS NULL OR d.lease_until < ?) "
        "AND d.endpoint_id IN (SELECT e.id FROM webhook_endpoints e WHERE e.status = 'enabled') "
        "ORDER BY d.next_attempt_at, d.id LIMIT ?" +
            std::string(db_->ForUpdateSkipLocked()) +
            ") "
            "UPDATE webhook_deliveries SET lease_until = ?, lease_owner = ?, lease_node = ? "
            "WHERE id IN (SELECT id FROM picked) RETURNING id, next_attempt_at",
        {now, now, int64_t{std::max(1, opts_.batch)}, now + lease_ms, owner, node_});
    if (!rows.ok()) return rows.status();
    // RETURNING order is unspecified: send in due order.
    std::vector<std::pair<int64_t, std::string>> due;
    for (const auto& r : *rows) due.emplace_back(r.Int(1), r.Text(0));
    std::sort(due.begin(), due.end());
    claimed.clear();
    for (auto& [at, id] : due) claimed.push_back(std::move(id));
    return Status::OK();
  });
  if (!st.ok()) return st;
  if (claimed.empty()) return 0;
  // One token and one lease hold per delivery: a lost lease aborts only that delivery's
  // POST, and a delivery stops being renewed once its attempt is recorded. (A hold kept
  // past its delivery's completion finds the claim gone at the next renewal and reports
  // the lease lost; with a token shared by the batch that aborted the POST in progress of
  // another delivery after the receiver had it, which was then released unrecorded and
  // sent again: a duplicate.)
  std::vector<std::unique_ptr<CancelToken>> tokens;
  for (size_t i = 0; i < claimed.size(); ++i) tokens.push_back(std::make_unique<CancelToken>());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : tokens) in_flight_.insert(t.get());
  }
  if (releasing_)
    for (auto& t : tokens) t->Cancel(Status::Unavailable("the server is shutting down"));
  std::vector<std::unique_ptr<store::LeaseKeeper::Hold>> holds;
  for (size_t i = 0; i < claimed.size(); ++i) {
    store::Database* db = db_.get();
    const std::string id = claimed[i];
    holds.push_back(keeper_->Keep(
        [db, id, owner](int64_t until) -> StatusOr<bool> {
          bool held = false;
          Status st = db->InTransaction(true, [&](Connection& c) -> Status {
            GOLDSET_RETURN_IF_ERROR(c.Exec(
                "UPDATE webhook_deliveries SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'pending'",
                {until, id, owner}));
            held = c.Changes() > 0;
            return Status::OK();
          });
          if (!st.ok()) return st;
          return held;
        },
        claimed_at + lease_ms, tokens[i].get()));
  }
  int sent = 0;
  for (size_t i = 0; i < claimed.size(); ++i) {
    const std::string& id = claimed[i];
    if (stopping_ || tokens[i]->cancelled()) {
      // Hand unsent claims back so another process (or our restart) takes them at once.
      if (!holds[i]->lost())
        if (Status rel = Release(id, owner); !rel.ok()) LogFailure("release " + id, rel);
    } else {
      Status s = SendOne(id, owner, *tokens[i]);
      if (!s.ok()) LogFailure("deliver " + id, s);
      ++sent;
    }
    holds[i].reset();  // done with it: no renewal may touch its token any more
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : tokens) in_flight_.erase(t.get());
    drained_.notify_all();
  }
  return sent;
}

Status WebhookDispatcher::SendOne(const std::string& delivery_id, const std::string& owner, const CancelToken& cancel) {
  auto rows = db_->Acquire()->Query(
      "SELECT d.event_id, d.attempts, ev.event_type, ev.payload, e.id, e.url, e.signing_secret, e.api_version, "
      "e.advanced_options FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id "
      "JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ? AND d.lease_owner = ? AND d.lease_until > ?",
      {delivery_id, owner, NowMillis()});
  if (!rows.ok()) return rows.status();
  // Deleted, the lease lost, or lapsed (another node may claim it any moment: not sent).
  if (rows->empty()) return Status::OK();
  const store::Row& r = rows->front();
  const std::string event_id = r.Text(0);
  const int prior_attempts = static_cast<int>(r.Int(1));
  const std::string endpoint_id = r.Text(4);
  const std::string url = r.Text(5);
  const std::string body = Envelope(event_id, r.Text(2), r.Text(3));

  std::vector<std::pair<std::string, std::string>> headers;
  if (!r.IsNull(8)) {
    auto opts = ParseJson(r.Text(8));
    if (opts.ok() && opts->is_object())
      if (const json::value* h = Find(opts->as_object(), "headers"); h && h->is_object())
        for (const auto& [k, v] : h->as_object())
          if (v.is_string()) headers.emplace_back(std::string(k), std::string(v.as_string()));
  }
  const int64_t ts = NowMillis() / 1000;
  headers.emplace_back("User-Agent", "Goldset-Webhooks/1.0");
  headers.emplace_back("x-extend-request-timestamp", std::to_string(ts));
  headers.emplace_back("x-extend-request-signature", Sign(r.Text(6), ts, body));
  headers.emplace_back("x-extend-api-version", r.Text(7));

  const int64_t attempted_at = NowMillis();
  const int64_t t0 = MonotonicMillis();
  auto resp = outbound::PostJson(url, body, headers, opts_.timeout_ms, policy_, opts_.max_response_bytes, &cancel);
  const int64_t duration = MonotonicMillis() - t0;
  if (!resp.ok() && cancel.explicitly_cancelled()) {
    // Aborted (shutdown, or a lost lease in the batch), not a failure of the receiver: no
    // attempt is recorded, and the claim, if still ours, goes back for an immediate retry.
    return Release(delivery_id, owner);
  }

  std::optional<int> code;
  std::optional<std::string> error;
  if (resp.ok()) {
    code = static_cast<int>(resp->status);
    if (*code < 200 || *code > 299) {
      // The receiver's bytes are anything at all: stored and shown only as valid UTF-8,
      // cut on a character boundary.
      bool cut = false;
      std::string snippet = SanitizeUtf8(resp->body, 200, &cut);
      if (cut) snippet += "...";
      error = "receiver answered HTTP " + std::to_string(*code) + (snippet.empty() ? "" : ": " + snippet);
    }
  } else {
    error = store::StoredText(resp.status().message(), 1024);
  }
  const bool delivered = !error.has_value();
  const int attempts = prior_attempts + 1;

  Status recorded = RecordAttempt(delivery_id, owner, endpoint_id, attempts, attempted_at, duration, code, error);
  if (recorded.ok() || delivered) return recorded;
  // The attempt must count even when its details cannot be stored: an unrecorded attempt
  // would be sent again at every lease expiry, past --webhook-max-attempts, forever.
  LogFailure("record attempt of " + delivery_id + " (retrying without its details)", recorded);
  const std::string bare = (code ? "receiver answered HTTP " + std::to_string(*code) : std::string("delivery failed")) +
                           " (the error's details could not be stored)";
  return RecordAttempt(delivery_id, owner, endpoint_id, attempts, attempted_at, duration, code, bare);
}

Status WebhookDispatcher::RecordAttempt(const std::string& delivery_id, const std::string& owner,
                                        const std::string& endpoint_id, int attempts, int64_t attempted_at,
                                        int64_t duration, std::optional<int> code,
                                        const std::optional<std::string>& error) {
  const bool delivered = !error.has_value();
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    int64_t now = NowMillis();
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("INSERT INTO webhook_attempts (id, delivery_id, attempted_at, status_code, duration_ms, error) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               {NewId("wha_"), delivery_id, attempted_at, code ? Param(int64_t{*code}) : Param(Null{}), duration,
                error ? Param(*error) : Param(Null{})}));
    if (delivered) {
      GOLDSET_RETURN_IF_ERROR(c.Exec(
          "UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, lease_until = NULL, lease_owner = NULL, "
          "last_status_code = ?, last_error = NULL, updated_at = ? WHERE id = ? AND lease_owner = ?",
          {int64_t{attempts}, int64_t{*code}, now, delivery_id, owner}));
      return c.Exec("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL",
                    {endpoint_id});
    }
    const bool give_up = attempts >= opts_.retry.max_attempts;
    const int64_t next = now + RetryDelayMs(opts_.retry, attempts, UnitRandom());
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, lease_until = NULL, "
        "lease_owner = NULL, last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ? AND lease_owner = ?",
        {store::StatusParam(give_up ? model::DeliveryStatus::kFailed : model::DeliveryStatus::kPending),
         int64_t{attempts}, next, code ? Param(int64_t{*code}) : Param(Null{}), *error, now, delivery_id, owner}));
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        "UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL", {now, endpoint_id}));
    auto since = c.Query("SELECT failing_since, status FROM webhook_endpoints WHERE id = ?", {endpoint_id});
    if (!since.ok()) return since.status();
    if (since->empty() || since->front().Text(1) != "enabled") return Status::OK();
    int64_t failing_for = now - since->front().Int(0);
    if (failing_for < opts_.disable_after_ms) return Status::OK();
    std::string reason = "Disabled automatically at " + FormatRfc3339(now) + ": every delivery attempt since " +
                         FormatRfc3339(since->front().Int(0)) + " failed (last error: " + *error +
                         "). Fix the receiver, then set status to \"enabled\" to resume pending deliveries.";
    return c.Exec("UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?",
                  {reason, now, endpoint_id});
  });
}

}  // namespace goldset::webhooks
