// EvaluationStore on both backends. Set versions and item history: every change of a set's
// items makes one version and one revision per changed item; contentHash is the documented
// canonical multiset hash (the same literals on SQLite and PostgreSQL, maintained per change
// equal to computed from scratch); runs record the version they ran on. Listing: pages walk the
// set in every order, and only the set's workspace sees them.
#include "store/set_history.h"

#include <algorithm>
#include <utility>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "store/evaluation_store.h"
#include "store/run_store.h"
#include "test_database.h"

namespace goldset::store {
namespace {

// The value, or `otherwise` when the call failed.
template <typename T, typename U>
T Or(StatusOr<T> v, U otherwise) {
  return v.ok() ? *v : T(otherwise);
}

class EvaluationStoreTest : public testing::SeededBackendTest {
 protected:
  void SetUp() override {
    SeededBackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    auto c = db->Acquire();
    ASSERT_TRUE(
        c->Exec("INSERT INTO workspaces (id, organization_id, name, created_at) VALUES ('ws_2', 'org_1', 'w', 0)")
            .ok());
    for (const char* f : {"file_a", "file_b", "file_c"})
      ASSERT_TRUE(
          c->Exec("INSERT INTO files (id, workspace_id, name, mime_type, content_sha256, size_bytes, created_at, "
                  "updated_at) VALUES (?, 'ws_1', 'f.txt', 'text/plain', 'x', 1, 0, 0)",
                  {std::string(f)})
              .ok());
  }

  static EvaluationItemRecord Item(const std::string& id, std::optional<std::string> file_id,
                                   std::vector<std::string> file_ids, const std::string& expected) {
    EvaluationItemRecord it;
    it.id = id;
    it.workspace_id = "ws_1";
    it.set_id = "ev_1";
    it.file_id = std::move(file_id);
    it.file_ids = std::move(file_ids);
    it.expected_output = expected;
    it.created_by = "key one";
    it.created_at = it.updated_at = 1000;
    return it;
  }
};

TEST_P(EvaluationStoreTest, VersionsRevisionsAndContentHash) {
  EvaluationStore sets(db);
  auto fresh = sets.GetSet("ws_1", "ev_1");
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(fresh->version, 0);
  // No items yet: SHA-256 of a zero sum (256 zero bytes).
  EXPECT_EQ(fresh->content_hash, Sha256Hex(std::string(256, '\0')));
  EXPECT_EQ(fresh->content_hash, "5341e6b2646979a70e57653007a1f310169421ec9bdd9f1a5648f75ade005af1");

  // Key order and number spelling differ from the canonical form on purpose.
  ASSERT_TRUE(sets.InsertItems("ev_1", {Item("evi_1", "file_a", {}, R"({"value":{"total":12.50,"name":"Acme"}})"),
                                        Item("evi_2", std::nullopt, {"file_b", "file_c"},
                                             R"({"value":{"total":3.0,"name":"B\n"}})")})
                  .ok());
  auto v1 = sets.GetSet("ws_1", "ev_1");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->version, 1);
  // Computed independently (Python: the sum mod 2^2048 of each canonical item digest's
  // expansion SHA-256(d ":0") … SHA-256(d ":7"), then SHA-256 of the sum's 256 bytes).
  EXPECT_EQ(v1->content_hash, "1b2667daea7dae27d2a67099d0ef3ef0dcec85f2894119d394fdbe1af82d3cc8");

  RevisionCause update{"update", std::nullopt, "api_key", "key two"};
  auto rev = sets.UpdateItemExpected("ws_1", "ev_1", "evi_1", R"({"value":{"total":13,"name":"Acme"}})", 2000, update);
  ASSERT_TRUE(rev.ok()) << rev.status().ToString();
  EXPECT_EQ(*rev, 2);
  auto v2 = sets.GetSet("ws_1", "ev_1");
  EXPECT_EQ(v2->version, 2);
  EXPECT_NE(v2->content_hash, v1->content_hash);

  // Writing the first value back restores the first hash: the hash is of content only.
  RevisionCause revert{"revert", std::nullopt, "api_key", "key two"};
  ASSERT_TRUE(
      sets.UpdateItemExpected("ws_1", "ev_1", "evi_1", R"({"value":{"name":"Acme","total":12.5}})", 3000, revert).ok());
  auto v3 = sets.GetSet("ws_1", "ev_1");
  EXPECT_EQ(v3->version, 3);
  EXPECT_EQ(v3->content_hash, v1->content_hash);

  ASSERT_TRUE(sets.DeleteItem("ws_1", "ev_1", "evi_2", {"delete", std::nullopt, "api_key", "key three"}).ok());
  auto v4 = sets.GetSet("ws_1", "ev_1");
  EXPECT_EQ(v4->version, 4);
  // Maintained per change (old digest out, new in): equal to the hash of evi_1 alone.
  EXPECT_EQ(v4->content_hash, "a35376779f3f8485e41fd533cee1f2ab4457ed08ef113839fdae09c5aebb5570");
  {
    auto c = db->Acquire();
    EXPECT_EQ(Or(SetHistory::ComputeContentHash(*c, "ev_1"), std::string()), v4->content_hash);
  }

  // Failed changes make no version: an unknown item, another workspace's set.
  EXPECT_EQ(sets.UpdateItemExpected("ws_1", "ev_1", "evi_nope", "{}", 4000).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(sets.DeleteItem("ws_2", "ev_1", "evi_1").code(), Status::Code::kNotFound);
  EXPECT_EQ(sets.GetSet("ws_1", "ev_1")->version, 4);

  auto c = db->Acquire();
  PageRequest page;
  page.limit = 3;
  auto versions = SetHistory::ListVersions(*c, "ev_1", page);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->items.size(), 3u);
  EXPECT_EQ(versions->items[0].version, 4);
  EXPECT_EQ(versions->items[0].num_deleted, 1);
  EXPECT_EQ(versions->items[0].item_count, 1);
  EXPECT_EQ(versions->items[0].created_by.value_or(""), "key three");
  ASSERT_TRUE(versions->next);
  page.after = versions->next;
  auto rest = SetHistory::ListVersions(*c, "ev_1", page);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].version, 1);
  EXPECT_EQ(rest->items[0].num_created, 2);
  EXPECT_EQ(rest->items[0].content_hash, v1->content_hash);
  EXPECT_FALSE(rest->next);

  PageRequest all;
  all.limit = 10;
  all.descending = false;
  auto history = SetHistory::ListRevisions(*c, "ev_1", "evi_1", all);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->items.size(), 3u);
  EXPECT_EQ(history->items[0].cause.reason, "create");
  EXPECT_EQ(history->items[0].set_version, 1);
  EXPECT_EQ(history->items[1].cause.reason, "update");
  EXPECT_EQ(history->items[1].cause.actor_name.value_or(""), "key two");
  EXPECT_EQ(history->items[2].cause.reason, "revert");
  EXPECT_EQ(history->items[2].revision, 3);
  auto deleted = SetHistory::ListRevisions(*c, "ev_1", "evi_2", all);
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->items.size(), 2u);
  EXPECT_EQ(deleted->items[1].cause.reason, "delete");
  EXPECT_FALSE(deleted->items[1].expected_output.has_value());
  EXPECT_EQ(deleted->items[0].file_ids, R"(["file_b","file_c"])");
  auto r2 = SetHistory::GetRevision(*c, "ev_1", "evi_1", 2);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(*r2->expected_output, R"({"value":{"total":13,"name":"Acme"}})");
  EXPECT_EQ(SetHistory::GetRevision(*c, "ev_1", "evi_1", 9).status().code(), Status::Code::kNotFound);
}

TEST_P(EvaluationStoreTest, RunRecordsTheVersionItSnapshots) {
  EvaluationStore sets(db);
  ASSERT_TRUE(sets.InsertItems("ev_1", {Item("evi_1", "file_a", {}, R"({"value":{}})")}).ok());
  RunStore runs(db);
  RunRecord run;
  run.id = "bpr_1";
  run.workspace_id = "ws_1";
  run.set_id = "ev_1";
  run.entity_kind = "extractor";
  run.entity_json = run.entity_version_json = run.config = run.options = "{}";
  run.manifest = R"({"scoringVersion":1})";
  run.status = model::RunStatus::kPending;
  run.created_at = run.updated_at = 5;
  ASSERT_TRUE(runs.CreateRun(&run, {}).ok());
  auto stored = runs.GetRun("ws_1", "bpr_1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->set_version.value_or(-1), 1);
  auto hash = sets.GetSet("ws_1", "ev_1")->content_hash;
  EXPECT_EQ(*stored->manifest, R"({"scoringVersion":1,"evaluationSetVersion":1,"contentHash":")" + hash + "\"}");
}

TEST_P(EvaluationStoreTest, ItemPagesWalkTheSetInEveryOrderAndOnlyInItsWorkspace) {
  EvaluationStore sets(db);
  std::vector<EvaluationItemRecord> items;
  for (int i = 0; i < 7; ++i) {
    auto it = Item("evi_" + std::to_string(i), "file_a", {}, R"({"value":{}})");
    it.created_at = 1000 + (i * 5) % 7;
    it.updated_at = 2000 - (i % 3);  // ties in updated_at, broken by id
    items.push_back(it);
  }
  ASSERT_TRUE(sets.InsertItems("ev_1", items).ok());

  for (const char* column : {"created_at", "updated_at"}) {
    for (bool descending : {false, true}) {
      std::vector<EvaluationItemRecord> want = items;
      auto key = [&](const EvaluationItemRecord& it) {
        return std::make_pair(std::string(column) == "created_at" ? it.created_at : it.updated_at, it.id);
      };
      std::sort(want.begin(), want.end(),
                [&](const auto& x, const auto& y) { return descending ? key(x) > key(y) : key(x) < key(y); });
      PageRequest req;
      req.sort_column = column;
      req.descending = descending;
      req.limit = 3;
      std::vector<std::string> walked;
      for (int pages = 0; pages < 4; ++pages) {
        auto page = sets.ListItems("ws_1", "ev_1", req);
        ASSERT_TRUE(page.ok()) << page.status().ToString();
        for (const auto& it : page->items) walked.push_back(it.id);
        if (!page->next) break;
        EXPECT_EQ(page->next->id, walked.back());
        req.after = page->next;
      }
      std::vector<std::string> want_ids;
      for (const auto& it : want) want_ids.push_back(it.id);
      EXPECT_EQ(walked, want_ids) << column << (descending ? " desc" : " asc");
    }
  }

  // Another workspace's set, or none, is NotFound; an empty set, or a page past its end, is empty.
  EXPECT_EQ(sets.ListItems("ws_2", "ev_1", {}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(sets.ListItems("ws_1", "ev_none", {}).status().code(), Status::Code::kNotFound);
  PageRequest past;
  past.after = Cursor{0, ""};
  auto end = sets.ListItems("ws_1", "ev_1", past);
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->items.empty());
  EXPECT_FALSE(end->next.has_value());
  ASSERT_TRUE(db->Acquire()
                  ->Exec("INSERT INTO evaluation_sets (id, workspace_id, name, description, entity_id, entity_kind, "
                         "created_at, updated_at) VALUES ('ev_2', 'ws_1', 's', '', 'ex_1', 'extractor', 0, 0)")
                  .ok());
  auto empty = sets.ListItems("ws_1", "ev_2", {});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->items.empty());
}

GOLDSET_BACKENDS(EvaluationStoreTest);

}  // namespace
}  // namespace goldset::store
