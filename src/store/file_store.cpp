#include "store/file_store.h"

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
Status LockContent(Database& db, Connection& c, const std::string& sha256) {
  return db.LockKey(c, "blob:" + sha256);
}

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
    return c.Exec(std::string("INSERT INTO files (") + kCols +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {f.id, f.workspace_id, f.name, f.type ? Param(*f.type) : Param(Null{}), f.mime_type,
                   f.content_sha256, f.size_bytes,
                   f.page_count ? Param(int64_t{*f.page_count}) : Param(Null{}), f.password,
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

StatusOr<Page<model::File>> FileStore::List(const std::string& workspace_id,
                                            const std::string& name_contains,
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
                         const std::function<Status(const std::string& sha256)>& delete_content) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    auto rows = c.Query("SELECT content_sha256 FROM files WHERE workspace_id = ? AND id = ?",
                        {workspace_id, id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("File " + id + " not found");
    const std::string sha256 = rows->front().Text(0);
    GOLDSET_RETURN_IF_ERROR(LockContent(*db_, c, sha256));
    GOLDSET_RETURN_IF_ERROR(c.Exec("DELETE FROM files WHERE workspace_id = ? AND id = ?", {workspace_id, id}));
    if (c.Changes() == 0) return Status::NotFound("File " + id + " not found");
    return DropIfUnreferenced(c, sha256, delete_content);
  });
}

}  // namespace goldset::store
