#include "store/api_key_store.h"

namespace goldset::store {

const char* const kApiKeyColumns =
    "id, name, organization_id, workspace_id, created_at, revoked_at, admin, last_used_at, created_by";

model::ApiKey ApiKeyFromRow(const Row& r) {
  model::ApiKey k;
  k.id = r.Text(0);
  k.name = r.Text(1);
  k.organization_id = r.Text(2);
  if (!r.IsNull(3)) k.workspace_id = r.Text(3);
  k.created_at = r.Int(4);
  if (!r.IsNull(5)) k.revoked_at = r.Int(5);
  k.admin = r.Int(6) != 0;
  if (!r.IsNull(7)) k.last_used_at = r.Int(7);
  if (!r.IsNull(8)) k.created_by = r.Text(8);
  return k;
}

StatusOr<Page<model::ApiKey>> ApiKeyStore::List(const std::string& workspace_id, const PageRequest& page) {
  // Keys have no updated_at: the keyset is always (created_at, id).
  PageRequest by_created = page;
  by_created.sort_column = "created_at";
  std::string sql = std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE workspace_id = ?";
  std::vector<Param> params{workspace_id};
  AppendKeyset(by_created, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  Page<model::ApiKey> out;
  for (const Row& r : *rows) {
    if (static_cast<int>(out.items.size()) == page.limit) {
      out.next = Cursor{out.items.back().created_at, out.items.back().id};
      break;
    }
    out.items.push_back(ApiKeyFromRow(r));
  }
  return out;
}

StatusOr<model::ApiKey> ApiKeyStore::Get(const std::string& workspace_id, const std::string& key_id) {
  auto rows = db_->Acquire()->Query(
      std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE id = ? AND workspace_id = ?",
      {key_id, workspace_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("API key " + key_id + " not found");
  return ApiKeyFromRow(rows->front());
}

StatusOr<model::ApiKey> ApiKeyStore::Revoke(const std::string& workspace_id, const std::string& key_id,
                                            int64_t now_ms) {
  model::ApiKey key;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL",
               {now_ms, key_id, workspace_id}));
    auto rows = c.Query(std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE id = ? AND workspace_id = ?",
                        {key_id, workspace_id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("API key " + key_id + " not found");
    key = ApiKeyFromRow(rows->front());
    return Status::OK();
  });
  if (!st.ok()) return st;
  return key;
}

Status ApiKeyStore::RecordUse(const std::vector<KeyUse>& uses) {
  if (uses.empty()) return Status::OK();
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    for (const KeyUse& u : uses) {
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                 {u.used_at, u.key_id, u.used_at}));
    }
    return Status::OK();
  });
}

}  // namespace goldset::store
