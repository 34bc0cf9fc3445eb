// File records (metadata). Bytes live in a BlobStore, keyed by content SHA-256.
// Every call is scoped by workspace: another workspace's file is NotFound.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "model/records.h"
#include "store/database.h"
#include "store/paging.h"

namespace goldset::store {

class FileStore {
 public:
  explicit FileStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // Inserts the record. `ensure_content`, when given, runs inside the transaction under
  // the content's lock (Database::LockKey on the hash) and must make sure the blob exists:
  // a Delete of the last other file with these bytes may have removed it since it was
  // stored. With that lock on both sides, a file never ends up without its bytes.
  // REQUIRES (SQLite): ensure_content does not write through this database.
  Status Insert(const model::File& f, const std::function<Status()>& ensure_content = nullptr);
  StatusOr<model::File> Get(const std::string& workspace_id, const std::string& id);
  StatusOr<Page<model::File>> List(const std::string& workspace_id, const std::string& name_contains,
                                   const PageRequest& page);
  // Runs delete_content(sha256) when no file uses these bytes, under the content's lock:
  // for bytes stored for a record that then failed to insert.
  Status DropContentIfUnused(const std::string& sha256,
                             const std::function<Status(const std::string& sha256)>& delete_content);
  // Deletes the record. When no other file uses its bytes, `delete_content(sha256)` runs
  // inside the same transaction, under the content's lock (see Insert); its failure rolls
  // the deletion back.
  Status Delete(const std::string& workspace_id, const std::string& id,
                const std::function<Status(const std::string& sha256)>& delete_content);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
