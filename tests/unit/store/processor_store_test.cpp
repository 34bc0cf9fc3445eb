// ProcessorStore against a real SQLite file: version numbering, resolution, the
// immutability of published versions, workspace scoping and the in_use_check hook
// that evaluation sets use to block deletion.
#include "store/processor_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/ids.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_database.h"
#include "store/tenancy_store.h"

namespace goldset::store {
namespace {

using model::ProcessorKind;

class ProcessorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("goldset-proc-" + RandomToken(6));
    std::filesystem::create_directories(dir_);
    auto db = OpenSqlite((dir_ / "t.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = *db;
    ASSERT_TRUE(ApplyMigrations(*db_).ok());
    TenancyStore tenancy(db_);
    auto ws = tenancy.CreateOrganization("org", "ws");
    ASSERT_TRUE(ws.ok());
    ws_ = ws->id;
    auto ws2 = tenancy.CreateWorkspace(ws->organization_id, "ws2");
    ASSERT_TRUE(ws2.ok());
    ws2_ = ws2->id;
    store_ = std::make_unique<ProcessorStore>(db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  model::Processor MakeProcessor(ProcessorKind kind, const std::string& config = "{\"a\":1}") {
    model::Processor p;
    p.id = NewId(model::KindInfo(kind).id_prefix);
    p.workspace_id = ws_;
    p.kind = kind;
    p.name = "p";
    p.draft_version_id = NewId(model::KindInfo(kind).version_prefix);
    p.draft_config = config;
    p.created_at = p.updated_at = p.draft_updated_at = 1000;
    EXPECT_TRUE(store_->Create(p).ok());
    return p;
  }

  std::string Publish(const model::Processor& p, ReleaseType r, std::optional<std::string> config = std::nullopt) {
    auto v = store_->Publish(ws_, p.kind, p.id, r, std::nullopt, config, "key", 2000);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->version : "";
  }

  std::filesystem::path dir_;
  std::shared_ptr<Database> db_;
  std::string ws_, ws2_;
  std::unique_ptr<ProcessorStore> store_;
};

TEST_F(ProcessorStoreTest, NumbersVersionsByReleaseType) {
  auto p = MakeProcessor(ProcessorKind::kExtractor);
  EXPECT_EQ(Publish(p, ReleaseType::kMinor), "0.1");
  EXPECT_EQ(Publish(p, ReleaseType::kMinor), "0.2");
  EXPECT_EQ(Publish(p, ReleaseType::kMajor), "1.0");
  EXPECT_EQ(Publish(p, ReleaseType::kMinor), "1.1");
  EXPECT_EQ(Publish(p, ReleaseType::kMajor), "2.0");
  auto q = MakeProcessor(ProcessorKind::kSplitter);
  EXPECT_EQ(Publish(q, ReleaseType::kMajor), "1.0");
}

TEST_F(ProcessorStoreTest, ConcurrentPublishesGetDistinctNumbers) {
  auto p = MakeProcessor(ProcessorKind::kClassifier);
  std::vector<std::thread> threads;
  std::vector<std::string> got(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto v = store_->Publish(ws_, p.kind, p.id, ReleaseType::kMinor, std::nullopt, std::nullopt, "k", 3000);
      got[i] = v.ok() ? v->version : v.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"}));
}

TEST_F(ProcessorStoreTest, ResolvesReferencesAndKeepsPublishedVersionsUnchanged) {
  auto p = MakeProcessor(ProcessorKind::kExtractor, "{\"v\":0}");
  auto latest = store_->ResolveVersion(ws_, p.kind, p.id, "latest", false);
  ASSERT_TRUE(latest.ok());
  EXPECT_TRUE(latest->is_draft);
  EXPECT_EQ(latest->id, p.draft_version_id);
  Publish(p, ReleaseType::kMajor);
  ASSERT_TRUE(store_->Update(ws_, p.kind, p.id, std::nullopt, std::string("{\"v\":1}"), "k", 4000).ok());
  auto v10 = store_->ResolveVersion(ws_, p.kind, p.id, "1.0", false);
  ASSERT_TRUE(v10.ok());
  EXPECT_EQ(v10->config, "{\"v\":0}");
  EXPECT_EQ(store_->ResolveVersion(ws_, p.kind, p.id, "draft", false)->config, "{\"v\":1}");
  EXPECT_EQ(store_->ResolveVersion(ws_, p.kind, p.id, "latest", false)->version, "1.0");
  EXPECT_EQ(store_->ResolveVersion(ws_, p.kind, p.id, v10->id, true)->version, "1.0");
  EXPECT_EQ(store_->ResolveVersion(ws_, p.kind, p.id, p.draft_version_id, true)->version, "draft");
  // Ids only where allowed; malformed references are InvalidArgument without allow_id.
  EXPECT_EQ(store_->ResolveVersion(ws_, p.kind, p.id, v10->id, false).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->ResolveVersion(ws_, p.kind, p.id, "2.0", false).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->ResolveVersion(ws_, p.kind, p.id, "nope", true).status().code(), Status::Code::kNotFound);
  // Scoped by workspace and kind.
  EXPECT_EQ(store_->ResolveVersion(ws2_, p.kind, p.id, "1.0", false).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->Get(ws_, ProcessorKind::kClassifier, p.id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->Find(ws_, p.id)->kind, ProcessorKind::kExtractor);
  EXPECT_EQ(store_->Find(ws2_, p.id).status().code(), Status::Code::kNotFound);
}

TEST_F(ProcessorStoreTest, DeleteConsultsTheInUseHook) {
  auto p = MakeProcessor(ProcessorKind::kExtractor);
  std::string asked;
  store_->in_use_check = [&](Connection& c, const std::string& id) -> StatusOr<bool> {
    asked = id;
    auto n = QueryInt(c, "SELECT COUNT(*) FROM processors WHERE id = ?", {id});  // runs inside the transaction
    if (!n.ok()) return n.status();
    return true;
  };
  Status st = store_->Delete(ws_, p.kind, p.id);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("used by an evaluation set"), std::string::npos);
  EXPECT_EQ(asked, p.id);
  EXPECT_TRUE(store_->Get(ws_, p.kind, p.id).ok());

  store_->in_use_check = [](Connection&, const std::string&) -> StatusOr<bool> {
    return Status::Unavailable("database busy");
  };
  EXPECT_EQ(store_->Delete(ws_, p.kind, p.id).code(), Status::Code::kUnavailable);
  EXPECT_TRUE(store_->Get(ws_, p.kind, p.id).ok());

  store_->in_use_check = [](Connection&, const std::string&) -> StatusOr<bool> { return false; };
  EXPECT_EQ(store_->Delete(ws2_, p.kind, p.id).code(), Status::Code::kNotFound);
  EXPECT_TRUE(store_->Delete(ws_, p.kind, p.id).ok());
  EXPECT_EQ(store_->Get(ws_, p.kind, p.id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->Find(ws_, p.id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->Delete(ws_, p.kind, p.id).code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace goldset::store
