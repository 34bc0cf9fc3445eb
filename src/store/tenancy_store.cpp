#include "store/tenancy_store.h"

#include "common/clock.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "store/api_key_store.h"

namespace goldset::store {

namespace {
model::Workspace WorkspaceFromRow(const Row& r) { return {r.Text(0), r.Text(1), r.Text(2), r.Int(3)}; }
}  // namespace

StatusOr<model::Workspace> TenancyStore::CreateOrganization(const std::string& org_name,
                                                            const std::string& workspace_name) {
  model::Workspace ws{NewId("ws_"), NewId("org_"), workspace_name, NowMillis()};
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
                                   {ws.organization_id, org_name, ws.created_at}));
    return c.Exec("INSERT INTO workspaces (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)",
                  {ws.id, ws.organization_id, ws.name, ws.created_at});
  });
  if (!st.ok()) return st;
  return ws;
}

StatusOr<model::Workspace> TenancyStore::CreateWorkspace(const std::string& organization_id, const std::string& name) {
  model::Workspace ws{NewId("ws_"), organization_id, name, NowMillis()};
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    return c.Exec("INSERT INTO workspaces (id, organization_id, name, created_at) VALUES (?, ?, ?, ?)",
                  {ws.id, ws.organization_id, ws.name, ws.created_at});
  });
  if (!st.ok()) return st;
  return ws;
}

StatusOr<model::Workspace> TenancyStore::GetWorkspace(const std::string& id) {
  auto rows = db_->Acquire()->Query("SELECT id, organization_id, name, created_at FROM workspaces WHERE id = ?", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("workspace " + id + " not found");
  return WorkspaceFromRow(rows->front());
}

StatusOr<std::vector<model::Workspace>> TenancyStore::ListWorkspaces() {
  auto rows =
      db_->Acquire()->Query("SELECT id, organization_id, name, created_at FROM workspaces ORDER BY created_at, id");
  if (!rows.ok()) return rows.status();
  std::vector<model::Workspace> out;
  for (const Row& r : *rows) out.push_back(WorkspaceFromRow(r));
  return out;
}

StatusOr<std::string> TenancyStore::CreateKey(const std::string& organization_id, const std::string& workspace_id,
                                              const std::string& name, model::ApiKey* out, bool admin,
                                              const std::optional<std::string>& created_by) {
  std::string plaintext = "sk_" + RandomToken(24);
  model::ApiKey k;
  k.id = NewId("key_");
  k.name = name;
  k.organization_id = organization_id;
  if (!workspace_id.empty()) k.workspace_id = workspace_id;
  k.created_at = NowMillis();
  k.admin = admin;
  k.created_by = created_by;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    return c.Exec(
        "INSERT INTO api_keys (id, key_hash, name, organization_id, workspace_id, created_at, admin, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {k.id, Sha256Hex(plaintext), k.name, k.organization_id,
         workspace_id.empty() ? Param(Null{}) : Param(workspace_id), k.created_at, int64_t{admin ? 1 : 0},
         created_by ? Param(*created_by) : Param(Null{})});
  });
  if (!st.ok()) return st;
  if (out) *out = k;
  return plaintext;
}

StatusOr<model::ApiKey> TenancyStore::FindActiveKey(const std::string& plaintext) {
  auto rows = db_->Acquire()->Query(
      std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
      {Sha256Hex(plaintext)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no such key");
  return ApiKeyFromRow(rows->front());
}

StatusOr<std::vector<model::ApiKey>> TenancyStore::ListKeys() {
  auto rows = db_->Acquire()->Query(std::string("SELECT ") + kApiKeyColumns + " FROM api_keys ORDER BY created_at, id");
  if (!rows.ok()) return rows.status();
  std::vector<model::ApiKey> out;
  for (const Row& r : *rows) out.push_back(ApiKeyFromRow(r));
  return out;
}

Status TenancyStore::RevokeKey(const std::string& key_id) {
  GOLDSET_ASSIGN_OR_RETURN(
      int64_t changed,
      ExecCountingChanges(*db_, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                          {NowMillis(), key_id}));
  if (changed == 0) return Status::NotFound("no active key " + key_id);
  return Status::OK();
}

StatusOr<std::string> TenancyStore::GetOrCreateSetting(const std::string& name, const std::string& initial) {
  std::string value;
  // Nodes starting at once may race to create the setting: the first insert wins and
  // everyone reads the winner's value (a read-then-insert would fail on PostgreSQL).
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", {name, initial}));
    auto rows = c.Query("SELECT value FROM settings WHERE name = ?", {name});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Internal("setting " + name + " vanished");
    value = rows->front().Text(0);
    return Status::OK();
  });
  if (!st.ok()) return st;
  return value;
}

}  // namespace goldset::store
