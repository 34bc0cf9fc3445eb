// KeyUsage: a key used many times a minute is written once a minute, in one batch with
// the other keys, and what is pending is written when the flusher stops.
#include "api/key_usage.h"

#include <gtest/gtest.h>

#include "store/tenancy_store.h"
#include "test_database.h"

namespace goldset::api {
namespace {

class KeyUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(env_.Open(store::Backend::kSqlite, &why)) << why;
    tenancy_ = std::make_unique<store::TenancyStore>(env_.db);
    keys_ = std::make_unique<store::ApiKeyStore>(env_.db);
    auto ws = tenancy_->CreateOrganization("Org", "A");
    ASSERT_TRUE(ws.ok());
    ws_ = *ws;
    ASSERT_TRUE(tenancy_->CreateKey(ws_.organization_id, ws_.id, "a", &a_).ok());
    ASSERT_TRUE(tenancy_->CreateKey(ws_.organization_id, ws_.id, "b", &b_).ok());
  }
  std::optional<int64_t> LastUsed(const model::ApiKey& k) { return keys_->Get(ws_.id, k.id)->last_used_at; }

  store::testing::TestDatabase env_;
  std::unique_ptr<store::TenancyStore> tenancy_;
  std::unique_ptr<store::ApiKeyStore> keys_;
  model::Workspace ws_;
  model::ApiKey a_, b_;
};

TEST_F(KeyUsageTest, AtMostOneWritePerKeyPerInterval) {
  KeyUsage usage(keys_.get(), /*interval_ms=*/60000);
  const int64_t t0 = 1'700'000'000'000;
  for (int i = 0; i < 1000; ++i) usage.Touch(a_.id, t0 + i);
  usage.Touch(b_.id, t0 + 5);
  EXPECT_EQ(usage.pending(), 2u);  // one per key, not one per request
  ASSERT_TRUE(usage.Flush().ok());
  EXPECT_EQ(usage.pending(), 0u);
  EXPECT_EQ(LastUsed(a_), t0);
  EXPECT_EQ(LastUsed(b_), t0 + 5);
  usage.Touch(a_.id, t0 + 59999);  // still inside the minute: nothing to write
  EXPECT_EQ(usage.pending(), 0u);
  usage.Touch(a_.id, t0 + 60000);
  EXPECT_EQ(usage.pending(), 1u);
  ASSERT_TRUE(usage.Flush().ok());
  EXPECT_EQ(LastUsed(a_), t0 + 60000);
  EXPECT_EQ(LastUsed(b_), t0 + 5);
}

TEST_F(KeyUsageTest, MarksAreBoundedAndForgettingOnlyCostsAnEarlyWrite) {
  KeyUsage usage(keys_.get(), 60000, /*max_keys=*/2);
  usage.Touch("key_x", 1);
  usage.Touch("key_y", 1);
  usage.Touch(a_.id, 1);  // over the bound: earlier marks are forgotten
  usage.Touch("key_x", 2);
  EXPECT_EQ(usage.pending(), 4u);
  ASSERT_TRUE(usage.Flush().ok());  // unknown ids update nothing
  EXPECT_EQ(LastUsed(a_), 1);
}

TEST_F(KeyUsageTest, StopWritesWhatIsPending) {
  KeyUsage usage(keys_.get());
  usage.Start(/*flush_ms=*/3600000);  // the periodic flush never comes in this test
  usage.Touch(a_.id, 42);
  usage.Stop();
  EXPECT_EQ(LastUsed(a_), 42);
  EXPECT_EQ(usage.pending(), 0u);
}

}  // namespace
}  // namespace goldset::api
