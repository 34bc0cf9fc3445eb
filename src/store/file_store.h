// File records (metadata). Bytes live in a BlobStore, keyed by content SHA-256.
// Every call is scoped by workspace: another workspace's file is NotFound.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "model/records.h"
#include "store/database.h"
#include "store/paging.h"

namespace goldset::store {

class FileStore {
 public:
  explicit FileStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status Insert(const model::File& f);
  StatusOr<model::File> Get(const std::string& workspace_id, const std::string& id);
  StatusOr<Page<model::File>> List(const std::string& workspace_id, const std::string& name_contains,
                                   const PageRequest& page);
  // Deletes the record; returns the content hash and whether any other file still uses it,
  // so the caller can drop an orphaned blob.
  Status Delete(const std::string& workspace_id, const std::string& id, std::string* sha256,
                bool* still_referenced);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
