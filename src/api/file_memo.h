// FileMemo: the files one request names, each looked up at most once.
//
// A page of 100 items that name files would otherwise cost 100 lookups, one database
// round trip each (on PostgreSQL the bulk of a list page's time): Prefetch loads every id
// of the page in one query, and Get answers from memory afterwards.
//
// Scoped to one workspace (another workspace's file is NotFound, as FileStore::Get).
// Not thread-safe: one request's handler owns it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/services.h"
#include "model/records.h"

namespace goldset::api {

class FileMemo {
 public:
  FileMemo(Services& svc, std::string workspace_id) : svc_(svc), workspace_id_(std::move(workspace_id)) {}
  // Loads the ids not known yet in one query; ids that do not exist are remembered as
  // missing. An error leaves them unknown (Get then asks again).
  Status Prefetch(const std::vector<std::string>& ids);
  // The file, or NotFound("File <id> not found") as FileStore::Get.
  StatusOr<model::File> Get(const std::string& id);

 private:
  Services& svc_;
  const std::string workspace_id_;
  std::map<std::string, std::optional<model::File>> known_;  // nullopt: does not exist
};

}  // namespace goldset::api
