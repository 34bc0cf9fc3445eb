#include "store/set_removal.h"

namespace goldset::store {

Status DeleteSetsWithRuns(Database& db, const std::string& workspace_id, const std::vector<std::string>& set_ids) {
  if (set_ids.empty()) return Status::OK();
  return db.InTransaction(true, [&](Connection& c) -> Status {
    for (const std::string& set_id : set_ids) {
      const std::string runs = "SELECT id FROM evaluation_runs WHERE workspace_id = ? AND set_id = ?";
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
