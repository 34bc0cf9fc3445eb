// File records (metadata). Bytes live in a BlobStore, keyed by content SHA-256.
// Every call is scoped by workspace: another workspace's file is NotFound.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

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
  // The workspace's files among `ids`, in one query per 500 ids (a page of items names its
  // files in one round trip instead of one each). Missing ids are simply absent.
  StatusOr<std::vector<model::File>> GetMany(const std::string& workspace_id, const std::vector<std::string>& ids);
  StatusOr<Page<model::File>> List(const std::string& workspace_id, const std::string& name_contains,
                                   const PageRequest& page);
  // Runs delete_content(sha256) when no file uses these bytes, under the content's lock:
  // for bytes stored for a record that then failed to insert.
  Status DropContentIfUnused(const std::string& sha256,
                             const std::function<Status(const std::string& sha256)>& delete_content);
  // Deletes the record. `check_unused(c)`, when given, runs in the deleting transaction
  // after the file's row is locked (LockFiles), so whatever it counts cannot change before
  // the deletion commits; an error from it aborts the deletion. Once the deletion has
  // committed, `delete_content(sha256)` runs when no file uses the bytes any more (as
  // DropContentIfUnused): a deletion that fails to commit never loses a file's bytes. A
  // failure to drop them leaves unreferenced bytes behind (logged), never a file without
  // bytes, and does not fail the deletion.
  Status Delete(const std::string& workspace_id, const std::string& id,
                const std::function<Status(Connection&)>& check_unused,
                const std::function<Status(const std::string& sha256)>& delete_content);

  // Locks the workspace's files `ids` for the rest of c's transaction against deletion
  // (a shared row lock on PostgreSQL; SQLite write transactions exclude each other) and
  // returns NotFound naming the first id that does not exist. For writers that make rows
  // refer to files: with the lock held, Delete's check_unused sees their rows.
  // REQUIRES: c is in Database::InTransaction(true, …).
  static Status LockFiles(Database& db, Connection& c, const std::string& workspace_id,
                          const std::vector<std::string>& ids);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
