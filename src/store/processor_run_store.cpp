#include "store/processor_run_store.h"

#include "common/clock.h"
#include "store/status_column.h"

namespace goldset::store {

namespace {

constexpr const char* kCols =
    "id, workspace_id, kind, processor_json, version_json, config, file_id, metadata, status, attempts, "
    "lease_owner, output, failure_reason, failure_message, created_by, created_at, updated_at, batch_id";

ProcessorRunRecord FromRow(const Row& r) {
  ProcessorRunRecord x;
  x.id = r.Text(0);
  x.workspace_id = r.Text(1);
  x.kind = r.Text(2);
  if (!r.IsNull(3)) x.processor_json = r.Text(3);
  if (!r.IsNull(4)) x.version_json = r.Text(4);
  x.config = r.Text(5);
  x.file_id = r.Text(6);
  if (!r.IsNull(7)) x.metadata = r.Text(7);
  x.status = ProcessorRunStatusColumn(r.Text(8));
  x.attempts = static_cast<int>(r.Int(9));
  x.lease_owner = r.Text(10);
  if (!r.IsNull(11)) x.output = r.Text(11);
  if (!r.IsNull(12)) x.failure_reason = r.Text(12);
  if (!r.IsNull(13)) x.failure_message = r.Text(13);
  if (!r.IsNull(14)) x.created_by = r.Text(14);
  x.created_at = r.Int(15);
  x.updated_at = r.Int(16);
  if (!r.IsNull(17)) x.batch_id = r.Text(17);
  return x;
}

constexpr const char* kBatchCols = "id, workspace_id, kind, run_count, created_at";

RunBatch BatchFromRow(const Row& r) {
  RunBatch b;
  b.id = r.Text(0);
  b.workspace_id = r.Text(1);
  b.kind = r.Text(2);
  b.run_count = r.Int(3);
  b.created_at = r.Int(4);
  return b;
}

// Fills b's status counts from the runs still stored.
Status CountBatchRuns(Connection& c, RunBatch* b) {
  auto counts = c.Query("SELECT status, COUNT(*) FROM processor_runs WHERE batch_id = ? GROUP BY status", {b->id});
  if (!counts.ok()) return counts.status();
  for (const Row& r : *counts) {
    const int64_t n = r.Int(1);
    switch (ProcessorRunStatusColumn(r.Text(0))) {
      case model::ProcessorRunStatus::kPending: b->pending = n; break;
      case model::ProcessorRunStatus::kProcessing: b->processing = n; break;
      case model::ProcessorRunStatus::kProcessed: b->processed = n; break;
      case model::ProcessorRunStatus::kFailed: b->failed = n; break;
      case model::ProcessorRunStatus::kCancelled: b->cancelled = n; break;
    }
  }
  return Status::OK();
}

Status InsertRun(Connection& c, const ProcessorRunRecord& r) {
  return c.Exec(
      "INSERT INTO processor_runs (id, workspace_id, kind, processor_json, version_json, config, file_id, metadata, "
      "status, attempts, next_attempt_at, created_by, created_at, updated_at, batch_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
      {r.id, r.workspace_id, r.kind, OptText(r.processor_json), OptText(r.version_json), r.config, r.file_id,
       OptText(r.metadata), StatusParam(r.status), r.created_at, OptText(r.created_by), r.created_at, r.updated_at,
       r.batch_id.empty() ? Param(Null{}) : Param(r.batch_id)});
}

}  // namespace

Status ProcessorRunStore::Insert(const ProcessorRunRecord& r) {
  return db_->InTransaction(true, [&](Connection& c) { return InsertRun(c, r); });
}

Status ProcessorRunStore::InsertBatch(const RunBatch& batch, const std::vector<ProcessorRunRecord>& runs) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO processor_run_batches (id, workspace_id, kind, run_count, created_at) VALUES (?, ?, ?, ?, ?)",
        {batch.id, batch.workspace_id, batch.kind, batch.run_count, batch.created_at}));
    for (const ProcessorRunRecord& r : runs) GOLDSET_RETURN_IF_ERROR(InsertRun(c, r));
    return Status::OK();
  });
}

StatusOr<RunBatch> ProcessorRunStore::GetBatch(const std::string& workspace_id, const std::string& id) {
  auto conn = db_->Acquire();
  auto rows =
      conn->Query(std::string("SELECT ") + kBatchCols + " FROM processor_run_batches WHERE workspace_id = ? AND id = ?",
                  {workspace_id, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Batch run " + id + " not found");
  RunBatch b = BatchFromRow(rows->front());
  GOLDSET_RETURN_IF_ERROR(CountBatchRuns(*conn, &b));
  return b;
}

model::ProcessorRunStatus BatchStatus(const RunBatch& b) {
  using model::ProcessorRunStatus;
  const int64_t unfinished = b.pending + b.processing;
  const int64_t finished = b.processed + b.failed + b.cancelled;
  if (unfinished > 0)
    return b.processing == 0 && finished == 0 ? ProcessorRunStatus::kPending : ProcessorRunStatus::kProcessing;
  if (finished > 0 && b.failed == finished) return ProcessorRunStatus::kFailed;
  if (finished > 0 && b.cancelled == finished) return ProcessorRunStatus::kCancelled;
  return ProcessorRunStatus::kProcessed;
}

// Exactly once on every backend: the batch row is locked before the runs are counted, so
// of two transactions ending its last two runs at once the second waits, then counts in a
// statement of its own (PostgreSQL READ COMMITTED: a fresh snapshot that sees the first's
// commit); SQLite runs one write transaction at a time. ended_at makes the end happen once.
Status ProcessorRunStore::EndBatchIfDone(Connection& c, const ProcessorRunRecord& run) {
  if (run.batch_id.empty()) return Status::OK();
  auto rows =
      c.Query(std::string("SELECT ") + kBatchCols + " FROM processor_run_batches WHERE id = ? AND ended_at IS NULL" +
                  std::string(db_->ForUpdate()),
              {run.batch_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::OK();
  RunBatch b = BatchFromRow(rows->front());
  GOLDSET_RETURN_IF_ERROR(CountBatchRuns(c, &b));
  if (b.pending + b.processing > 0) return Status::OK();
  GOLDSET_RETURN_IF_ERROR(
      c.Exec("UPDATE processor_run_batches SET ended_at = ? WHERE id = ? AND ended_at IS NULL", {NowMillis(), b.id}));
  if (c.Changes() == 0 || !on_batch_ended_) return Status::OK();
  return on_batch_ended_(c, b, run);
}

StatusOr<ProcessorRunRecord> ProcessorRunStore::Get(const std::string& workspace_id, const std::string& kind,
                                                    const std::string& id) {
  auto rows = db_->Acquire()->Query(
      std::string("SELECT ") + kCols + " FROM processor_runs WHERE workspace_id = ? AND kind = ? AND id = ?",
      {workspace_id, kind, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Run " + id + " not found");
  return FromRow(rows->front());
}

StatusOr<Page<ProcessorRunRecord>> ProcessorRunStore::List(const std::string& workspace_id, const std::string& kind,
                                                           const PageRequest& page, const std::string& batch_id) {
  std::string sql = std::string("SELECT ") + kCols + " FROM processor_runs WHERE workspace_id = ? AND kind = ?";
  std::vector<Param> params{workspace_id, kind};
  if (!batch_id.empty()) {
    sql += " AND batch_id = ?";
    params.emplace_back(batch_id);
  }
  AppendKeyset(page, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  return ToPage<ProcessorRunRecord>(*rows, page, FromRow);
}

StatusOr<std::optional<ProcessorRunRecord>> ProcessorRunStore::Claim(const std::string& owner, int64_t now,
                                                                     int64_t lease_ms, const std::string& node) {
  std::optional<ProcessorRunRecord> claimed;
  const std::string skip(db_->ForUpdateSkipLocked());
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    for (const char* due :
         {"status = 'PROCESSING' AND lease_until < ?", "status = 'PENDING' AND next_attempt_at <= ?"}) {
      auto rows = c.Query(std::string("WITH picked AS MATERIALIZED (SELECT id FROM processor_runs WHERE ") + due +
                              " ORDER BY next_attempt_at, id LIMIT 1" + skip +
                              ") UPDATE processor_runs SET status = 'PROCESSING', lease_owner = ?, lease_node = ?, "
                              "lease_until = ?, attempts = attempts + 1, updated_at = ? "
                              "WHERE id IN (SELECT id FROM picked) RETURNING " +
                              kCols,
                          {now, owner, node, now + lease_ms, now});
      if (!rows.ok()) return rows.status();
      if (!rows->empty()) {
        claimed = FromRow(rows->front());
        return Status::OK();
      }
    }
    return Status::OK();
  });
  if (!st.ok()) return st;
  return claimed;
}

StatusOr<bool> ProcessorRunStore::RenewLease(const ProcessorRunRecord& claimed, int64_t until) {
  GOLDSET_ASSIGN_OR_RETURN(
      int64_t changed,
      ExecCountingChanges(
          *db_, "UPDATE processor_runs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING'",
          {until, claimed.id, claimed.lease_owner}));
  return changed > 0;
}

Status ProcessorRunStore::Release(const ProcessorRunRecord& claimed) {
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "UPDATE processor_runs SET lease_until = 0, lease_owner = NULL, lease_node = NULL, attempts = attempts - 1, "
        "updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING'",
        {NowMillis(), claimed.id, claimed.lease_owner});
  });
}

StatusOr<int64_t> ProcessorRunStore::ExpireClaimsOfNode(const std::string& node) {
  return ExecCountingChanges(
      *db_, "UPDATE processor_runs SET lease_until = 0 WHERE status = 'PROCESSING' AND lease_node = ?", {node});
}

StatusOr<bool> ProcessorRunStore::Complete(
    const ProcessorRunRecord& claimed, bool failed, const std::string& output, const std::string& failure_reason,
    const std::string& failure_message, const std::function<Status(Connection&, const ProcessorRunRecord&)>& on_done) {
  bool landed = false;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    auto rows = c.Query(
        std::string("UPDATE processor_runs SET status = ?, output = ?, failure_reason = ?, failure_message = ?, "
                    "lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING' "
                    "RETURNING ") +
            kCols,
        {StatusParam(failed ? model::ProcessorRunStatus::kFailed : model::ProcessorRunStatus::kProcessed),
         failed ? Param(Null{}) : Param(output), failed ? Param(failure_reason) : Param(Null{}),
         failed ? Param(StoredText(failure_message)) : Param(Null{}), NowMillis(), claimed.id, claimed.lease_owner});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::OK();
    landed = true;
    const ProcessorRunRecord ended = FromRow(rows->front());
    if (on_done) GOLDSET_RETURN_IF_ERROR(on_done(c, ended));
    return EndBatchIfDone(c, ended);
  });
  if (!st.ok()) return st;
  return landed;
}

Status ProcessorRunStore::RetryLater(const ProcessorRunRecord& claimed, int64_t next_attempt_at) {
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "UPDATE processor_runs SET status = 'PENDING', lease_owner = NULL, lease_until = NULL, next_attempt_at = ?, "
        "updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING'",
        {next_attempt_at, NowMillis(), claimed.id, claimed.lease_owner});
  });
}

StatusOr<ProcessorRunRecord> ProcessorRunStore::Cancel(const std::string& workspace_id, const std::string& kind,
                                                       const std::string& id) {
  // One conditional statement: it cannot race a worker's Complete (which requires
  // PROCESSING and its own lease) on either backend.
  std::optional<ProcessorRunRecord> cancelled;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    cancelled.reset();
    auto rows = c.Query(
        std::string(
            "UPDATE processor_runs SET status = 'CANCELLED', lease_owner = NULL, lease_until = NULL, updated_at = ? "
            "WHERE workspace_id = ? AND kind = ? AND id = ? AND status IN ('PENDING', 'PROCESSING') RETURNING ") +
            kCols,
        {NowMillis(), workspace_id, kind, id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::OK();
    cancelled = FromRow(rows->front());
    return EndBatchIfDone(c, *cancelled);
  });
  if (!st.ok()) return st;
  if (cancelled) return *cancelled;
  auto current = Get(workspace_id, kind, id);
  if (!current.ok()) return current.status();
  return Status::InvalidArgument("Run " + id + " is " + model::ToString(current->status) +
                                 "; only PENDING or PROCESSING runs can be cancelled");
}

Status ProcessorRunStore::Delete(const std::string& workspace_id, const std::string& kind, const std::string& id) {
  bool found = false;
  GOLDSET_RETURN_IF_ERROR(db_->InTransaction(true, [&](Connection& c) -> Status {
    auto rows = c.Query(
        std::string("DELETE FROM processor_runs WHERE workspace_id = ? AND kind = ? AND id = ? RETURNING ") + kCols,
        {workspace_id, kind, id});
    if (!rows.ok()) return rows.status();
    found = !rows->empty();
    return found ? EndBatchIfDone(c, FromRow(rows->front())) : Status::OK();
  }));
  if (!found) return Status::NotFound("Run " + id + " not found");
  return Status::OK();
}

}  // namespace goldset::store
