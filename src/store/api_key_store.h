// The API keys of one workspace, as `/api_keys` manages them: list, get, revoke, and the
// batched write of last-use times. Keys are created by TenancyStore::CreateKey (one place
// makes plaintexts and hashes). Organization keys are not a workspace's keys: they are
// never listed, fetched or revoked here (the CLI manages them).
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/records.h"
#include "store/database.h"
#include "store/paging.h"

namespace goldset::store {

// Columns ApiKeyFromRow reads, in order; for every SELECT of api_keys in store/.
extern const char* const kApiKeyColumns;
model::ApiKey ApiKeyFromRow(const Row& r);

struct KeyUse {
  std::string key_id;
  int64_t used_at = 0;  // Unix milliseconds
};

class ApiKeyStore {
 public:
  explicit ApiKeyStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // The workspace's keys, revoked ones included, ordered by created_at (page.sort_column
  // is ignored). REQUIRES: page.limit >= 1.
  StatusOr<Page<model::ApiKey>> List(const std::string& workspace_id, const PageRequest& page);
  // NotFound unless the key belongs to the workspace.
  StatusOr<model::ApiKey> Get(const std::string& workspace_id, const std::string& key_id);
  // Revokes a key of the workspace and returns it. NotFound for an unknown key, another
  // workspace's or an organization key; a key already revoked is returned unchanged.
  StatusOr<model::ApiKey> Revoke(const std::string& workspace_id, const std::string& key_id, int64_t now_ms);
  // Writes last-use times in one transaction. A recorded time never moves backwards, so
  // nodes flushing out of order cannot undo each other.
  Status RecordUse(const std::vector<KeyUse>& uses);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
