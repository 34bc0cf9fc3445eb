#include "store/file_store.h"

#include <algorithm>
#include <set>

#include "common/log.h"

namespace goldset::store {

namespace {
constexpr const char* kCols =
    "id, workspace_id, name, type, mime_type, content_sha256, size_bytes, page_count, password, "
    "created_by, created_at, updated_at";

model::File FromRow(const Row& r) {
  model::File f;
  f.id = r.Text(0);
  f.workspace_id = r.Text(1);
  f.name = r.Text(2);
  if (!r.IsNull(3)) f.type = r.Text(3);
  f.mime_type = r.Text(4);
  f.content_sha256 = r.Text(5);
  f.size_bytes = r.Int(6);
  if (!r.IsNull(7)) f.page_count = static_cast<int>(r.Int(7));
  f.password = r.Text(8);
  if (!r.IsNull(9)) f.created_by = r.Text(9);
  f.created_at = r.Int(10);
  f.updated_at = r.Int(11);
  return f;
}

std::string EscapeLike(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
// Files with the same bytes share one blob; this lock orders every step that stores,
// references or drops it (see FileStore::Insert).
Status LockContent(Database& db, Connection& c, const std::string& sha256) { return db.LockKey(c, "blob:" + sha256); }

// REQUIRES: the content's lock is held in c's transaction.
Status DropIfUnreferenced(Connection& c, const std::string& sha256,
                          const std::function<Status(const std::string& sha256)>& delete_content) {
  auto n = QueryInt(c, "SELECT COUNT(*) FROM files WHERE content_sha256 = ?", {sha256});
  if (!n.ok()) return n.status();
  return *n == 0 && delete_content ? delete_content(sha256) : Status::OK();
}

}  // namespace

Status FileStore::Insert(const model::File& f, const std::function<Status()>& ensure_content) {
  return db_->InTransaction(true, [&](Connection& c) {
    if (ensure_content) {
      GOLDSET_RETURN_IF_ERROR(LockContent(*db_, c, f.content_sha256));
      GOLDSET_RETURN_IF_ERROR(ensure_content());
    }
    return c.Exec(std::string("INSERT INTO files (") + kCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {f.id, f.workspace_id, f.name, f.type ? Param(*f.type) : Param(Null{}), f.mime_type, f.content_sha256,
                   f.size_bytes, f.page_count ? Param(int64_t{*f.page_count}) : Param(Null{}), f.password,
                   f.created_by ? Param(*f.created_by) : Param(Null{}), f.created_at, f.updated_at});
  });
}

StatusOr<model::File> FileStore::Get(const std::string& workspace_id, const std::string& id) {
  static const std::string kSql = std::string("SELECT ") + kCols + " FROM files WHERE workspace_id = ? AND id = ?";
  auto rows = db_->Acquire()->Query(kSql, {workspace_id, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("File " + id + " not found");
  return FromRow(rows->front());
}

StatusOr<std::vector<model::File>> FileStore::GetMany(const std::string& workspace_id,
                                                      const std::vector<std::string>& ids) {
  std::vector<std::string> unique(ids);
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::vector<model::File> out;
  if (unique.empty()) return out;
  auto c = db_->Acquire();
  for (size_t i = 0; i < unique.size(); i += 500) {
    std::string sql = std::string("SELECT ") + kCols + " FROM files WHERE workspace_id = ? AND id IN (";
    std::vector<Param> params{workspace_id};
    for (size_t j = i; j < std::min(unique.size(), i + 500); ++j) {
      sql += j == i ? "?" : ", ?";
      params.push_back(unique[j]);
    }
    sql += ")";
    auto rows = c->Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) out.push_back(FromRow(r));
  }
  return out;
}

StatusOr<Page<model::File>> FileStore::List(const std::string& workspace_id, const std::string& name_contains,
                                            const PageRequest& page) {
  std::string sql = std::string("SELECT ") + kCols + " FROM files WHERE workspace_id = ?";
  std::vector<Param> params{workspace_id};
  if (!name_contains.empty()) {
    sql += " AND LOWER(name) LIKE LOWER(?) ESCAPE '\\'";
    params.push_back("%" + EscapeLike(name_contains) + "%");
  }
  AppendKeyset(page, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  return ToPage<model::File>(*rows, page, FromRow);
}

Status FileStore::DropContentIfUnused(const std::string& sha256,
                                      const std::function<Status(const std::string& sha256)>& delete_content) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(LockContent(*db_, c, sha256));
    return DropIfUnreferenced(c, sha256, delete_content);
  });
}

Status FileStore::Delete(const std::string& workspace_id, const std::string& id,
                         const std::function<Status(Connection&)>& check_unused,
                         const std::function<Status(const std::string& sha256)>& delete_content) {
  std::string sha256;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    // The row lock makes the check and the deletion one step: a writer that refers to the
    // file (LockFiles) either committed before the check saw its rows, or waits and then
    // finds the file gone.
    auto rows =
        c.Query("SELECT content_sha256 FROM files WHERE workspace_id = ? AND id = ?" + std::string(db_->ForUpdate()),
                {workspace_id, id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("File " + id + " not found");
    sha256 = rows->front().Text(0);
    if (check_unused) GOLDSET_RETURN_IF_ERROR(check_unused(c));
    GOLDSET_RETURN_IF_ERROR(c.Exec("DELETE FROM files WHERE workspace_id = ? AND id = ?", {workspace_id, id}));
    if (c.Changes() == 0) return Status::NotFound("File " + id + " not found");
    return Status::OK();
  });
  if (!st.ok()) return st;
  // Only now that no committed record can need them may the bytes go (DropContentIfUnused
  // re-counts under the content's lock: an upload of the same bytes may have come since).
  Status dropped = DropContentIfUnused(sha256, delete_content);
  if (!dropped.ok())
    LogError("file " + id + " deleted, its unreferenced bytes " + sha256 + " kept: " + dropped.message());
  return Status::OK();
}

Status FileStore::LockFiles(Database& db, Connection& c, const std::string& workspace_id,
                            const std::vector<std::string>& ids) {
  std::vector<std::string> sorted(ids);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  // Chunked IN lists keep statements small; ORDER BY takes the locks in one global order,
  // so two writers locking overlapping sets never deadlock.
  for (size_t i = 0; i < sorted.size(); i += 500) {
    std::string sql = "SELECT id FROM files WHERE workspace_id = ? AND id IN (";
    std::vector<Param> params{workspace_id};
    const size_t end = std::min(sorted.size(), i + 500);
    for (size_t j = i; j < end; ++j) {
      sql += j == i ? "?" : ", ?";
      params.push_back(sorted[j]);
    }
    sql += ") ORDER BY id" + std::string(db.ForShare());
    auto rows = c.Query(sql, params);
    if (!rows.ok()) return rows.status();
    std::set<std::string> found;
    for (const Row& r : *rows) found.insert(r.Text(0));
    for (size_t j = i; j < end; ++j)
      if (!found.count(sorted[j])) return Status::NotFound("File " + sorted[j] + " not found");
  }
  return Status::OK();
}

}  // namespace goldset::store
