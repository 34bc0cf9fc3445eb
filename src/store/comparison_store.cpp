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

StatusOr<bool> ComparisonStore::Put(const ComparisonKey& key, const std::string& body, int64_t now,
                                    int64_t max_per_pair) {
  bool stored = false;
  Status st = db_->InTransaction(true, [&](Connection& c) {
    auto count = QueryInt(
        c, "SELECT COUNT(*) FROM run_comparisons WHERE run_id = ? AND baseline_run_id = ? AND workspace_id = ?",
        {key.run_id, key.baseline_run_id, key.workspace_id});
    if (!count.ok()) return count.status();
    if (*count >= max_per_pair) return Status::OK();
    Status ins = c.Exec(
        "INSERT INTO run_comparisons (run_id, baseline_run_id, parameters, workspace_id, body, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, baseline_run_id, parameters) DO NOTHING",
        {key.run_id, key.baseline_run_id, key.parameters, key.workspace_id, body, now});
    stored = ins.ok() && c.Changes() > 0;
    return ins;
  });
  if (!st.ok()) return st;
  return stored;
}

}  // namespace goldset::store
