#include "store/analysis_store.h"

namespace goldset::store {

namespace {

Status Insert(Connection& c, const AnalysisKey& key, const std::string& body, int64_t now) {
  return c.Exec(
      "INSERT INTO run_analyses (run_id, parameters, workspace_id, body, created_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (run_id, parameters) DO NOTHING",
      {key.run_id, key.parameters, key.workspace_id, body, now});
}

}  // namespace

StatusOr<std::optional<std::string>> AnalysisStore::Get(const AnalysisKey& key) {
  auto rows =
      db_->Acquire()->Query("SELECT body FROM run_analyses WHERE run_id = ? AND parameters = ? AND workspace_id = ?",
                            {key.run_id, key.parameters, key.workspace_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows->front().Text(0));
}

StatusOr<bool> AnalysisStore::Put(const AnalysisKey& key, const std::string& body, int64_t now, int64_t max_per_run) {
  bool stored = false;
  Status st = db_->InTransaction(true, [&](Connection& c) {
    auto count = QueryInt(c, "SELECT COUNT(*) FROM run_analyses WHERE run_id = ? AND workspace_id = ?",
                          {key.run_id, key.workspace_id});
    if (!count.ok()) return count.status();
    if (*count >= max_per_run) return Status::OK();
    Status ins = Insert(c, key, body, now);
    stored = ins.ok() && c.Changes() > 0;
    return ins;
  });
  if (!st.ok()) return st;
  return stored;
}

Status AnalysisStore::PutAtFinish(Connection& c, const AnalysisKey& key, const std::string& body, int64_t now) {
  return Insert(c, key, body, now);
}

}  // namespace goldset::store
