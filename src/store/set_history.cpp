#include "store/set_history.h"

#include <algorithm>

#include "common/canonical_json.h"
#include "common/crypto.h"
#include "common/json.h"
#include "common/multiset_hash.h"

namespace goldset::store {

namespace {

constexpr const char* kVersionCols =
    "set_id, version, content_hash, item_count, num_created, num_updated, num_deleted, created_by, created_at";
constexpr const char* kRevisionCols =
    "set_id, item_id, revision, workspace_id, set_version, file_id, file_ids, expected_output, reason, "
    "source_run_id, changed_by_type, changed_by_name, changed_at";

SetVersionRecord VersionFromRow(const Row& r) {
  SetVersionRecord v;
  v.set_id = r.Text(0);
  v.version = r.Int(1);
  v.content_hash = r.Text(2);
  v.item_count = r.Int(3);
  v.num_created = r.Int(4);
  v.num_updated = r.Int(5);
  v.num_deleted = r.Int(6);
  if (!r.IsNull(7)) v.created_by = r.Text(7);
  v.created_at = r.Int(8);
  return v;
}

ItemRevisionRecord RevisionFromRow(const Row& r) {
  ItemRevisionRecord x;
  x.set_id = r.Text(0);
  x.item_id = r.Text(1);
  x.revision = r.Int(2);
  x.workspace_id = r.Text(3);
  x.set_version = r.Int(4);
  if (!r.IsNull(5)) x.file_id = r.Text(5);
  x.file_ids = r.Text(6);
  if (!r.IsNull(7)) x.expected_output = r.Text(7);
  x.cause.reason = r.Text(8);
  if (!r.IsNull(9)) x.cause.source_run_id = r.Text(9);
  x.cause.actor_type = r.Text(10);
  if (!r.IsNull(11)) x.cause.actor_name = r.Text(11);
  x.changed_at = r.Int(12);
  return x;
}

// Keyset paging over an integer key column (version, revision) rather than a timestamp.
void AppendIntKeyset(const PageRequest& page, const char* col, std::string* sql, std::vector<Param>* params) {
  const char* cmp = page.descending ? " < ?" : " > ?";
  if (page.after) {
    *sql += std::string(" AND ") + col + cmp;
    params->push_back(page.after->sort_value);
  }
  *sql += std::string(" ORDER BY ") + col + (page.descending ? " DESC" : " ASC") + " LIMIT ?";
  params->push_back(int64_t{page.limit + 1});
}

}  // namespace

std::string ItemContentDigest(const std::optional<std::string>& file_id, const std::string& file_ids_json,
                              const std::string& expected_output) {
  json::array files;
  if (file_id) files.emplace_back(*file_id);
  if (!file_ids_json.empty()) {
    auto v = ParseJson(file_ids_json);
    if (v.ok() && v->is_array())
      for (const auto& e : v->as_array()) files.push_back(e);
  }
  auto expected = ParseJson(expected_output);
  json::object o{{"fileIds", std::move(files)},
                 {"expectedOutput", expected.ok() ? *expected : json::value(expected_output)}};
  return CanonicalJsonSha256(o);
}

StatusOr<int64_t> SetHistory::BeginChange(Connection& c, const std::string& workspace_id, const std::string& set_id) {
  auto rows =
      c.Query("UPDATE evaluation_sets SET version = version + 1 WHERE workspace_id = ? AND id = ? RETURNING version",
              {workspace_id, set_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Evaluation set " + set_id + " not found");
  return rows->front().Int(0);
}

StatusOr<int64_t> SetHistory::RecordRevision(Connection& c, ItemRevisionRecord rev) {
  auto last =
      QueryInt(c, "SELECT COALESCE(MAX(revision), 0) FROM evaluation_item_revisions WHERE set_id = ? AND item_id = ?",
               {rev.set_id, rev.item_id});
  if (!last.ok()) return last.status();
  rev.revision = *last + 1;
  GOLDSET_RETURN_IF_ERROR(c.Exec(
      std::string("INSERT INTO evaluation_item_revisions (") + kRevisionCols +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {rev.set_id, rev.item_id, rev.revision, rev.workspace_id, rev.set_version, OptText(rev.file_id),
       rev.file_ids.empty() ? Param(Null{}) : Param(rev.file_ids), OptText(rev.expected_output), rev.cause.reason,
       OptText(rev.cause.source_run_id), rev.cause.actor_type, OptText(rev.cause.actor_name), rev.changed_at}));
  return rev.revision;
}

Status SetHistory::RecordFirstRevisions(Connection& c, const std::vector<ItemRevisionRecord>& revs) {
  constexpr size_t kRowsPerStatement = 100;  // 1,300 parameters
  for (size_t i = 0; i < revs.size(); i += kRowsPerStatement) {
    const size_t end = std::min(revs.size(), i + kRowsPerStatement);
    std::string sql = std::string("INSERT INTO evaluation_item_revisions (") + kRevisionCols + ") VALUES ";
    std::vector<Param> params;
    params.reserve((end - i) * 13);
    for (size_t j = i; j < end; ++j) {
      const ItemRevisionRecord& rev = revs[j];
      sql += j == i ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      for (Param p :
           {Param(rev.set_id), Param(rev.item_id), Param(int64_t{1}), Param(rev.workspace_id), Param(rev.set_version),
            OptText(rev.file_id), rev.file_ids.empty() ? Param(Null{}) : Param(rev.file_ids),
            OptText(rev.expected_output), Param(rev.cause.reason), OptText(rev.cause.source_run_id),
            Param(rev.cause.actor_type), OptText(rev.cause.actor_name), Param(rev.changed_at)})
        params.push_back(std::move(p));
    }
    GOLDSET_RETURN_IF_ERROR(c.Exec(sql, params));
  }
  return Status::OK();
}

namespace {

// The multiset sum of every current item's digest.
StatusOr<MultisetHash> ComputeContentSum(Connection& c, const std::string& set_id) {
  // Items written before migration 600 have no stored digest: computed here from their row.
  auto rows = c.Query(
      "SELECT content_digest, file_id, file_ids, CASE WHEN content_digest IS NULL THEN expected_output END "
      "FROM evaluation_set_items WHERE set_id = ?",
      {set_id});
  if (!rows.ok()) return rows.status();
  MultisetHash sum;
  for (const Row& r : *rows) {
    if (!r.IsNull(0)) {
      sum.Add(r.Text(0));
      continue;
    }
    std::optional<std::string> file_id;
    if (!r.IsNull(1)) file_id = r.Text(1);
    sum.Add(ItemContentDigest(file_id, r.Text(2), r.Text(3)));
  }
  return sum;
}

}  // namespace

StatusOr<std::string> SetHistory::ComputeContentHash(Connection& c, const std::string& set_id) {
  auto sum = ComputeContentSum(c, set_id);
  if (!sum.ok()) return sum.status();
  return sum->Digest();
}

StatusOr<std::string> SetHistory::CurrentContentHash(Connection& c, const std::string& set_id, int64_t version) {
  auto rows = c.Query("SELECT content_sum, content_hash FROM evaluation_sets WHERE id = ?", {set_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Evaluation set " + set_id + " not found");
  if (!rows->front().IsNull(0) && !rows->front().IsNull(1)) return rows->front().Text(1);
  auto sum = ComputeContentSum(c, set_id);
  if (!sum.ok()) return sum.status();
  std::string hash = sum->Digest();
  // Once per set: later reads find it stored. A change made meanwhile stored its own.
  GOLDSET_RETURN_IF_ERROR(
      c.Exec("UPDATE evaluation_sets SET content_sum = ?, content_hash = ? "
             "WHERE id = ? AND version = ? AND content_sum IS NULL",
             {sum->Hex(), hash, set_id, version}));
  return hash;
}

Status SetHistory::FinishChange(Connection& c, const std::string& workspace_id, const std::string& set_id,
                                int64_t version, const Counts& counts, const ContentChange& content,
                                const RevisionCause& cause, int64_t now) {
  // The set row is locked by BeginChange: no other change reads or writes the sum meanwhile.
  auto row = c.Query("SELECT content_sum FROM evaluation_sets WHERE id = ?", {set_id});
  if (!row.ok()) return row.status();
  if (row->empty()) return Status::NotFound("Evaluation set " + set_id + " not found");
  StatusOr<MultisetHash> sum = Status::Internal("no stored sum");
  if (!row->front().IsNull(0)) sum = MultisetHash::FromHex(row->front().Text(0));
  if (sum.ok()) {
    for (const std::string& d : content.removed) sum->Remove(d);
    for (const std::string& d : content.added) sum->Add(d);
  } else {
    sum = ComputeContentSum(c, set_id);  // the items as changed: nothing to apply
    if (!sum.ok()) return sum.status();
  }
  const std::string hash = sum->Digest();
  // The item count from the previous version's, when there is one.
  auto previous =
      c.Query("SELECT item_count FROM evaluation_set_versions WHERE set_id = ? AND version = ?", {set_id, version - 1});
  if (!previous.ok()) return previous.status();
  StatusOr<int64_t> n = previous->empty()
                            ? QueryInt(c, "SELECT COUNT(*) FROM evaluation_set_items WHERE set_id = ?", {set_id})
                            : StatusOr<int64_t>(previous->front().Int(0) + counts.created - counts.deleted);
  if (!n.ok()) return n.status();
  GOLDSET_RETURN_IF_ERROR(
      c.Exec("UPDATE evaluation_sets SET content_sum = ?, content_hash = ?, "
             "updated_at = CASE WHEN updated_at < ? THEN ? ELSE updated_at END WHERE id = ?",
             {sum->Hex(), hash, now, now, set_id}));
  return c.Exec(std::string("INSERT INTO evaluation_set_versions (") + kVersionCols +
                    ", workspace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {set_id, version, hash, *n, counts.created, counts.updated, counts.deleted, OptText(cause.actor_name),
                 now, workspace_id});
}

StatusOr<Page<SetVersionRecord>> SetHistory::ListVersions(Connection& c, const std::string& set_id,
                                                          const PageRequest& page) {
  std::string sql = std::string("SELECT ") + kVersionCols + " FROM evaluation_set_versions WHERE set_id = ?";
  std::vector<Param> params{set_id};
  AppendIntKeyset(page, "version", &sql, &params);
  auto rows = c.Query(sql, params);
  if (!rows.ok()) return rows.status();
  Page<SetVersionRecord> out;
  for (const Row& r : *rows) {
    if (static_cast<int>(out.items.size()) == page.limit) {
      out.next = Cursor{out.items.back().version, std::to_string(out.items.back().version)};
      break;
    }
    out.items.push_back(VersionFromRow(r));
  }
  return out;
}

StatusOr<Page<ItemRevisionRecord>> SetHistory::ListRevisions(Connection& c, const std::string& set_id,
                                                             const std::string& item_id, const PageRequest& page) {
  std::string sql =
      std::string("SELECT ") + kRevisionCols + " FROM evaluation_item_revisions WHERE set_id = ? AND item_id = ?";
  std::vector<Param> params{set_id, item_id};
  AppendIntKeyset(page, "revision", &sql, &params);
  auto rows = c.Query(sql, params);
  if (!rows.ok()) return rows.status();
  Page<ItemRevisionRecord> out;
  for (const Row& r : *rows) {
    if (static_cast<int>(out.items.size()) == page.limit) {
      out.next = Cursor{out.items.back().revision, std::to_string(out.items.back().revision)};
      break;
    }
    out.items.push_back(RevisionFromRow(r));
  }
  return out;
}

StatusOr<ItemRevisionRecord> SetHistory::GetRevision(Connection& c, const std::string& set_id,
                                                     const std::string& item_id, int64_t revision) {
  auto rows = c.Query(std::string("SELECT ") + kRevisionCols +
                          " FROM evaluation_item_revisions WHERE set_id = ? AND item_id = ? AND revision = ?",
                      {set_id, item_id, revision});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Item " + item_id + " has no revision " + std::to_string(revision));
  return RevisionFromRow(rows->front());
}

}  // namespace goldset::store
