// ApiKeyStore on both backends: a workspace's keys only, paging by creation, revocation
// scoped to the workspace, and last-use times that only move forward.
#include <set>

#include "store/api_key_store.h"
#include "store/tenancy_store.h"
#include "test_database.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

class ApiKeyStoreTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!db) return;
    tenancy = std::make_unique<TenancyStore>(db);
    keys = std::make_unique<ApiKeyStore>(db);
    auto a = tenancy->CreateOrganization("Org", "A");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ws_a = *a;
    auto b = tenancy->CreateWorkspace(ws_a.organization_id, "B");
    ASSERT_TRUE(b.ok());
    ws_b = *b;
  }
  model::ApiKey Create(const model::Workspace& ws, const std::string& name, bool admin = false) {
    model::ApiKey k;
    auto plain = tenancy->CreateKey(ws.organization_id, ws.id, name, &k, admin, std::string("creator"));
    EXPECT_TRUE(plain.ok()) << plain.status().ToString();
    return k;
  }
  std::unique_ptr<TenancyStore> tenancy;
  std::unique_ptr<ApiKeyStore> keys;
  model::Workspace ws_a, ws_b;
};

TEST_P(ApiKeyStoreTest, ListsTheWorkspaceKeysOnlyAndPagesByCreation) {
  std::set<std::string> mine;
  for (int i = 0; i < 7; ++i) mine.insert(Create(ws_a, "a" + std::to_string(i), i == 0).id);
  Create(ws_b, "other");
  ASSERT_TRUE(tenancy->CreateKey(ws_a.organization_id, "", "org key", nullptr, true).ok());
  PageRequest page;
  page.limit = 3;
  page.descending = false;
  std::vector<model::ApiKey> seen;
  for (int guard = 0; guard < 10; ++guard) {
    auto p = keys->List(ws_a.id, page);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    seen.insert(seen.end(), p->items.begin(), p->items.end());
    if (!p->next) break;
    page.after = p->next;
  }
  ASSERT_EQ(seen.size(), 7u);  // neither B's key nor the organization key
  std::set<std::string> ids;
  for (size_t i = 0; i < seen.size(); ++i) {
    ids.insert(seen[i].id);
    EXPECT_EQ(seen[i].workspace_id, ws_a.id);
    if (i) {
      EXPECT_LE(seen[i - 1].created_at, seen[i].created_at);
    }
  }
  EXPECT_EQ(ids, mine);
  for (const auto& k : seen) {
    EXPECT_EQ(k.admin, k.name == "a0") << k.name;
    EXPECT_EQ(k.created_by, "creator");
  }
}

TEST_P(ApiKeyStoreTest, AdminFlagReachesAuthentication) {
  model::ApiKey k;
  auto plain = tenancy->CreateKey(ws_a.organization_id, ws_a.id, "admin", &k, /*admin=*/true);
  ASSERT_TRUE(plain.ok());
  auto found = tenancy->FindActiveKey(*plain);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->admin);
  auto plain2 = tenancy->CreateKey(ws_a.organization_id, ws_a.id, "plain", nullptr);
  EXPECT_FALSE(tenancy->FindActiveKey(*plain2)->admin);
  EXPECT_FALSE(tenancy->FindActiveKey(*plain2)->created_by.has_value());
}

// Rows written before migration 500 (no admin value) read as non-admin keys.
TEST_P(ApiKeyStoreTest, KeysFromBeforeTheMigrationAreNotAdmins) {
  ASSERT_TRUE(db->InTransaction(true, [&](Connection& c) {
                  return c.Exec(
                      "INSERT INTO api_keys (id, key_hash, name, organization_id, workspace_id, created_at) "
                      "VALUES ('key_old', 'h', 'old', ?, ?, 1)",
                      {ws_a.organization_id, ws_a.id});
                }).ok());
  auto k = keys->Get(ws_a.id, "key_old");
  ASSERT_TRUE(k.ok());
  EXPECT_FALSE(k->admin);
  EXPECT_FALSE(k->last_used_at.has_value());
}

TEST_P(ApiKeyStoreTest, RevokeIsScopedToTheWorkspace) {
  model::ApiKey a = Create(ws_a, "a");
  model::ApiKey b = Create(ws_b, "b");
  EXPECT_EQ(keys->Revoke(ws_a.id, b.id, 100).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(keys->Get(ws_a.id, b.id).status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(keys->Get(ws_b.id, b.id)->revoked_at.has_value());
  model::ApiKey org;
  ASSERT_TRUE(tenancy->CreateKey(ws_a.organization_id, "", "org", &org).ok());
  EXPECT_EQ(keys->Revoke(ws_a.id, org.id, 100).status().code(), Status::Code::kNotFound);
  auto revoked = keys->Revoke(ws_a.id, a.id, 100);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoked_at, 100);
  // Again: unchanged, still the first revocation time.
  EXPECT_EQ(keys->Revoke(ws_a.id, a.id, 200)->revoked_at, 100);
  EXPECT_EQ(keys->Revoke(ws_a.id, "key_missing", 100).status().code(), Status::Code::kNotFound);
}

TEST_P(ApiKeyStoreTest, LastUseOnlyMovesForward) {
  model::ApiKey a = Create(ws_a, "a");
  model::ApiKey b = Create(ws_b, "b");
  ASSERT_TRUE(keys->RecordUse({{a.id, 5000}, {b.id, 7000}}).ok());
  EXPECT_EQ(keys->Get(ws_a.id, a.id)->last_used_at, 5000);
  EXPECT_EQ(keys->Get(ws_b.id, b.id)->last_used_at, 7000);
  ASSERT_TRUE(keys->RecordUse({{a.id, 4000}}).ok());  // a slower node's older use
  EXPECT_EQ(keys->Get(ws_a.id, a.id)->last_used_at, 5000);
  ASSERT_TRUE(keys->RecordUse({{a.id, 9000}, {"key_gone", 9000}}).ok());
  EXPECT_EQ(keys->Get(ws_a.id, a.id)->last_used_at, 9000);
  ASSERT_TRUE(keys->RecordUse({}).ok());
}

GOLDSET_BACKENDS(ApiKeyStoreTest);

}  // namespace
}  // namespace goldset::store
