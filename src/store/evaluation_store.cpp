#include "store/evaluation_store.h"

#include "common/crypto.h"
#include "common/json.h"
#include "common/multiset_hash.h"
#include "common/clock.h"
#include "store/file_store.h"

namespace goldset::store {

namespace {

constexpr const char* kSetCols =
    "id, workspace_id, name, description, entity_id, entity_kind, created_by, created_at, updated_at, version, "
    "content_hash";
constexpr const char* kItemCols =
    "id, workspace_id, set_id, file_id, file_ids, expected_output, created_by, created_at, updated_at";

// The revision an update or delete records; `files` is the changed row as RETURNING
// file_id, file_ids gave it. expected_output is left to the caller (empty for a delete).
ItemRevisionRecord ChangedItemRevision(const std::string& workspace_id, const std::string& set_id,
                                       const std::string& item_id, int64_t set_version, const Row& files,
                                       const RevisionCause& cause, int64_t now) {
  ItemRevisionRecord rev;
  rev.set_id = set_id;
  rev.item_id = item_id;
  rev.workspace_id = workspace_id;
  rev.set_version = set_version;
  if (!files.IsNull(0)) rev.file_id = files.Text(0);
  rev.file_ids = files.Text(1);
  rev.cause = cause;
  rev.changed_at = now;
  return rev;
}

// An item row's files and digest as a change finds them (ChangedItemRevision reads the
// first two columns); the digest is computed for items from before migration 600.
constexpr const char* kOldDigestCols = "file_id, file_ids, content_digest, expected_output";
std::string OldDigest(const Row& r) {
  if (!r.IsNull(2)) return r.Text(2);
  std::optional<std::string> file_id;
  if (!r.IsNull(0)) file_id = r.Text(0);
  return ItemContentDigest(file_id, r.Text(1), r.Text(3));
}

EvaluationSetRecord SetFromRow(const Row& r) {
  EvaluationSetRecord s;
  s.id = r.Text(0);
  s.workspace_id = r.Text(1);
  s.name = r.Text(2);
  s.description = r.Text(3);
  s.entity_id = r.Text(4);
  s.entity_kind = r.Text(5);
  if (!r.IsNull(6)) s.created_by = r.Text(6);
  s.created_at = r.Int(7);
  s.updated_at = r.Int(8);
  s.version = r.Int(9);
  s.content_hash = r.Text(10);
  return s;
}

std::string FileIdsJson(const std::vector<std::string>& ids) {
  json::array a;
  for (const auto& id : ids) a.emplace_back(id);
  return json::serialize(a);
}

EvaluationItemRecord ItemFromRow(const Row& r) {
  EvaluationItemRecord it;
  it.id = r.Text(0);
  it.workspace_id = r.Text(1);
  it.set_id = r.Text(2);
  if (!r.IsNull(3)) it.file_id = r.Text(3);
  if (!r.IsNull(4)) {
    auto v = ParseJson(r.Text(4));
    if (v.ok() && v->is_array())
      for (const auto& e : v->as_array())
        if (e.is_string()) it.file_ids.emplace_back(e.as_string());
  }
  it.expected_output = r.Text(5);
  if (!r.IsNull(6)) it.created_by = r.Text(6);
  it.created_at = r.Int(7);
  it.updated_at = r.Int(8);
  return it;
}

// Rows per multi-row INSERT: at most 1,300 parameters, well inside both backends' limits.
constexpr size_t kInsertRowsPerStatement = 100;

}  // namespace

Status EvaluationStore::InsertSet(const EvaluationSetRecord& s) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    // The processor, re-checked under a lock that ProcessorStore::Delete's locking read
    // conflicts with: a processor is never deleted while a set that names it is created.
    auto processor = c.Query("SELECT id FROM processors WHERE workspace_id = ? AND id = ? AND deleted_at IS NULL" +
                                 std::string(db_->ForShare()),
                             {s.workspace_id, s.entity_id});
    if (!processor.ok()) return processor.status();
    if (processor->empty()) return Status::NotFound("Processor " + s.entity_id + " not found");
    const MultisetHash empty;
    return c.Exec(std::string("INSERT INTO evaluation_sets (") + kSetCols +
                      ", content_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                  {s.id, s.workspace_id, s.name, s.description, s.entity_id, s.entity_kind, OptText(s.created_by),
                   s.created_at, s.updated_at, empty.Digest(), empty.Hex()});
  });
}

StatusOr<EvaluationSetRecord> EvaluationStore::GetSet(const std::string& workspace_id, const std::string& id) {
  auto c = db_->Acquire();
  auto rows = c->Query(std::string("SELECT ") + kSetCols + " FROM evaluation_sets WHERE workspace_id = ? AND id = ?",
                       {workspace_id, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Evaluation set " + id + " not found");
  EvaluationSetRecord s = SetFromRow(rows->front());
  if (s.content_hash.empty()) {  // never computed under the current definition (migration 602)
    auto hash = SetHistory::CurrentContentHash(*c, s.id, s.version);
    if (!hash.ok()) return hash.status();
    s.content_hash = *hash;
  }
  return s;
}

StatusOr<Page<EvaluationSetRecord>> EvaluationStore::ListSets(const std::string& workspace_id,
                                                              const std::string& entity_id, const PageRequest& page) {
  std::string sql = std::string("SELECT ") + kSetCols + " FROM evaluation_sets WHERE workspace_id = ?";
  std::vector<Param> params{workspace_id};
  if (!entity_id.empty()) {
    sql += " AND entity_id = ?";
    params.push_back(entity_id);
  }
  AppendKeyset(page, "", &sql, &params);
  auto c = db_->Acquire();
  auto rows = c->Query(sql, params);
  if (!rows.ok()) return rows.status();
  Page<EvaluationSetRecord> out = ToPage<EvaluationSetRecord>(*rows, page, SetFromRow);
  for (EvaluationSetRecord& s : out.items) {
    if (!s.content_hash.empty()) continue;  // as in GetSet
    auto hash = SetHistory::CurrentContentHash(*c, s.id, s.version);
    if (!hash.ok()) return hash.status();
    s.content_hash = *hash;
  }
  return out;
}

StatusOr<int64_t> EvaluationStore::CountItems(const std::string& set_id) {
  auto c = db_->Acquire();
  return QueryInt(*c, "SELECT COUNT(*) FROM evaluation_set_items WHERE set_id = ?", {set_id});
}

StatusOr<bool> EvaluationStore::EntityInUse(Connection& c, const std::string& entity_id) {
  auto n = QueryInt(c, "SELECT COUNT(*) FROM evaluation_sets WHERE entity_id = ?", {entity_id});
  if (!n.ok()) return n.status();
  return *n > 0;
}

Status EvaluationStore::InsertItems(const std::string& set_id, const std::vector<EvaluationItemRecord>& items) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    if (!items.empty()) {
      std::vector<std::string> file_ids;
      for (const auto& it : items) {
        if (it.file_id) file_ids.push_back(*it.file_id);
        file_ids.insert(file_ids.end(), it.file_ids.begin(), it.file_ids.end());
      }
      Status locked = FileStore::LockFiles(*db_, c, items.front().workspace_id, file_ids);
      if (locked.code() == Status::Code::kNotFound) {
        // Name the first item that uses the missing file, as validation would have.
        for (size_t i = 0; i < items.size(); ++i) {
          const auto& it = items[i];
          if (it.file_id && locked.message() == "File " + *it.file_id + " not found")
            return locked.WithContext("items[" + std::to_string(i) + "].fileId");
          for (size_t k = 0; k < it.file_ids.size(); ++k)
            if (locked.message() == "File " + it.file_ids[k] + " not found")
              return locked.WithContext("items[" + std::to_string(i) + "].fileIds[" + std::to_string(k) + "]");
        }
      }
      GOLDSET_RETURN_IF_ERROR(locked);
    }
    if (items.empty()) return Status::OK();
    auto version = SetHistory::BeginChange(c, items.front().workspace_id, set_id);
    if (!version.ok()) return version.status();
    RevisionCause cause{"create", std::nullopt, "api_key", items.front().created_by};
    // Multi-row INSERTs: one round trip per 100 items (and one per 100 first revisions)
    // instead of one, or three, per item.
    SetHistory::ContentChange content;
    int64_t latest = 0;
    std::vector<ItemRevisionRecord> revisions;
    revisions.reserve(items.size());
    for (size_t i = 0; i < items.size(); i += kInsertRowsPerStatement) {
      const size_t end = std::min(items.size(), i + kInsertRowsPerStatement);
      std::string sql = std::string("INSERT INTO evaluation_set_items (") + kItemCols + ", content_digest) VALUES ";
      std::vector<Param> params;
      params.reserve((end - i) * 10);
      for (size_t j = i; j < end; ++j) {
        const auto& it = items[j];
        std::string file_ids = it.file_ids.empty() ? "" : FileIdsJson(it.file_ids);
        content.added.push_back(ItemContentDigest(it.file_id, file_ids, it.expected_output));
        sql += j == i ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        for (Param p :
             {Param(it.id), Param(it.workspace_id), Param(set_id), OptText(it.file_id),
              file_ids.empty() ? Param(Null{}) : Param(file_ids), Param(it.expected_output), OptText(it.created_by),
              Param(it.created_at), Param(it.updated_at), Param(content.added.back())})
          params.push_back(std::move(p));
        ItemRevisionRecord rev;
        rev.set_id = set_id;
        rev.item_id = it.id;
        rev.workspace_id = it.workspace_id;
        rev.set_version = *version;
        rev.file_id = it.file_id;
        rev.file_ids = std::move(file_ids);
        rev.expected_output = it.expected_output;
        rev.cause = cause;
        rev.changed_at = it.created_at;
        revisions.push_back(std::move(rev));
        latest = std::max(latest, it.updated_at);
      }
      GOLDSET_RETURN_IF_ERROR(c.Exec(sql, params));
    }
    GOLDSET_RETURN_IF_ERROR(SetHistory::RecordFirstRevisions(c, revisions));
    return SetHistory::FinishChange(c, items.front().workspace_id, set_id, *version,
                                    {static_cast<int64_t>(items.size()), 0, 0}, content, cause, latest);
  });
}

StatusOr<EvaluationItemRecord> EvaluationStore::GetItem(const std::string& workspace_id, const std::string& set_id,
                                                        const std::string& item_id) {
  auto rows = db_->Acquire()->Query(std::string("SELECT ") + kItemCols +
                                        " FROM evaluation_set_items WHERE workspace_id = ? AND set_id = ? AND id = ?",
                                    {workspace_id, set_id, item_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Evaluation set item " + item_id + " not found in set " + set_id);
  return ItemFromRow(rows->front());
}

StatusOr<Page<EvaluationItemRecord>> EvaluationStore::ListItems(const std::string& workspace_id,
                                                                const std::string& set_id, const PageRequest& page) {
  // The set check is uncorrelated: both backends evaluate it once, before the page's seek
  // on (set_id, sort column, id). Filtering the items by workspace instead made PostgreSQL
  // plan a scan of the whole set and a sort.
  std::string sql =
      std::string("SELECT ") + kItemCols +
      " FROM evaluation_set_items WHERE set_id = ? AND EXISTS (SELECT 1 FROM evaluation_sets WHERE id = ? "
      "AND workspace_id = ?)";
  std::vector<Param> params{set_id, set_id, workspace_id};
  AppendKeyset(page, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  // An empty page, or no such set in the workspace: GetSet tells which.
  if (rows->empty()) GOLDSET_RETURN_IF_ERROR(GetSet(workspace_id, set_id).status());
  return ToPage<EvaluationItemRecord>(*rows, page, ItemFromRow);
}

StatusOr<int64_t> EvaluationStore::UpdateItemExpected(const std::string& workspace_id, const std::string& set_id,
                                                      const std::string& item_id, const std::string& expected_output,
                                                      int64_t now, const RevisionCause& cause) {
  int64_t revision = 0;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto version = SetHistory::BeginChange(c, workspace_id, set_id);
    if (!version.ok()) return version.status();
    auto rows = c.Query("SELECT " + std::string(kOldDigestCols) +
                            " FROM evaluation_set_items WHERE workspace_id = ? AND set_id = ? AND id = ?",
                        {workspace_id, set_id, item_id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("Evaluation set item " + item_id + " not found in set " + set_id);
    ItemRevisionRecord rev = ChangedItemRevision(workspace_id, set_id, item_id, *version, rows->front(), cause, now);
    rev.expected_output = expected_output;
    SetHistory::ContentChange content{{OldDigest(rows->front())},
                                      {ItemContentDigest(rev.file_id, rev.file_ids, expected_output)}};
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE evaluation_set_items SET expected_output = ?, updated_at = ?, content_digest = ? WHERE set_id = "
               "? AND id = ?",
               {expected_output, now, content.added.front(), set_id, item_id}));
    auto recorded = SetHistory::RecordRevision(c, std::move(rev));
    if (!recorded.ok()) return recorded.status();
    revision = *recorded;
    return SetHistory::FinishChange(c, workspace_id, set_id, *version, {0, 1, 0}, content, cause, now);
  });
  if (!st.ok()) return st;
  return revision;
}

Status EvaluationStore::DeleteItem(const std::string& workspace_id, const std::string& set_id,
                                   const std::string& item_id, const RevisionCause& cause) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    auto version = SetHistory::BeginChange(c, workspace_id, set_id);
    if (version.status().code() == Status::Code::kNotFound)
      return Status::NotFound("Evaluation set item " + item_id + " not found in set " + set_id);
    if (!version.ok()) return version.status();
    auto rows = c.Query(
        "DELETE FROM evaluation_set_items WHERE workspace_id = ? AND set_id = ? AND id = ? "
        "RETURNING " +
            std::string(kOldDigestCols),
        {workspace_id, set_id, item_id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("Evaluation set item " + item_id + " not found in set " + set_id);
    int64_t now = NowMillis();
    ItemRevisionRecord rev = ChangedItemRevision(workspace_id, set_id, item_id, *version, rows->front(), cause, now);
    auto recorded = SetHistory::RecordRevision(c, std::move(rev));
    if (!recorded.ok()) return recorded.status();
    return SetHistory::FinishChange(c, workspace_id, set_id, *version, {0, 0, 1}, {{OldDigest(rows->front())}, {}},
                                    cause, now);
  });
}

StatusOr<std::vector<std::string>> EvaluationStore::ExistingItemIds(const std::string& set_id,
                                                                    const std::vector<std::string>& ids) {
  std::vector<std::string> found;
  auto c = db_->Acquire();
  // Chunked IN lists keep statements small on both backends.
  for (size_t i = 0; i < ids.size(); i += 500) {
    std::string sql = "SELECT id FROM evaluation_set_items WHERE set_id = ? AND id IN (";
    std::vector<Param> params{set_id};
    for (size_t j = i; j < std::min(ids.size(), i + 500); ++j) {
      sql += j == i ? "?" : ", ?";
      params.push_back(ids[j]);
    }
    sql += ")";
    auto rows = c->Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) found.push_back(r.Text(0));
  }
  return found;
}

StatusOr<int64_t> EvaluationStore::CountItemsUsingFile(Connection& c, const std::string& workspace_id,
                                                       const std::string& file_id) {
  return QueryInt(
      c, "SELECT COUNT(*) FROM evaluation_set_items WHERE workspace_id = ? AND (file_id = ? OR file_ids LIKE ?)",
      {workspace_id, file_id, "%\"" + file_id + "\"%"});
}

}  // namespace goldset::store
