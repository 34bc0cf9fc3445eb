// Evaluation sets and their items. Every call is scoped by workspace; another
// workspace's set or item is NotFound. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/paging.h"
#include "store/set_history.h"

namespace goldset::store {

struct EvaluationSetRecord {
  std::string id, workspace_id, name, description, entity_id, entity_kind;
  std::optional<std::string> created_by;
  int64_t created_at = 0, updated_at = 0;
  // Versions (set_history.h): 0 until the first change of the set's items.
  int64_t version = 0;
  std::string content_hash;  // of the current items (computed on read for sets from before versions)
};

struct EvaluationItemRecord {
  std::string id, workspace_id, set_id;
  std::optional<std::string> file_id;
  std::vector<std::string> file_ids;  // multifile items; empty otherwise
  std::string expected_output;        // JSON text
  std::optional<std::string> created_by;
  int64_t created_at = 0, updated_at = 0;
};

class EvaluationStore {
 public:
  explicit EvaluationStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // NotFound when the set's processor (entity_id) does not exist (any more).
  Status InsertSet(const EvaluationSetRecord& s);
  StatusOr<EvaluationSetRecord> GetSet(const std::string& workspace_id, const std::string& id);
  StatusOr<Page<EvaluationSetRecord>> ListSets(const std::string& workspace_id, const std::string& entity_id,
                                               const PageRequest& page);
  StatusOr<int64_t> CountItems(const std::string& set_id);
  // Whether any evaluation set of the workspace names `entity_id` (processors can't be deleted then).
  StatusOr<bool> EntityInUse(Connection& c, const std::string& entity_id);

  // Inserts all items in one transaction (all-or-nothing) and touches the set's updatedAt;
  // one new set version, one "create" revision per item.
  // Re-checks, under FileStore::LockFiles, that every file the items use still exists
  // (NotFound "items[i].fileId: …" otherwise), so a concurrent file deletion either sees
  // the items or makes this fail: an item never refers to a deleted file.
  Status InsertItems(const std::string& set_id, const std::vector<EvaluationItemRecord>& items);
  StatusOr<EvaluationItemRecord> GetItem(const std::string& workspace_id, const std::string& set_id,
                                         const std::string& item_id);
  // A page of the set's items. NotFound when the workspace has no such set: the set is
  // checked in the page's statement, so a list page costs PostgreSQL one round trip, not two.
  StatusOr<Page<EvaluationItemRecord>> ListItems(const std::string& workspace_id, const std::string& set_id,
                                                 const PageRequest& page);
  // A new revision of the item (cause: update, promote or revert) and a new set version.
  // Returns the new revision number.
  StatusOr<int64_t> UpdateItemExpected(const std::string& workspace_id, const std::string& set_id,
                                       const std::string& item_id, const std::string& expected_output, int64_t now,
                                       const RevisionCause& cause = {});
  // Records a "delete" revision and a new set version.
  Status DeleteItem(const std::string& workspace_id, const std::string& set_id, const std::string& item_id,
                    const RevisionCause& cause = {"delete"});
  // Items of a set, by id (for run creation over a subset). Missing ids are simply absent.
  StatusOr<std::vector<std::string>> ExistingItemIds(const std::string& set_id, const std::vector<std::string>& ids);
  // How many items reference the file (files in use can't be deleted). Call it inside
  // the deleting transaction, with the file's row locked (FileStore::Delete's check_unused).
  static StatusOr<int64_t> CountItemsUsingFile(Connection& c, const std::string& workspace_id,
                                               const std::string& file_id);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
