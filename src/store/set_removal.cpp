#include "store/set_removal.h"

namespace goldset::store {

Status DeleteSetsWithRuns(Database& db, const std::string& workspace_id, const std::vector<std::string>& set_ids) {
  if (set_ids.empty()) return Status::OK();
  return db.InTransaction(true, [&](Connection& c) -> Status {
    for (const std::string& set_id : set_ids) {
      // The set's row first, then its runs' rows: a run being created holds the set row's
      // share lock (StampSetVersion) and a re-scoring job writing items the run's row, so
      // each either commits before the deletes below (which then see its items) or finds
      // its run gone and writes none. On PostgreSQL no foreign key catches a run item left
      // without its run (migration 900).
      GOLDSET_RETURN_IF_ERROR(
          c.Query("SELECT id FROM evaluation_sets WHERE workspace_id = ? AND id = ?" + std::string(db.ForUpdate()),
                  {workspace_id, set_id})
              .status());
      const std::string runs = "SELECT id FROM evaluation_runs WHERE workspace_id = ? AND set_id = ?";
      GOLDSET_RETURN_IF_ERROR(c.Query(runs + std::string(db.ForUpdate()), {workspace_id, set_id}).status());
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("DELETE FROM run_comparisons WHERE run_id IN (" + runs + ") OR baseline_run_id IN (" + runs + ")",
                 {workspace_id, set_id, workspace_id, set_id}));
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("DELETE FROM run_analyses WHERE run_id IN (" + runs + ")", {workspace_id, set_id}));
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("DELETE FROM evaluation_run_items WHERE run_id IN (" + runs + ")", {workspace_id, set_id}));
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("DELETE FROM evaluation_run_rescores WHERE run_id IN (" + runs + ")", {workspace_id, set_id}));
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("DELETE FROM evaluation_runs WHERE workspace_id = ? AND set_id = ?", {workspace_id, set_id}));
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("DELETE FROM evaluation_set_items WHERE set_id IN (SELECT id FROM evaluation_sets WHERE workspace_id "
                 "= ? AND id = ?)",
                 {workspace_id, set_id}));
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("DELETE FROM evaluation_sets WHERE workspace_id = ? AND id = ?", {workspace_id, set_id}));
    }
    return Status::OK();
  });
}

}  // namespace goldset::store
