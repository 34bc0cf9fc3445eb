#include "store/comparison_store.h"

namespace goldset::store {

StatusOr<std::optional<std::string>> ComparisonStore::Get(const ComparisonKey& key) {
  auto rows = db_->Acquire()->Query(
      "SELECT body FROM run_comparisons WHERE run_id = ? AND baseline_run_id = ? AND parameters = ? "
      "AND workspace_id = ?",
      {key.run_id, key.baseline_run_id, key.parameters, key.workspace_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows->front().Text(0));
}

Status ComparisonStore::Put(const ComparisonKey& key, const std::string& body, int64_t now) {
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "INSERT INTO run_comparisons (run_id, baseline_run_id, parameters, workspace_id, body, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, baseline_run_id, parameters) DO NOTHING",
        {key.run_id, key.baseline_run_id, key.parameters, key.workspace_id, body, now});
  });
}

}  // namespace goldset::store
