// Versions of evaluation sets and revisions of their items (docs/evaluation.md
// § Versions, history and re-scoring).
//
// Every transaction that changes a set's items (create, update, delete, promote, revert)
// calls BeginChange first (it bumps the set's version and locks the set row, so changes
// of one set serialize and a run's snapshot sees a whole version), RecordRevision for
// each item it changed, then FinishChange (the new contentHash, the version row).
//
// contentHash: MultisetHash::Digest (common/multiset_hash.h) of the multiset of the items'
// digests; an item's digest is the lowercase hex SHA-256 of the canonical JSON
// (common/canonical_json.h) of {"expectedOutput": …, "fileIds": [the item's file id(s)]}.
// It depends only on the items' files and expected outputs (not on ids, order,
// timestamps or backend). The set row keeps the multiset sum (content_sum), so a change
// costs O(items changed), not O(set): FinishChange removes the changed items' old digests
// and adds their new ones. A set whose sum was never stored (from before migration 602)
// gets it computed from its items once, at its next change or read.
// Thread-safe (stateless; all state is in the database).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/paging.h"

namespace goldset::store {

// Who changed an item and why; reason is "create" | "update" | "promote" | "revert" | "delete".
struct RevisionCause {
  std::string reason = "update";
  std::optional<std::string> source_run_id;  // promote
  std::string actor_type = "api_key";
  std::optional<std::string> actor_name;
};

struct SetVersionRecord {
  std::string set_id;
  int64_t version = 0;
  std::string content_hash;
  int64_t item_count = 0, num_created = 0, num_updated = 0, num_deleted = 0;
  std::optional<std::string> created_by;
  int64_t created_at = 0;
};

struct ItemRevisionRecord {
  std::string set_id, item_id, workspace_id;
  int64_t revision = 0, set_version = 0;
  std::optional<std::string> file_id;
  std::string file_ids;                        // JSON array text or ""
  std::optional<std::string> expected_output;  // JSON text; nullopt for a deletion
  RevisionCause cause;
  int64_t changed_at = 0;
};

// The digest of one item (see above). `file_ids_json` is "" or a JSON array of ids.
std::string ItemContentDigest(const std::optional<std::string>& file_id, const std::string& file_ids_json,
                              const std::string& expected_output);

class SetHistory {
 public:
  struct Counts {
    int64_t created = 0, updated = 0, deleted = 0;
  };
  // The digests (ItemContentDigest) the change removed from and added to the set: an
  // updated item's old one removed and new one added.
  struct ContentChange {
    std::vector<std::string> removed, added;
  };
  // Bumps the set's version; returns the new one. NotFound when the set is not the
  // workspace's. REQUIRES: c is in a write transaction.
  static StatusOr<int64_t> BeginChange(Connection& c, const std::string& workspace_id, const std::string& set_id);
  // Appends the next revision of the item (revision numbers start at 1); returns it.
  static StatusOr<int64_t> RecordRevision(Connection& c, ItemRevisionRecord rev);
  // Records revision 1 of each of `revs`, items just created (no revision yet), in
  // multi-row INSERTs. REQUIRES: c is in a write transaction.
  static Status RecordFirstRevisions(Connection& c, const std::vector<ItemRevisionRecord>& revs);
  // Updates the set's content sum by `content` (or computes it from the items when none is
  // stored) and stores the new contentHash on the set and the version row.
  static Status FinishChange(Connection& c, const std::string& workspace_id, const std::string& set_id, int64_t version,
                             const Counts& counts, const ContentChange& content, const RevisionCause& cause,
                             int64_t now);
  // The contentHash of the set's current items, computed from all of them (read through c).
  static StatusOr<std::string> ComputeContentHash(Connection& c, const std::string& set_id);
  // The set's contentHash; for a set whose sum was never stored, computes it and stores it
  // unless the set changed meanwhile (`version` is the version the caller read).
  static StatusOr<std::string> CurrentContentHash(Connection& c, const std::string& set_id, int64_t version);

  // Newest first (or oldest first); cursor sort_value is the version.
  static StatusOr<Page<SetVersionRecord>> ListVersions(Connection& c, const std::string& set_id,
                                                       const PageRequest& page);
  // Revisions of one item, newest first (or oldest first); cursor sort_value is the revision.
  static StatusOr<Page<ItemRevisionRecord>> ListRevisions(Connection& c, const std::string& set_id,
                                                          const std::string& item_id, const PageRequest& page);
  static StatusOr<ItemRevisionRecord> GetRevision(Connection& c, const std::string& set_id, const std::string& item_id,
                                                  int64_t revision);
};

}  // namespace goldset::store
