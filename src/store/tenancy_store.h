// Organizations, workspaces and API keys. Keys are stored only as SHA-256 hashes.
// Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/records.h"
#include "store/database.h"

namespace goldset::store {

class TenancyStore {
 public:
  explicit TenancyStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // Creates an organization with one workspace; returns the workspace.
  StatusOr<model::Workspace> CreateOrganization(const std::string& org_name, const std::string& workspace_name);
  StatusOr<model::Workspace> CreateWorkspace(const std::string& organization_id, const std::string& name);
  StatusOr<model::Workspace> GetWorkspace(const std::string& id);
  StatusOr<std::vector<model::Workspace>> ListWorkspaces();

  // Creates a key and returns its plaintext (shown once). workspace_id empty: org key.
  // admin: may manage the workspace's keys; created_by: the creating key's name, if any.
  StatusOr<std::string> CreateKey(const std::string& organization_id, const std::string& workspace_id,
                                  const std::string& name, model::ApiKey* out, bool admin = false,
                                  const std::optional<std::string>& created_by = std::nullopt);
  // Looks up an active (not revoked) key by its plaintext. NotFound otherwise.
  StatusOr<model::ApiKey> FindActiveKey(const std::string& plaintext);
  StatusOr<std::vector<model::ApiKey>> ListKeys();
  Status RevokeKey(const std::string& key_id);

  // Server-wide named values (e.g. the URL-signing secret).
  StatusOr<std::string> GetOrCreateSetting(const std::string& name, const std::string& initial);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
