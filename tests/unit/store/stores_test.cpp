// TenancyStore and FileStore on both backends, with keyset paging over many rows.
#include <algorithm>
#include <atomic>
#include <future>
#include <set>
#include <vector>

#include "common/ids.h"
#include "store/blob_store.h"
#include "store/analysis_store.h"
#include "store/comparison_store.h"
#include "store/file_store.h"
#include "store/tenancy_store.h"
#include "test_database.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

class StoresTest : public BackendTest {
 protected:
  model::File NewFile(const std::string& ws, const std::string& name, int64_t created, int64_t updated) {
    model::File f;
    f.id = NewId("file_");
    f.workspace_id = ws;
    f.name = name;
    f.mime_type = "application/pdf";
    f.content_sha256 = std::string(64, 'a');
    f.size_bytes = 10;
    f.created_at = created;
    f.updated_at = updated;
    return f;
  }
};

TEST_P(StoresTest, Tenancy) {
  TenancyStore t(db);
  auto ws = t.CreateOrganization("Org", "Main");
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  auto ws2 = t.CreateWorkspace(ws->organization_id, "Second");
  ASSERT_TRUE(ws2.ok());
  EXPECT_EQ(t.GetWorkspace(ws2->id)->name, "Second");
  EXPECT_EQ(t.GetWorkspace("ws_nope").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(t.CreateWorkspace("org_missing", "x").status().code(), Status::Code::kInvalidArgument);  // FK
  EXPECT_EQ(t.ListWorkspaces()->size(), 2u);

  model::ApiKey k;
  auto plain = t.CreateKey(ws->organization_id, ws->id, "ci", &k);
  ASSERT_TRUE(plain.ok());
  auto org_key = t.CreateKey(ws->organization_id, "", "org", nullptr);
  ASSERT_TRUE(org_key.ok());
  auto found = t.FindActiveKey(*plain);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, k.id);
  EXPECT_EQ(*found->workspace_id, ws->id);
  EXPECT_FALSE(t.FindActiveKey(*org_key)->workspace_id.has_value());
  EXPECT_EQ(t.ListKeys()->size(), 2u);
  ASSERT_TRUE(t.RevokeKey(k.id).ok());
  EXPECT_EQ(t.RevokeKey(k.id).code(), Status::Code::kNotFound);
  EXPECT_EQ(t.FindActiveKey(*plain).status().code(), Status::Code::kNotFound);
}

TEST_P(StoresTest, SettingCreatedOnceUnderConcurrency) {
  TenancyStore t(db);
  std::vector<std::future<StatusOr<std::string>>> racers;
  for (int i = 0; i < 8; ++i)
    racers.push_back(
        std::async(std::launch::async, [&t, i] { return t.GetOrCreateSetting("secret", "v" + std::to_string(i)); }));
  std::set<std::string> values;
  for (auto& r : racers) {
    auto v = r.get();
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    values.insert(*v);
  }
  EXPECT_EQ(values.size(), 1u);  // everyone got the winner's value
  EXPECT_EQ(*t.GetOrCreateSetting("secret", "later"), *values.begin());
}

TEST_P(StoresTest, FilesAreScopedByWorkspace) {
  TenancyStore t(db);
  FileStore files(db);
  auto a = t.CreateOrganization("A", "A");
  auto b = t.CreateOrganization("B", "B");
  model::File f = NewFile(a->id, "invoice.pdf", 1, 1);
  f.page_count = 3;
  f.created_by = "ci";
  ASSERT_TRUE(files.Insert(f).ok());
  auto got = files.Get(a->id, f.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "invoice.pdf");
  EXPECT_EQ(*got->page_count, 3);
  EXPECT_EQ(*got->created_by, "ci");
  EXPECT_FALSE(got->type.has_value());
  EXPECT_EQ(files.Get(b->id, f.id).status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(files.List(b->id, "", {})->items.empty());
  EXPECT_EQ(files.Insert(f).code(), Status::Code::kInvalidArgument);  // duplicate id

  model::File same_bytes = NewFile(a->id, "copy.pdf", 2, 2);
  ASSERT_TRUE(files.Insert(same_bytes).ok());
  std::vector<std::string> dropped;
  auto drop = [&](const std::string& sha) {
    dropped.push_back(sha);
    return Status::OK();
  };
  EXPECT_EQ(files.Delete(b->id, f.id, nullptr, drop).code(), Status::Code::kNotFound);
  ASSERT_TRUE(files.Delete(a->id, f.id, nullptr, drop).ok());
  EXPECT_TRUE(dropped.empty()) << "the bytes are still used by copy.pdf";
  // A check that refuses leaves the file as it was.
  EXPECT_EQ(files
                .Delete(
                    a->id, same_bytes.id, [](Connection&) { return Status::InvalidArgument("in use"); }, drop)
                .code(),
            Status::Code::kInvalidArgument);
  EXPECT_TRUE(files.Get(a->id, same_bytes.id).ok());
  EXPECT_TRUE(dropped.empty());
  // The bytes go after the deletion committed; failing to drop them does not undo it
  // (unreferenced bytes are left behind, never a file without bytes).
  EXPECT_TRUE(
      files.Delete(a->id, same_bytes.id, nullptr, [](const std::string&) { return Status::Internal("disk gone"); })
          .ok());
  EXPECT_EQ(files.Get(a->id, same_bytes.id).status().code(), Status::Code::kNotFound);
  model::File again = NewFile(a->id, "again.pdf", 2, 2);
  ASSERT_TRUE(files.Insert(again).ok());
  ASSERT_TRUE(files.Delete(a->id, again.id, nullptr, drop).ok());
  EXPECT_EQ(dropped, std::vector<std::string>{again.content_sha256});

  // Bytes stored for a record that failed to insert are dropped only if nothing uses them.
  dropped.clear();
  model::File kept = NewFile(a->id, "kept.pdf", 3, 3);
  ASSERT_TRUE(files.Insert(kept).ok());
  ASSERT_TRUE(files.DropContentIfUnused(kept.content_sha256, drop).ok());
  EXPECT_TRUE(dropped.empty());
  ASSERT_TRUE(files.DropContentIfUnused(std::string(64, 'b'), drop).ok());
  EXPECT_EQ(dropped, std::vector<std::string>{std::string(64, 'b')});
}

// Deleting the last file with some bytes while another file with the same bytes is being
// stored: the new file must never be left without its bytes. Real blob store, real
// concurrency, on both backends (PostgreSQL runs the two transactions at once).
TEST_P(StoresTest, StoringAndDeletingTheSameBytesAtOnceLosesNothing) {
  TenancyStore t(db);
  FileStore files(db);
  auto ws = t.CreateOrganization("A", "A");
  auto blobs =
      OpenLocalBlobStore(env_.dir.empty() ? ::testing::TempDir() + "/blobs-" + NewId("t") : env_.dir + "/blobs");
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  auto store = [&](model::File& f, const std::string& bytes) -> Status {
    auto sha = (*blobs)->Put(bytes);
    if (!sha.ok()) return sha.status();
    f.content_sha256 = *sha;
    return files.Insert(f, [&]() -> Status {
      auto present = (*blobs)->Exists(*sha);
      if (!present.ok()) return present.status();
      return *present ? Status::OK() : (*blobs)->Put(bytes).status();
    });
  };
  for (int i = 0; i < 300; ++i) {
    const std::string bytes = "content " + std::to_string(i);
    model::File old_file = NewFile(ws->id, "old", 1, 1);
    ASSERT_TRUE(store(old_file, bytes).ok());
    model::File new_file = NewFile(ws->id, "new", 2, 2);
    std::atomic<bool> go{false};
    auto deleting = std::async(std::launch::async, [&] {
      while (!go.load()) {
      }
      return files.Delete(ws->id, old_file.id, nullptr, [&](const std::string& sha) { return (*blobs)->Delete(sha); });
    });
    go = true;
    Status stored = store(new_file, bytes);
    ASSERT_TRUE(deleting.get().ok());
    ASSERT_TRUE(stored.ok()) << stored.ToString();
    auto got = (*blobs)->Get(new_file.content_sha256);
    ASSERT_TRUE(got.ok()) << "round " << i << ": " << got.status().ToString();
    EXPECT_EQ(*got, bytes);
  }
}

TEST_P(StoresTest, NameFilterTreatsLikeWildcardsLiterally) {
  TenancyStore t(db);
  FileStore files(db);
  auto ws = t.CreateOrganization("A", "A");
  for (const char* n : {"a%b.pdf", "a_b.pdf", "axb.pdf", "a\\b.pdf", "AXB-upper.pdf"})
    ASSERT_TRUE(files.Insert(NewFile(ws->id, n, 1, 1)).ok());
  auto names = [&](const std::string& q) {
    std::set<std::string> out;
    auto listed = files.List(ws->id, q, {.limit = 50});
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    for (const auto& f : listed->items) out.insert(f.name);
    return out;
  };
  EXPECT_EQ(names("%"), std::set<std::string>{"a%b.pdf"});
  EXPECT_EQ(names("_"), std::set<std::string>{"a_b.pdf"});
  EXPECT_EQ(names("\\"), std::set<std::string>{"a\\b.pdf"});
  EXPECT_EQ(names("axb"), (std::set<std::string>{"axb.pdf", "AXB-upper.pdf"}));  // case-insensitive
}

// Pages through 60 rows (many sharing a sort value) in each of the four orders, inserting
// rows between pages: the original rows come back exactly once each, in order.
TEST_P(StoresTest, KeysetPagingAllOrdersWithConcurrentInserts) {
  TenancyStore t(db);
  FileStore files(db);
  auto ws = t.CreateOrganization("A", "A");
  std::set<std::string> originals;
  for (int i = 0; i < 60; ++i) {
    model::File f = NewFile(ws->id, "f" + std::to_string(i), 1000 + i / 3, 9000 - i / 4);  // ties
    ASSERT_TRUE(files.Insert(f).ok());
    originals.insert(f.id);
  }
  int inserted = 0;
  for (std::string column : {"created_at", "updated_at"}) {
    for (bool descending : {false, true}) {
      SCOPED_TRACE(column + (descending ? " desc" : " asc"));
      // The reference order: one unpaged read before any insert of this round.
      PageRequest all{column, descending, std::nullopt, 1000};
      std::vector<std::string> expected;
      auto listed = files.List(ws->id, "", all);
      ASSERT_TRUE(listed.ok()) << listed.status().ToString();
      for (const auto& f : listed->items)
        if (originals.count(f.id)) expected.push_back(f.id);
      ASSERT_EQ(expected.size(), originals.size());

      std::vector<std::string> seen;
      std::set<std::string> seen_set;
      PageRequest page{column, descending, std::nullopt, 7};
      int64_t last_sort = descending ? INT64_MAX : INT64_MIN;
      for (int pages = 0; pages < 100; ++pages) {
        auto p = files.List(ws->id, "", page);
        ASSERT_TRUE(p.ok()) << p.status().ToString();
        for (const auto& f : p->items) {
          EXPECT_TRUE(seen_set.insert(f.id).second) << "duplicate " << f.id;
          int64_t sort = column == "created_at" ? f.created_at : f.updated_at;
          EXPECT_TRUE(descending ? sort <= last_sort : sort >= last_sort);
          last_sort = sort;
          if (originals.count(f.id)) seen.push_back(f.id);
        }
        if (!p->next) break;
        page.after = p->next;
        // New rows at both ends and in the middle of the range while the client pages.
        for (int64_t v : {int64_t{500}, int64_t{1010}, int64_t{9995}}) {
          ASSERT_TRUE(files.Insert(NewFile(ws->id, "new" + std::to_string(inserted++), v, v)).ok());
        }
      }
      EXPECT_EQ(seen, expected);
    }
  }
}

// Stored comparisons: at most max_per_pair parameter sets per (run, baseline); the same
// key is stored once; other pairs and workspaces have their own.
TEST_P(StoresTest, ComparisonsBoundedPerRunPair) {
  ComparisonStore c(db);
  auto key = [](std::string params, std::string run = "bpr_a", std::string ws = "ws_1") {
    return ComparisonKey{ws, run, "bpr_b", std::move(params)};
  };
  const int64_t kMax = 3;
  EXPECT_TRUE(*c.Put(key("p1"), "{1}", 1, kMax));
  EXPECT_FALSE(*c.Put(key("p1"), "{other}", 2, kMax));  // already stored: unchanged
  EXPECT_TRUE(*c.Put(key("p2"), "{2}", 3, kMax));       // limit - 1 stored before
  EXPECT_TRUE(*c.Put(key("p3"), "{3}", 4, kMax));       // reaches the limit
  EXPECT_FALSE(*c.Put(key("p4"), "{4}", 5, kMax));      // over it: not stored
  EXPECT_EQ(**c.Get(key("p1")), "{1}");
  EXPECT_EQ(**c.Get(key("p3")), "{3}");
  EXPECT_FALSE(c.Get(key("p4"))->has_value());
  EXPECT_TRUE(*c.Put(key("p4", "bpr_c"), "{c}", 6, kMax));       // another pair
  EXPECT_FALSE(c.Get(key("p1", "bpr_a", "ws_2"))->has_value());  // another workspace sees nothing
  EXPECT_FALSE(*c.Put(key("p9", "bpr_d"), "{d}", 7, 0));         // 0: never stored
}

// Stored analyses (their own table, migration 700): the one stored at finish through the
// finishing transaction, then at most max_per_run parameter sets per run, that one
// included; the same key stored once; other runs and workspaces apart.
TEST_P(StoresTest, AnalysesStoredAtFinishThenBoundedPerRun) {
  AnalysisStore a(db);
  auto key = [](std::string params, std::string run = "bpr_a", std::string ws = "ws_1") {
    return AnalysisKey{ws, run, std::move(params)};
  };
  ASSERT_TRUE(db->InTransaction(true, [&](Connection& c) {
                  return AnalysisStore::PutAtFinish(c, key("default"), "{d}", 1);
                }).ok());
  ASSERT_TRUE(db->InTransaction(true,
                                [&](Connection& c) {  // a second finish changes nothing
                                  return AnalysisStore::PutAtFinish(c, key("default"), "{other}", 2);
                                })
                  .ok());
  EXPECT_EQ(**a.Get(key("default")), "{d}");
  const int64_t kMax = 3;
  EXPECT_FALSE(*a.Put(key("default"), "{x}", 3, kMax));  // already stored: unchanged
  EXPECT_TRUE(*a.Put(key("p2"), "{2}", 4, kMax));        // limit - 1 stored before
  EXPECT_TRUE(*a.Put(key("p3"), "{3}", 5, kMax));        // reaches the limit
  EXPECT_FALSE(*a.Put(key("p4"), "{4}", 6, kMax));       // over it: not stored
  EXPECT_EQ(**a.Get(key("default")), "{d}");
  EXPECT_EQ(**a.Get(key("p3")), "{3}");
  EXPECT_FALSE(a.Get(key("p4"))->has_value());
  EXPECT_TRUE(*a.Put(key("p4", "bpr_c"), "{c}", 7, kMax));            // another run
  EXPECT_FALSE(a.Get(key("default", "bpr_a", "ws_2"))->has_value());  // another workspace sees nothing
  EXPECT_FALSE(*a.Put(key("p9", "bpr_d"), "{d}", 8, 0));              // 0: never stored on request
  // Not in the comparisons' table.
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM run_comparisons"), 0);
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM run_analyses"), 4);
}

GOLDSET_BACKENDS(StoresTest);

}  // namespace
}  // namespace goldset::store
