// Unit tests of webhooks/: signature, retry schedule, event catalog, outbox matching and
// the dispatcher's bookkeeping of a failed attempt (against a real SQLite store).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/clock.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_database.h"
#include "store/tenancy_store.h"
#include "stub_http_server.h"
#include "webhooks/webhooks.h"

namespace goldset::webhooks {
namespace {

TEST(Signing, MatchesContractTestVector) {
  const std::string body =
      R"({"eventId":"event_1234","eventType":"extract_run.processed","payload":{"object":"extract_run","id":"exr_Xj8mK2pL9nR4vT7qY5wZ"}})";
  EXPECT_EQ(Sign("wss_Av9uCQNrCIEe0XpEpsQUVjEJYr4udK9N", 1700000000, body),
            "1fd601d17018d37957f1e6e80761eb3591bad873734d0f3c9bfc548ab3c24689");
  // Any change of secret, timestamp or body changes the signature.
  EXPECT_NE(Sign("wss_Av9uCQNrCIEe0XpEpsQUVjEJYr4udK9M", 1700000000, body),
            Sign("wss_Av9uCQNrCIEe0XpEpsQUVjEJYr4udK9N", 1700000000, body));
  EXPECT_NE(Sign("wss_x", 1700000001, body), Sign("wss_x", 1700000000, body));
  EXPECT_NE(Sign("wss_x", 1700000000, body + " "), Sign("wss_x", 1700000000, body));
}

TEST(Signing, SecretsAreWssPrefixedAndUnique) {
  std::string a = NewSigningSecret(), b = NewSigningSecret();
  EXPECT_EQ(a.rfind("wss_", 0), 0u);
  EXPECT_EQ(a.size(), 4u + 32u);
  EXPECT_NE(a, b);
}

TEST(RetrySchedule, DoublesFromBaseAndCapsAtMax) {
  RetryPolicy p;  // defaults: 30 s base, 24 h cap
  p.jitter = 0;
  EXPECT_EQ(RetryDelayMs(p, 1, 0.5), 30'000);
  EXPECT_EQ(RetryDelayMs(p, 2, 0.5), 60'000);
  EXPECT_EQ(RetryDelayMs(p, 3, 0.5), 120'000);
  EXPECT_EQ(RetryDelayMs(p, 10, 0.5), 30'000ll << 9);
  EXPECT_EQ(RetryDelayMs(p, 13, 0.5), 24ll * 3600'000);
  EXPECT_EQ(RetryDelayMs(p, 1000, 0.5), 24ll * 3600'000);  // no overflow
}

TEST(RetrySchedule, JitterStaysWithinBoundsAndCap) {
  RetryPolicy p;
  p.jitter = 0.2;
  EXPECT_EQ(RetryDelayMs(p, 1, 0.0), 24'000);
  EXPECT_EQ(RetryDelayMs(p, 1, 0.999999), 35'999);
  EXPECT_EQ(RetryDelayMs(p, 1, 0.5), 30'000);
  EXPECT_LE(RetryDelayMs(p, 20, 0.999), p.max_delay_ms);
}

TEST(RetrySchedule, DefaultsOutlastTheDisableWindow) {
  // With the defaults the last retry comes after 3 days, so an endpoint that is down
  // for good is disabled (and says so) before its deliveries give up.
  RetryPolicy p;
  p.jitter = 0;
  EXPECT_GE(p.max_attempts, 10);
  int64_t total = 0;
  for (int i = 1; i < p.max_attempts; ++i) total += RetryDelayMs(p, i, 0.5);
  EXPECT_GT(total, DispatcherOptions{}.disable_after_ms);
}

TEST(Catalog, EndpointEvents) {
  auto ok = ParseEndpointEvents("2026-02-09", json::array{"extract_run.processed", "evaluation_set_run.failed"});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 2u);
  EXPECT_TRUE(ParseEndpointEvents("2026-02-09", json::array{}).ok());
  EXPECT_FALSE(ParseEndpointEvents("2026-02-09", json::array{"extract_run.done"}).ok());
  EXPECT_FALSE(ParseEndpointEvents("2026-02-09", json::array{"workflow_run.completed"}).ok());  // subscriptions only
  EXPECT_FALSE(ParseEndpointEvents("2026-02-09", json::array{1}).ok());
  EXPECT_FALSE(ParseEndpointEvents("2026-02-09", json::value("extract_run.processed")).ok());
  EXPECT_FALSE(ParseEndpointEvents("2026-02-09", json::array{"split_run.failed", "split_run.failed"}).ok());
  EXPECT_FALSE(ParseEndpointEvents("2025-04-21", json::array{}).ok());
  EXPECT_FALSE(ParseEndpointEvents("2099-01-01", json::array{}).ok());
}

TEST(Catalog, SubscriptionEventsDependOnResourceType) {
  EXPECT_TRUE(ParseSubscriptionEvents("2026-02-09", "extractor", json::array{"extract_run.processed"}).ok());
  EXPECT_TRUE(ParseSubscriptionEvents("2026-02-09", "splitter", json::array{"batch_processor_run.failed"}).ok());
  EXPECT_TRUE(ParseSubscriptionEvents("2026-02-09", "workflow", json::array{"workflow_run.needs_review"}).ok());
  EXPECT_FALSE(ParseSubscriptionEvents("2026-02-09", "extractor", json::array{"classify_run.processed"}).ok());
  EXPECT_FALSE(ParseSubscriptionEvents("2026-02-09", "classifier", json::array{"extractor.created"}).ok());
  EXPECT_FALSE(ParseSubscriptionEvents("2026-02-09", "evaluation_set", json::array{"extract_run.processed"}).ok());
  EXPECT_FALSE(ParseSubscriptionEvents("2026-02-09", "extractor", json::array{}).ok());
}

TEST(Catalog, EndpointUrls) {
  auto none = outbound::EgressPolicy::Parse("");
  auto loop = outbound::EgressPolicy::Parse("127.0.0.1/32");
  ASSERT_TRUE(none.ok() && loop.ok());
  EXPECT_FALSE(CheckEndpointUrl("ftp://example.com/x", *none).ok());
  EXPECT_FALSE(CheckEndpointUrl("example.com/x", *none).ok());
  EXPECT_FALSE(CheckEndpointUrl("http://user:pw@example.com/", *none).ok());
  EXPECT_FALSE(CheckEndpointUrl("http://127.0.0.1:9/hook", *none).ok());
  EXPECT_FALSE(CheckEndpointUrl("http://10.1.2.3/hook", *none).ok());
  EXPECT_FALSE(CheckEndpointUrl("http://[::1]:80/hook", *none).ok());
  EXPECT_FALSE(CheckEndpointUrl("http://169.254.169.254/latest", *loop).ok());
  EXPECT_TRUE(CheckEndpointUrl("http://127.0.0.1:9/hook", *loop).ok());
  EXPECT_TRUE(CheckEndpointUrl("https://93.184.216.34/hook", *none).ok());
}

// The URL length limit (2048 characters, docs/webhooks.md) at limit - 1, limit and limit + 1.
TEST(Catalog, EndpointUrlLengthLimitIsInclusive) {
  auto none = outbound::EgressPolicy::Parse("");
  ASSERT_TRUE(none.ok());
  const std::string prefix = "https://93.184.216.34/";
  auto url_of = [&](size_t length) { return prefix + std::string(length - prefix.size(), 'a'); };
  EXPECT_TRUE(CheckEndpointUrl(url_of(2047), *none).ok());
  EXPECT_TRUE(CheckEndpointUrl(url_of(2048), *none).ok());
  Status over = CheckEndpointUrl(url_of(2049), *none);
  EXPECT_EQ(over.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(over.message(), "url is longer than 2048 characters");
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("goldset-webhooks-test-" + std::to_string(NowMillis()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto db = store::OpenSqlite((dir_ / "t.db").string());
    ASSERT_TRUE(db.ok());
    db_ = *db;
    ASSERT_TRUE(store::ApplyMigrations(*db_).ok());
    store::TenancyStore tenancy(db_);
    auto ws = tenancy.CreateOrganization("org", "ws");
    ASSERT_TRUE(ws.ok());
    ws_ = ws->id;
    auto other = tenancy.CreateOrganization("org2", "ws2");
    ASSERT_TRUE(other.ok());
    other_ws_ = other->id;
    store_ = std::make_unique<WebhookStore>(db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string AddEndpoint(const std::string& ws, std::vector<std::string> events, const std::string& status = "enabled",
                          const std::string& url = "http://127.0.0.1:9/hook") {
    Endpoint e;
    e.id = "wh_" + std::to_string(++n_);
    e.workspace_id = ws;
    e.url = url;
    e.name = "e";
    e.status = status;
    e.enabled_events = std::move(events);
    e.api_version = kApiVersion;
    e.signing_secret = NewSigningSecret();
    e.created_at = e.updated_at = NowMillis();
    EXPECT_TRUE(store_->CreateEndpoint(e).ok());
    return e.id;
  }

  Status Enqueue(const std::string& ws, const std::string& type, const std::string& resource) {
    return db_->InTransaction(true, [&](store::Connection& tx) {
      return EnqueueEvent(tx, ws, type, json::object{{"object", "extract_run"}, {"id", "exr_1"}}, resource);
    });
  }

  std::vector<std::string> DeliveredTo(const std::string& type) {
    auto rows = db_->Acquire()->Query(
        "SELECT d.endpoint_id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
        "WHERE e.event_type = ? ORDER BY d.endpoint_id",
        {type});
    std::vector<std::string> out;
    if (rows.ok())
      for (const auto& r : *rows) out.push_back(r.Text(0));
    return out;
  }

  int64_t Count(const std::string& table) { return *store::QueryInt(*db_->Acquire(), "SELECT COUNT(*) FROM " + table); }

  std::filesystem::path dir_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<WebhookStore> store_;
  std::string ws_, other_ws_;
  int n_ = 0;
};

TEST_F(OutboxTest, GlobalEventsSubscriptionsStatusAndWorkspace) {
  std::string global = AddEndpoint(ws_, {"extract_run.processed"});
  std::string other_events = AddEndpoint(ws_, {"extract_run.failed"});
  std::string subscribed = AddEndpoint(ws_, {});
  std::string disabled = AddEndpoint(ws_, {"extract_run.processed"}, "disabled");
  std::string foreign = AddEndpoint(other_ws_, {"extract_run.processed"});
  Subscription s;
  s.id = "whes_1";
  s.workspace_id = ws_;
  s.webhook_endpoint_id = subscribed;
  s.resource_type = "extractor";
  s.resource_id = "ex_A";
  auto sub = store_->UpsertSubscription(s, [](const Endpoint&) {
    return StatusOr<std::vector<std::string>>(std::vector<std::string>{"extract_run.processed"});
  });
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();

  ASSERT_TRUE(Enqueue(ws_, "extract_run.processed", "ex_A").ok());
  EXPECT_EQ(DeliveredTo("extract_run.processed"), (std::vector<std::string>{global, subscribed}));
  EXPECT_EQ(Count("webhook_events"), 1);

  // Another resource: the subscription does not match.
  ASSERT_TRUE(Enqueue(ws_, "extract_run.processed", "ex_B").ok());
  EXPECT_EQ(Count("webhook_deliveries"), 3);
  // No endpoint wants it: nothing is written.
  ASSERT_TRUE(Enqueue(ws_, "classify_run.processed", "cl_A").ok());
  EXPECT_EQ(Count("webhook_events"), 2);
  (void)other_events;
  (void)disabled;
  (void)foreign;
}

TEST_F(OutboxTest, RolledBackTransactionLeavesNoEvent) {
  AddEndpoint(ws_, {"extract_run.processed"});
  Status st = db_->InTransaction(true, [&](store::Connection& tx) -> Status {
    GOLDSET_RETURN_IF_ERROR(EnqueueEvent(tx, ws_, "extract_run.processed", json::object{}, "ex_A"));
    return Status::Internal("the state change failed");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Count("webhook_events"), 0);
  EXPECT_EQ(Count("webhook_deliveries"), 0);
}

TEST_F(OutboxTest, SubscriptionUpsertKeepsOneRowPerEndpointAndResource) {
  std::string ep = AddEndpoint(ws_, {});
  Subscription s;
  s.workspace_id = ws_;
  s.webhook_endpoint_id = ep;
  s.resource_type = "extractor";
  s.resource_id = "ex_A";
  s.id = "whes_a";
  auto first = store_->UpsertSubscription(s, [](const Endpoint&) {
    return StatusOr<std::vector<std::string>>(std::vector<std::string>{"extract_run.processed"});
  });
  s.id = "whes_b";
  auto second = store_->UpsertSubscription(s, [](const Endpoint&) {
    return StatusOr<std::vector<std::string>>(std::vector<std::string>{"extract_run.failed"});
  });
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(second->id, "whes_a");
  EXPECT_EQ(second->enabled_events, std::vector<std::string>{"extract_run.failed"});
  EXPECT_EQ(Count("webhook_subscriptions"), 1);
  // Another workspace cannot attach to the endpoint.
  s.workspace_id = other_ws_;
  s.id = "whes_c";
  auto foreign = store_->UpsertSubscription(s, [](const Endpoint&) {
    return StatusOr<std::vector<std::string>>(std::vector<std::string>{"extract_run.failed"});
  });
  EXPECT_EQ(foreign.status().code(), Status::Code::kNotFound);
}

TEST_F(OutboxTest, FailedAttemptIsRecordedRetriedThenGivenUpAndEndpointDisabled) {
  // 10.255.255.1 is refused by the empty egress policy, so no packet leaves the host.
  std::string ep = AddEndpoint(ws_, {"extract_run.processed"}, "enabled", "http://10.255.255.1/hook");
  ASSERT_TRUE(Enqueue(ws_, "extract_run.processed", "").ok());
  DispatcherOptions opts;
  opts.retry.base_delay_ms = 1;
  opts.retry.max_delay_ms = 1;
  opts.retry.max_attempts = 3;
  opts.disable_after_ms = 3'600'000;
  WebhookDispatcher d(db_, outbound::EgressPolicy(), opts);
  int total = 0;
  for (int i = 0; i < 50 && total < 3; ++i) {
    auto n = d.RunOnce();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    total += *n;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(total, 3);
  store::PageRequest page;
  page.sort_column = "created_at";
  auto deliveries = store_->ListDeliveries(ws_, ep, page);
  ASSERT_TRUE(deliveries.ok());
  ASSERT_EQ(deliveries->items.size(), 1u);
  const Delivery& del = deliveries->items[0];
  EXPECT_EQ(del.status, model::DeliveryStatus::kFailed);
  EXPECT_EQ(del.attempt_count, 3);
  ASSERT_EQ(del.attempts.size(), 3u);
  EXPECT_NE(del.attempts[0].error->find("not allowed"), std::string::npos);
  EXPECT_FALSE(del.attempts[0].status_code.has_value());
  // A failed delivery is never claimed again.
  EXPECT_EQ(*d.RunOnce(), 0);
  auto e = store_->GetEndpoint(ws_, ep);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->status, "enabled");  // an hour has not passed
  EXPECT_TRUE(e->failing_since.has_value());

  // With a zero window the next failure disables the endpoint, with a reason.
  ASSERT_TRUE(Enqueue(ws_, "extract_run.processed", "").ok());
  opts.disable_after_ms = 0;
  WebhookDispatcher quick(db_, outbound::EgressPolicy(), opts);
  EXPECT_EQ(*quick.RunOnce(), 1);
  e = store_->GetEndpoint(ws_, ep);
  EXPECT_EQ(e->status, "disabled");
  ASSERT_TRUE(e->disabled_reason.has_value());
  EXPECT_NE(e->disabled_reason->find("failed"), std::string::npos);
  // Disabled endpoints get no attempts and no new deliveries.
  EXPECT_EQ(*quick.RunOnce(), 0);
  ASSERT_TRUE(Enqueue(ws_, "extract_run.processed", "").ok());
  EXPECT_EQ(Count("webhook_deliveries"), 2);
}

// A batch's deliveries are renewed only until each is recorded: the renewal of a finished
// one finds no claim, and that must not abort (and so resend) another delivery of the
// batch whose POST the receiver already has. Lease 300 ms (renewed every 100 ms); the
// receiver answers the first POST at once and the second after 700 ms.
TEST_F(OutboxTest, SlowDeliveryInABatchIsSentOnceAfterAnotherFinished) {
  std::atomic<int> received{0};
  testing::StubHttpServer rx([&](const testing::StubHttpServer::Request&) {
    return testing::StubHttpServer::Response{200, "ok", received++ == 0 ? 0 : 700};
  });
  std::string ep = AddEndpoint(ws_, {"extract_run.processed"}, "enabled", rx.Url("/hook"));
  ASSERT_TRUE(Enqueue(ws_, "extract_run.processed", "").ok());
  ASSERT_TRUE(Enqueue(ws_, "extract_run.processed", "").ok());
  auto loopback = outbound::EgressPolicy::Parse("127.0.0.1/32");
  ASSERT_TRUE(loopback.ok());
  DispatcherOptions opts;
  opts.batch = 4;
  opts.lease_ms = 300;
  opts.timeout_ms = 10'000;
  WebhookDispatcher d(db_, *loopback, opts);
  auto n = d.RunOnce();  // both claimed in one batch, sent one after the other
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  // Anything released for a retry would be claimable now.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(d.RunOnce().ok());
  EXPECT_EQ(rx.requests().size(), 2u);
  EXPECT_EQ(*store::QueryInt(*db_->Acquire(), "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'"), 2);
  EXPECT_EQ(Count("webhook_attempts"), 2);
  (void)ep;
}

}  // namespace
}  // namespace goldset::webhooks
