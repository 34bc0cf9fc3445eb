// Processors (extractors, classifiers, splitters) and their versions.
//
// Every call is scoped by workspace and kind: another workspace's processor, a
// processor of another kind, and a deleted processor are all NotFound. Published
// versions are written once and never updated; only the draft (on the processor row)
// changes. Version numbers: releaseType major -> (highest major + 1).0, the first
// being 1.0; minor -> highest major.(its highest minor + 1), the first being 0.1.
//
// Thread-safety: thread-safe. in_use_check must be set before the store is shared.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/processor.h"
#include "store/database.h"
#include "store/paging.h"

namespace goldset::store {

enum class ReleaseType { kMajor, kMinor };

class ProcessorStore {
 public:
  explicit ProcessorStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // Called inside Delete's write transaction: true refuses the deletion (400) because
  // something (an evaluation set) still refers to the processor. Unset: never in use.
  std::function<StatusOr<bool>(Connection&, const std::string& processor_id)> in_use_check;

  // Called inside each change's write transaction with the event suffix ("created",
  // "updated", "draft.updated", "version.published", "deleted"), the processor after the
  // change and, for publishes, the new version. An error rolls the change back. Used to
  // write webhook events atomically with the change. Unset: nothing is called.
  std::function<Status(Connection&, const std::string& event, const model::Processor&,
                       const model::ProcessorVersion* version)>
      on_change;

  // Inserts p (id, draft_version_id and timestamps already set by the caller).
  Status Create(const model::Processor& p);
  StatusOr<model::Processor> Get(const std::string& workspace_id, model::ProcessorKind kind, const std::string& id);
  // A processor of any kind, judged by the row (for evaluation sets' entityId).
  StatusOr<model::Processor> Find(const std::string& workspace_id, const std::string& id);
  StatusOr<model::Processor> FindIn(Connection& c, const std::string& workspace_id, const std::string& id);
  StatusOr<Page<model::Processor>> List(const std::string& workspace_id, model::ProcessorKind kind,
                                        const PageRequest& page);

  // Renames and/or replaces the draft config; returns the processor after the change.
  // Nothing given: returns it unchanged.
  StatusOr<model::Processor> Update(const std::string& workspace_id, model::ProcessorKind kind, const std::string& id,
                                    const std::optional<std::string>& name,
                                    const std::optional<std::string>& draft_config, const std::string& by, int64_t now);

  // Publishes `config` (or the current draft config when nullopt) as the next version.
  StatusOr<model::ProcessorVersion> Publish(const std::string& workspace_id, model::ProcessorKind kind,
                                            const std::string& id, ReleaseType release,
                                            const std::optional<std::string>& description,
                                            const std::optional<std::string>& config, const std::string& by,
                                            int64_t now);

  // Draft first, then published versions newest first (sortDir desc, the default);
  // ascending is the exact reverse. The page cursor is (version ordinal, id).
  StatusOr<Page<model::ProcessorVersion>> ListVersions(const std::string& workspace_id, model::ProcessorKind kind,
                                                       const std::string& id, const PageRequest& page);

  // Resolves a version reference: "draft"; "latest" (newest published, else draft);
  // a number "1.0"; and, when allow_id, a version id (the draft's included).
  // Unknown numbers/ids: NotFound. A malformed reference without allow_id: InvalidArgument.
  StatusOr<model::ProcessorVersion> ResolveVersion(const std::string& workspace_id, model::ProcessorKind kind,
                                                   const std::string& id, const std::string& ref, bool allow_id);
  StatusOr<model::ProcessorVersion> ResolveVersionIn(Connection& c, const model::Processor& p, const std::string& ref,
                                                     bool allow_id);

  // Soft-deletes; InvalidArgument while in_use_check says the processor is in use.
  Status Delete(const std::string& workspace_id, model::ProcessorKind kind, const std::string& id);

  // The draft as a version object.
  static model::ProcessorVersion DraftOf(const model::Processor& p);

 private:
  // `lock`: read-modify-write transactions lock the row (ForUpdate), so on PostgreSQL a
  // concurrent update waits and then reads this one's result instead of overwriting it.
  StatusOr<model::Processor> GetIn(Connection& c, const std::string& workspace_id, model::ProcessorKind kind,
                                   const std::string& id, bool lock = false);
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
