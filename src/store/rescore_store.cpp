#include "store/rescore_store.h"

#include "common/clock.h"
#include "store/status_column.h"

namespace goldset::store {

namespace {

constexpr const char* kJobCols = "run_id, workspace_id, source_run_id, expected_from_set, attempts, lease_owner";

RescoreJob JobFromRow(const Row& r) {
  RescoreJob j;
  j.run_id = r.Text(0);
  j.workspace_id = r.Text(1);
  j.source_run_id = r.Text(2);
  j.expected_from_set = r.Int(3) != 0;
  j.attempts = static_cast<int>(r.Int(4));
  j.lease_owner = r.Text(5);
  return j;
}

// Whether `claimed` still holds its job; takes the job row's lock, so a page, the finish
// and a claim by another worker serialize.
StatusOr<bool> Holds(Database& db, Connection& c, const RescoreJob& claimed) {
  auto rows = c.Query(
      "SELECT 1 FROM evaluation_run_rescores WHERE run_id = ? AND lease_owner = ?" + std::string(db.ForUpdate()),
      {claimed.run_id, claimed.lease_owner});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

// Rows per INSERT statement: fewer statements (and, on PostgreSQL, round trips) per page,
// within both backends' bind-parameter limits (17 per row).
constexpr size_t kRowsPerInsert = 50;

}  // namespace

Status RescoreStore::Create(RunRecord* run, const RunRecord& source, bool expected_from_set) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    if (expected_from_set) GOLDSET_RETURN_IF_ERROR(StampSetVersion(*db_, c, run));
    run->status = model::RunStatus::kPending;
    run->num_items = source.num_items;
    run->rescored_from = source.id;
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO evaluation_runs (id, workspace_id, set_id, entity_kind, entity_json, entity_version_json, config, "
        "options, status, failure_message, num_items, num_done, num_failed, metrics, created_at, updated_at, "
        "set_version, manifest, rescored_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', NULL, ?, 0, 0, NULL, ?, ?, "
        "?, ?, ?)",
        {run->id, run->workspace_id, run->set_id, run->entity_kind, run->entity_json, run->entity_version_json,
         run->config, run->options, run->num_items, run->created_at, run->updated_at,
         run->set_version ? Param(*run->set_version) : Param(Null{}), OptText(run->manifest), source.id}));
    return c.Exec(
        "INSERT INTO evaluation_run_rescores (run_id, workspace_id, source_run_id, expected_from_set, attempts, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
        {run->id, run->workspace_id, source.id, int64_t{expected_from_set}, run->created_at, run->created_at});
  });
}

StatusOr<std::optional<RescoreJob>> RescoreStore::Claim(const std::string& owner, int64_t now, int64_t lease_ms,
                                                        const std::string& node) {
  std::optional<RescoreJob> claimed;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    for (const char* due : {"lease_until < ?", "lease_until IS NULL AND next_attempt_at <= ?"}) {
      auto rows = c.Query(std::string("UPDATE evaluation_run_rescores SET lease_owner = ?, lease_node = ?, "
                                      "lease_until = ?, attempts = attempts + 1 WHERE run_id IN (SELECT run_id FROM "
                                      "evaluation_run_rescores WHERE ") +
                              due + " ORDER BY next_attempt_at, run_id LIMIT 1" +
                              std::string(db_->ForUpdateSkipLocked()) + ") RETURNING " + kJobCols,
                          {owner, node, now + lease_ms, now});
      if (!rows.ok()) return rows.status();
      if (!rows->empty()) {
        claimed = JobFromRow(rows->front());
        return c.Exec(
            "UPDATE evaluation_runs SET status = 'PROCESSING', updated_at = ? WHERE id = ? AND status = 'PENDING'",
            {now, claimed->run_id});
      }
    }
    return Status::OK();
  });
  if (!st.ok()) return st;
  return claimed;
}

StatusOr<bool> RescoreStore::RenewLease(const RescoreJob& claimed, int64_t until) {
  GOLDSET_ASSIGN_OR_RETURN(
      int64_t changed,
      ExecCountingChanges(*db_,
                          "UPDATE evaluation_run_rescores SET lease_until = ? WHERE run_id = ? AND lease_owner = ?",
                          {until, claimed.run_id, claimed.lease_owner}));
  return changed > 0;
}

Status RescoreStore::Release(const RescoreJob& claimed, int64_t next_attempt_at, bool refund_attempt) {
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "UPDATE evaluation_run_rescores SET lease_owner = NULL, lease_node = NULL, lease_until = NULL, "
        "next_attempt_at = ?, attempts = attempts - ? WHERE run_id = ? AND lease_owner = ?",
        {next_attempt_at, int64_t{refund_attempt ? 1 : 0}, claimed.run_id, claimed.lease_owner});
  });
}

StatusOr<int64_t> RescoreStore::ExpireClaimsOfNode(const std::string& node) {
  return ExecCountingChanges(
      *db_, "UPDATE evaluation_run_rescores SET lease_until = 0 WHERE lease_node = ? AND lease_until IS NOT NULL",
      {node});
}

StatusOr<bool> RescoreStore::BeginAttempt(const RescoreJob& claimed, int64_t num_items) {
  bool held = false;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto holds = Holds(*db_, c, claimed);
    if (!holds.ok()) return holds.status();
    if (!(held = *holds)) return Status::OK();
    GOLDSET_RETURN_IF_ERROR(c.Exec("DELETE FROM evaluation_run_items WHERE run_id = ?", {claimed.run_id}));
    // Also while cancelling: the counters must keep agreeing with the items (doctor).
    return c.Exec(
        "UPDATE evaluation_runs SET num_items = ?, num_done = 0, num_failed = 0, updated_at = ? "
        "WHERE id = ? AND status IN ('PENDING', 'PROCESSING', 'CANCELLING')",
        {num_items, NowMillis(), claimed.run_id});
  });
  if (!st.ok()) return st;
  return held;
}

StatusOr<std::map<std::string, std::string>> RescoreStore::ExpectedAtVersion(const std::string& set_id,
                                                                             int64_t version) {
  // Revisions are numbered in version order, so the last one per item at or before
  // `version` is the item as that version had it (none or a deletion: not in it).
  auto rows = db_->Acquire()->Query(
      "SELECT item_id, expected_output FROM evaluation_item_revisions WHERE set_id = ? AND set_version <= ? "
      "ORDER BY item_id, revision",
      {set_id, version});
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::string> out;
  for (const Row& r : *rows) {
    if (r.IsNull(1)) out.erase(r.Text(0));
    else out[r.Text(0)] = r.Text(1);
  }
  return out;
}

StatusOr<std::vector<RunItemRecord>> RescoreStore::SourcePage(const std::string& source_run_id, int64_t after_seq,
                                                              int limit) {
  GOLDSET_ASSIGN_OR_RETURN(
      auto rows,
      ItemRowsAfter(*db_->Acquire(),
                    "SELECT item_id, seq, workspace_id, file_id, file_ids, expected_output, status, attempts, output, "
                    "CASE WHEN result LIKE '%\"warnings\"%' THEN result END, error_code, error_message, latency_ms, "
                    "num_pages FROM evaluation_run_items",
                    source_run_id, after_seq, limit));
  std::vector<RunItemRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    RunItemRecord x;
    x.run_id = source_run_id;
    x.item_id = r.Text(0);
    x.seq = r.Int(1);
    x.workspace_id = r.Text(2);
    if (!r.IsNull(3)) x.file_id = r.Text(3);
    x.file_ids = r.Text(4);
    x.expected_output = r.Text(5);
    x.status = ItemStatusColumn(r.Text(6));
    x.attempts = static_cast<int>(r.Int(7));
    if (!r.IsNull(8)) x.output = r.Text(8);
    if (!r.IsNull(9)) x.result = r.Text(9);
    if (!r.IsNull(10)) x.error_code = r.Text(10);
    if (!r.IsNull(11)) x.error_message = r.Text(11);
    if (!r.IsNull(12)) x.latency_ms = r.Int(12);
    if (!r.IsNull(13)) x.num_pages = static_cast<int>(r.Int(13));
    out.push_back(std::move(x));
  }
  return out;
}

StatusOr<bool> RescoreStore::InsertItems(const RescoreJob& claimed, std::vector<RunItemRecord> items,
                                         int64_t num_failed) {
  bool written = false;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto holds = Holds(*db_, c, claimed);
    if (!holds.ok()) return holds.status();
    if (!*holds) return Status::OK();
    // A run being cancelled takes no more items; the caller then finishes it.
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE evaluation_runs SET num_done = num_done + ?, num_failed = num_failed + ?, updated_at = ? "
               "WHERE id = ? AND status IN ('PENDING', 'PROCESSING')",
               {static_cast<int64_t>(items.size()), num_failed, NowMillis(), claimed.run_id}));
    if (c.Changes() == 0) return Status::OK();
    for (size_t from = 0; from < items.size(); from += kRowsPerInsert) {
      const size_t to = std::min(items.size(), from + kRowsPerInsert);
      std::string sql =
          "INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, file_ids, expected_output, "
          "status, attempts, next_attempt_at, output, result, correct, error_code, error_message, latency_ms, "
          "num_pages, "
          "updated_at) VALUES ";
      std::vector<Param> params;
      params.reserve((to - from) * 17);
      for (size_t i = from; i < to; ++i) {
        RunItemRecord& it = items[i];
        sql += i == from ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)"
                         : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)";
        auto moved = [](std::optional<std::string>& s) { return s ? Param(std::move(*s)) : Param(Null{}); };
        params.push_back(claimed.run_id);
        params.push_back(std::move(it.item_id));
        params.push_back(it.seq);
        params.push_back(std::move(it.workspace_id));
        params.push_back(moved(it.file_id));
        params.push_back(it.file_ids.empty() ? Param(Null{}) : Param(std::move(it.file_ids)));
        params.push_back(std::move(it.expected_output));
        params.push_back(StatusParam(it.status));
        params.push_back(int64_t{it.attempts});
        params.push_back(moved(it.output));
        params.push_back(moved(it.result));
        params.push_back(it.correct ? Param(int64_t{*it.correct}) : Param(Null{}));
        params.push_back(moved(it.error_code));
        params.push_back(it.error_message ? Param(StoredText(*it.error_message)) : Param(Null{}));
        params.push_back(it.latency_ms ? Param(*it.latency_ms) : Param(Null{}));
        params.push_back(it.num_pages ? Param(int64_t{*it.num_pages}) : Param(Null{}));
        params.push_back(it.updated_at);
      }
      GOLDSET_RETURN_IF_ERROR(c.Exec(sql, params));
    }
    written = true;
    return Status::OK();
  });
  if (!st.ok()) return st;
  return written;
}

StatusOr<std::optional<RunRecord>> RescoreStore::Finish(const RescoreJob& claimed, const RunFinalizer& finalize) {
  std::optional<RunRecord> finished;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto holds = Holds(*db_, c, claimed);
    if (!holds.ok()) return holds.status();
    if (!*holds) return Status::OK();
    auto run = ReadRunForUpdate(*db_, c, claimed.run_id);
    if (!run.ok()) return run.status();
    GOLDSET_RETURN_IF_ERROR(c.Exec("DELETE FROM evaluation_run_rescores WHERE run_id = ?", {claimed.run_id}));
    if (!run->finished()) {  // else cancelled and finished by RunStore::Cancel meanwhile
      if (run->status == model::RunStatus::kCancelling) {
        run->status = model::RunStatus::kCancelled;
        run->num_items = run->num_done;
      } else if (run->num_items > 0 && run->num_failed == run->num_items) {
        run->status = model::RunStatus::kFailed;
        run->failure_message = "Every item failed; see the run's results for each item's error";
      } else {
        run->status = model::RunStatus::kProcessed;
      }
      run->updated_at = NowMillis();
      auto metrics = finalize(c, *run);
      if (!metrics.ok()) return metrics.status();
      run->metrics = *metrics;
      GOLDSET_RETURN_IF_ERROR(c.Exec(
          "UPDATE evaluation_runs SET status = ?, failure_message = ?, num_items = ?, metrics = ?, updated_at = ? "
          "WHERE id = ?",
          {StatusParam(run->status), OptText(run->failure_message), run->num_items, *metrics, run->updated_at,
           run->id}));
    }
    finished = std::move(*run);
    return Status::OK();
  });
  if (!st.ok()) return st;
  return finished;
}

Status RescoreStore::Fail(const RescoreJob& claimed, const std::string& message, const RunFinalizer& finalize) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    auto holds = Holds(*db_, c, claimed);
    if (!holds.ok()) return holds.status();
    if (!*holds) return Status::OK();
    auto run = ReadRunForUpdate(*db_, c, claimed.run_id);
    if (!run.ok()) return run.status();
    GOLDSET_RETURN_IF_ERROR(c.Exec("DELETE FROM evaluation_run_rescores WHERE run_id = ?", {claimed.run_id}));
    if (run->finished()) return Status::OK();
    run->status = model::RunStatus::kFailed;
    run->failure_message = StoredText(message);
    run->num_items = run->num_done;
    run->updated_at = NowMillis();
    auto metrics = finalize(c, *run);
    if (!metrics.ok()) return metrics.status();
    return c.Exec(
        "UPDATE evaluation_runs SET status = 'FAILED', failure_message = ?, num_items = ?, metrics = ?, "
        "updated_at = ? WHERE id = ?",
        {*run->failure_message, run->num_items, *metrics, run->updated_at, run->id});
  });
}

}  // namespace goldset::store
