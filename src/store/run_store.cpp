#include "store/run_store.h"

#include <algorithm>

#include "common/clock.h"
#include "common/log.h"
#include "common/json.h"
#include "store/run_rows.h"
#include "store/set_history.h"
#include "store/status_column.h"

namespace goldset::store {

RunRecord RunFromRow(const Row& r) {
  RunRecord x;
  x.id = r.Text(0);
  x.workspace_id = r.Text(1);
  x.set_id = r.Text(2);
  x.entity_kind = r.Text(3);
  x.entity_json = r.Text(4);
  x.entity_version_json = r.Text(5);
  x.config = r.Text(6);
  x.options = r.Text(7);
  x.status = RunStatusColumn(r.Text(8));
  if (!r.IsNull(9)) x.failure_message = r.Text(9);
  x.num_items = r.Int(10);
  x.num_done = r.Int(11);
  x.num_failed = r.Int(12);
  if (!r.IsNull(13)) x.metrics = r.Text(13);
  x.created_at = r.Int(14);
  x.updated_at = r.Int(15);
  if (!r.IsNull(16)) x.set_version = r.Int(16);
  if (!r.IsNull(17)) x.manifest = r.Text(17);
  if (!r.IsNull(18)) x.rescored_from = r.Text(18);
  return x;
}

RunItemRecord ItemFromRow(const Row& r) {
  RunItemRecord x;
  x.run_id = r.Text(0);
  x.item_id = r.Text(1);
  x.seq = r.Int(2);
  x.workspace_id = r.Text(3);
  if (!r.IsNull(4)) x.file_id = r.Text(4);
  x.file_ids = r.Text(5);
  x.expected_output = r.Text(6);
  x.status = ItemStatusColumn(r.Text(7));
  x.attempts = static_cast<int>(r.Int(8));
  x.lease_owner = r.Text(9);
  if (!r.IsNull(10)) x.output = r.Text(10);
  if (!r.IsNull(11)) x.result = r.Text(11);
  if (!r.IsNull(12)) x.correct = r.Int(12) != 0;
  if (!r.IsNull(13)) x.error_code = r.Text(13);
  if (!r.IsNull(14)) x.error_message = r.Text(14);
  if (!r.IsNull(15)) x.latency_ms = r.Int(15);
  if (!r.IsNull(16)) x.num_pages = static_cast<int>(r.Int(16));
  x.updated_at = r.Int(17);
  return x;
}

StatusOr<RunRecord> ReadRunForUpdate(Database& db, Connection& c, const std::string& run_id) {
  auto rows = c.Query(
      std::string("SELECT ") + kRunCols + " FROM evaluation_runs WHERE id = ?" + std::string(db.ForUpdate()), {run_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Evaluation set run " + run_id + " not found");
  return RunFromRow(rows->front());
}

Status StampSetVersion(Database& db, Connection& c, RunRecord* run) {
  auto set = c.Query("SELECT version, content_hash FROM evaluation_sets WHERE id = ?" + std::string(db.ForShare()),
                     {run->set_id});
  if (!set.ok()) return set.status();
  if (set->empty()) return Status::NotFound("Evaluation set " + run->set_id + " not found");
  run->set_version = set->front().Int(0);
  std::string hash = set->front().Text(1);
  if (!run->manifest) return Status::OK();
  auto m = ParseJson(*run->manifest);
  if (!m.ok() || !m->is_object()) return Status::OK();
  if (hash.empty()) {  // never computed under the current definition (migration 602)
    auto computed = SetHistory::CurrentContentHash(c, run->set_id, *run->set_version);
    if (!computed.ok()) return computed.status();
    hash = *computed;
  }
  m->as_object()["evaluationSetVersion"] = *run->set_version;
  m->as_object()["contentHash"] = hash;
  run->manifest = json::serialize(*m);
  return Status::OK();
}

Status RunStore::CreateRun(RunRecord* run, const std::vector<std::string>& item_ids) {
  GOLDSET_RETURN_IF_ERROR(InsertRun(run, item_ids));
  RefreshClaimStatistics(run->num_items);
  return Status::OK();
}

void RunStore::RefreshClaimStatistics(int64_t new_items) {
  constexpr int64_t kItemsWorthAnAnalyze = 1000;
  if (db_->backend() != Backend::kPostgres || new_items < kItemsWorthAnAnalyze) return;
  // Without it PostgreSQL plans claims from statistics taken when few items were pending
  // (most of the table is finished items): it estimates a couple of due rows, reads every
  // pending row through a bitmap and sorts them all, each claim (10,000 rows per claim for
  // a 10,000-item run) instead of the first k from the claim index. Only the claim's
  // columns; after the commit, so no lock of the run's is held meanwhile.
  const int64_t start = NowMillis();
  if (Status st = db_->Acquire()->Exec("ANALYZE evaluation_run_items (status, next_attempt_at)"); !st.ok()) {
    LogError("statistics of evaluation_run_items not refreshed after a run of " + std::to_string(new_items) +
             " items (claims may read every pending item until autovacuum does it): " + st.message());
    return;
  }
  if (const int64_t took = NowMillis() - start; took > 1000)
    LogInfo("statistics of evaluation_run_items refreshed for a run of " + std::to_string(new_items) + " items in " +
            std::to_string(took) + " ms");
}

Status RunStore::InsertRun(RunRecord* run, const std::vector<std::string>& item_ids) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    // The set row's lock orders this snapshot against item changes (SetHistory::BeginChange
    // updates the row first): the items copied below are exactly the version read here.
    GOLDSET_RETURN_IF_ERROR(StampSetVersion(*db_, c, run));
    GOLDSET_RETURN_IF_ERROR(c.Exec(std::string("INSERT INTO evaluation_runs (") + kRunCols +
                                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, 0, NULL, ?, ?, ?, ?, NULL)",
                                   {run->id, run->workspace_id, run->set_id, run->entity_kind, run->entity_json,
                                    run->entity_version_json, run->config, run->options, StatusParam(run->status),
                                    run->created_at, run->updated_at, *run->set_version, OptText(run->manifest)}));
    const std::string insert =
        "INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, file_ids, "
        "expected_output, status, attempts, next_attempt_at, updated_at) "
        "SELECT ?, id, ? + ROW_NUMBER() OVER (ORDER BY created_at, id), workspace_id, file_id, file_ids, "
        "expected_output, 'PENDING', 0, ?, ? FROM evaluation_set_items WHERE set_id = ?";
    int64_t total = 0;
    if (item_ids.empty()) {
      GOLDSET_RETURN_IF_ERROR(c.Exec(insert, {run->id, int64_t{0}, run->created_at, run->created_at, run->set_id}));
      total = c.Changes();
    } else {
      for (size_t i = 0; i < item_ids.size(); i += 500) {
        std::string sql = insert + " AND id IN (";
        std::vector<Param> params{run->id, total, run->created_at, run->created_at, run->set_id};
        for (size_t j = i; j < std::min(item_ids.size(), i + 500); ++j) {
          sql += j == i ? "?" : ", ?";
          params.push_back(item_ids[j]);
        }
        sql += ")";
        GOLDSET_RETURN_IF_ERROR(c.Exec(sql, params));
        total += c.Changes();
      }
    }
    run->num_items = total;
    return c.Exec("UPDATE evaluation_runs SET num_items = ? WHERE id = ?", {total, run->id});
  });
}

StatusOr<RunRecord> RunStore::GetRun(const std::string& workspace_id, const std::string& id) {
  auto rows = db_->Acquire()->Query(
      std::string("SELECT ") + kRunCols + " FROM evaluation_runs WHERE workspace_id = ? AND id = ?",
      {workspace_id, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Evaluation set run " + id + " not found");
  return RunFromRow(rows->front());
}

StatusOr<RunRecord> RunStore::GetRunAnyWorkspace(const std::string& id) {
  auto rows = db_->Acquire()->Query(std::string("SELECT ") + kRunCols + " FROM evaluation_runs WHERE id = ?", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Evaluation set run " + id + " not found");
  return RunFromRow(rows->front());
}

StatusOr<Page<RunRecord>> RunStore::ListRuns(const std::string& workspace_id, const std::string& set_id,
                                             const PageRequest& page) {
  std::string sql = std::string("SELECT ") + kRunCols + " FROM evaluation_runs WHERE workspace_id = ?";
  std::vector<Param> params{workspace_id};
  if (!set_id.empty()) {
    sql += " AND set_id = ?";
    params.push_back(set_id);
  }
  AppendKeyset(page, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  return ToPage<RunRecord>(*rows, page, RunFromRow);
}

StatusOr<RunRecord> RunStore::Cancel(const std::string& workspace_id, const std::string& run_id,
                                     const RunFinalizer& finalize) {
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto rows =
        c.Query("SELECT status FROM evaluation_runs WHERE workspace_id = ? AND id = ?" + std::string(db_->ForUpdate()),
                {workspace_id, run_id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("Evaluation set run " + run_id + " not found");
    const model::RunStatus status = RunStatusColumn(rows->front().Text(0));
    if (status != model::RunStatus::kPending && status != model::RunStatus::kProcessing)
      return Status::InvalidArgument("Run " + run_id + " is " + model::ToString(status) + " and cannot be cancelled");
    int64_t now = NowMillis();
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        "UPDATE evaluation_run_items SET status = 'CANCELLED', updated_at = ? WHERE run_id = ? AND status = 'PENDING'",
        {now, run_id}));
    int64_t cancelled = c.Changes();
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE evaluation_runs SET status = 'CANCELLING', num_done = num_done + ?, updated_at = ? WHERE id = ?",
               {cancelled, now, run_id}));
    return FinishRunIfDone(c, run_id, finalize);
  });
  if (!st.ok()) return st;
  return GetRun(workspace_id, run_id);
}

StatusOr<std::vector<RunItemRecord>> RunStore::ListItems(const std::string& run_id, int64_t after_seq, int limit) {
  GOLDSET_ASSIGN_OR_RETURN(
      auto rows, ItemRowsAfter(*db_->Acquire(), std::string("SELECT ") + kItemCols + " FROM evaluation_run_items",
                               run_id, after_seq, limit));
  std::vector<RunItemRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ItemFromRow(r));
  return out;
}

StatusOr<RunItemRecord> RunStore::GetItem(const std::string& run_id, const std::string& item_id) {
  auto rows = db_->Acquire()->Query(
      std::string("SELECT ") + kItemCols + " FROM evaluation_run_items WHERE run_id = ? AND item_id = ?",
      {run_id, item_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Item " + item_id + " is not part of run " + run_id);
  return ItemFromRow(rows->front());
}

StatusOr<int64_t> LastItemSeq(Connection& c, const std::string& run_id) {
  auto rows = c.Query("SELECT MAX(seq) FROM evaluation_run_items WHERE run_id = ?", {run_id});
  if (!rows.ok()) return rows.status();
  return rows->empty() || rows->front().IsNull(0) ? 0 : rows->front().Int(0);
}

StatusOr<std::vector<Row>> ItemRowsAfter(Connection& c, const std::string& select_from, const std::string& run_id,
                                         int64_t after_seq, int limit) {
  std::vector<Row> rows;
  if (limit <= 0) return rows;
  GOLDSET_ASSIGN_OR_RETURN(int64_t last, LastItemSeq(c, run_id));
  const std::string sql = select_from + " WHERE run_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
  for (int64_t after = after_seq, window = limit; after < last && rows.size() < static_cast<size_t>(limit);
       after += window, window = std::min<int64_t>(window * 2, int64_t{1} << 30)) {
    auto page = c.Query(sql, {run_id, after, after + window, int64_t{limit} - static_cast<int64_t>(rows.size())});
    if (!page.ok()) return page.status();
    for (Row& r : *page) rows.push_back(std::move(r));
  }
  return rows;
}

Status RunStore::ForEachFinishedItem(Connection& c, const std::string& run_id,
                                     const std::function<void(const RunItemRecord&)>& fn) {
  // Pages (windows of seq, kSeqWindow) keep memory flat for runs of 100,000 items with
  // large outputs.
  GOLDSET_ASSIGN_OR_RETURN(int64_t last, LastItemSeq(c, run_id));
  for (int64_t after = 0; after < last; after += kSeqWindow) {
    auto rows = c.Query(std::string("SELECT ") + kItemCols +
                            " FROM evaluation_run_items WHERE run_id = ? AND seq > ? AND seq <= ? "
                            "AND status IN ('PROCESSED', 'FAILED') ORDER BY seq",
                        {run_id, after, after + kSeqWindow});
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) fn(ItemFromRow(r));
  }
  return Status::OK();
}

Status RunStore::ForEachFinishedItem(const std::string& run_id, const std::function<void(const RunItemRecord&)>& fn) {
  auto c = db_->Acquire();
  return ForEachFinishedItem(*c, run_id, fn);
}

Status RunStore::ForEachItemId(const std::string& run_id, const std::function<void(const std::string&)>& fn) {
  auto rows = db_->Acquire()->Query("SELECT item_id FROM evaluation_run_items WHERE run_id = ?", {run_id});
  if (!rows.ok()) return rows.status();
  for (const Row& r : *rows) fn(r.Text(0));
  return Status::OK();
}

}  // namespace goldset::store
