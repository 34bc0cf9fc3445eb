// Plain domain records as stored. No behaviour; JSON mapping lives in api/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace goldset::model {

struct Workspace {
  std::string id;
  std::string organization_id;
  std::string name;
  int64_t created_at = 0;
};

struct ApiKey {
  std::string id;
  std::string name;
  std::string organization_id;
  std::optional<std::string> workspace_id;  // nullopt: an organization-scoped key
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
  bool admin = false;                     // may manage the workspace's keys (/api_keys)
  std::optional<int64_t> last_used_at;    // minute precision (api/key_usage.h)
  std::optional<std::string> created_by;  // name of the key that created it; nullopt: the CLI
};

// Who created an object: the contract's CreatedBy, always {type:"api_key", name} here.
struct CreatedBy {
  std::string key_name;
};

struct File {
  std::string id;
  std::string workspace_id;
  std::string name;
  std::optional<std::string> type;  // contract FileType; nullopt when undetermined
  std::string mime_type;
  std::string content_sha256;
  int64_t size_bytes = 0;
  std::optional<int> page_count;
  std::string password;                   // for encrypted PDFs; never returned by the API
  std::optional<std::string> created_by;  // key name
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

}  // namespace goldset::model
