// Migrations 500-599: key management. Keys gain an admin right (manage the workspace's
// keys through /api_keys), the time of their last use (recorded at most once a minute
// per key and node, api/key_usage.h) and who created them.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> KeysMigrations() {
  return {
      {500, "api_key_admin_and_last_use", R"SQL(
ALTER TABLE api_keys ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_keys ADD COLUMN created_by TEXT;
CREATE INDEX api_keys_ws_created ON api_keys(workspace_id, created_at, id);
)SQL"},
  };
}

}  // namespace goldset::store
