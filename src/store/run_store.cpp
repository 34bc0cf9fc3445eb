#include "store/run_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/clock.h"
#include "common/log.h"
#include "common/json.h"
#include "store/set_history.h"
#include "store/status_column.h"

namespace goldset::store {

namespace {

constexpr const char* kRunCols =
    "id, workspace_id, set_id, entity_kind, entity_json, entity_version_json, config, options, status, "
    "failure_message, num_items, num_done, num_failed, metrics, created_at, updated_at, set_version, manifest, "
    "rescored_from";
constexpr const char* kItemCols =
    "run_id, item_id, seq, workspace_id, file_id, file_ids, expected_output, status, attempts, lease_owner, "
    "output, result, correct, error_code, error_message, latency_ms, num_pages, updated_at";

// A claim's UPDATE of the items: expired leases first (a worker died),
// then due pending items in FIFO order of runs; one statement, one round trip. Each side
// locks at most `max` rows; when some leases expired, pending rows beyond the batch stay
// locked, unchanged, until this commits. MATERIALIZED: PostgreSQL evaluates the locking
// subqueries once (inside IN (…) they may be rescanned and pick more than LIMIT rows); see
// Database::ForUpdateSkipLocked. The update finds its rows by (run_id, item_id, seq): with
// statistics from before the run's items existed, PostgreSQL may reach them through the
// (run_id, seq) index, and with run_id alone as its condition that walked the whole run
// for each row claimed (25-40 ms per claim at 20,000 items, growing with the run).
// ClaimCtes(lock) + " " + kClaimUpdate takes the parameters now, max, now, max, max,
// owner, node, lease_until, now.
std::string ClaimCtes(std::string_view lock) {
  return "picked AS MATERIALIZED ("
         "SELECT run_id, item_id, 0 AS expired_last, next_attempt_at, seq FROM (SELECT run_id, item_id, "
         "next_attempt_at, seq FROM evaluation_run_items WHERE status = 'PROCESSING' AND lease_until < ? "
         "ORDER BY next_attempt_at, run_id, seq LIMIT ?" +
         std::string(lock) +
         ") expired UNION ALL "
         "SELECT run_id, item_id, 1, next_attempt_at, seq FROM (SELECT run_id, item_id, next_attempt_at, seq "
         "FROM evaluation_run_items WHERE status = 'PENDING' AND next_attempt_at <= ? "
         "ORDER BY next_attempt_at, run_id, seq LIMIT ?" +
         std::string(lock) +
         ") due), chosen AS (SELECT run_id, item_id, seq FROM picked "
         "ORDER BY expired_last, next_attempt_at, run_id, seq LIMIT ?)";
}
constexpr const char* kClaimUpdate =
    "UPDATE evaluation_run_items SET status = 'PROCESSING', lease_owner = ?, lease_node = ?, lease_until = ?, "
    "attempts = attempts + 1, updated_at = ? "
    "WHERE (run_id, item_id, seq) IN (SELECT run_id, item_id, seq FROM chosen)";

// A claimed batch in FIFO order (RETURNING's order is unspecified): by run, then seq.
void SortFifo(std::vector<RunItemRecord>& claimed) {
  std::sort(claimed.begin(), claimed.end(), [](const RunItemRecord& a, const RunItemRecord& b) {
    return std::tie(a.run_id, a.seq) < std::tie(b.run_id, b.seq);
  });
}

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

}  // namespace

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

StatusOr<std::optional<RunItemRecord>> RunStore::ClaimItem(const std::string& owner, int64_t now, int64_t lease_ms,
                                                           const std::string& node) {
  auto claimed = ClaimItems(owner, now, lease_ms, node, 1);
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return std::optional<RunItemRecord>();
  return std::optional<RunItemRecord>(std::move(claimed->front()));
}

StatusOr<std::vector<RunItemRecord>> RunStore::ClaimItems(const std::string& owner, int64_t now, int64_t lease_ms,
                                                          const std::string& node, int max) {
  if (db_->backend() == Backend::kPostgres) return ClaimInOneStatement(owner, now, lease_ms, node, max);
  std::vector<RunItemRecord> claimed;
  std::vector<std::string> started;  // runs this claim moved out of PENDING
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    claimed.clear();  // a retried transaction starts over
    started.clear();
    const std::string sql =
        "WITH " + ClaimCtes(db_->ForUpdateSkipLocked()) + " " + kClaimUpdate + " RETURNING " + kItemCols;
    auto rows = c.Query(sql, {now, max, now, max, max, owner, node, now + lease_ms, now});
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) claimed.push_back(ItemFromRow(r));
    SortFifo(claimed);
    std::set<std::string> runs;
    for (const auto& item : claimed) runs.insert(item.run_id);
    for (const auto& run_id : runs) {            // sorted: concurrent claimers lock runs in one order
      if (started_->Contains(run_id)) continue;  // no round trip for a run seen started
      GOLDSET_RETURN_IF_ERROR(
          c.Exec("UPDATE evaluation_runs SET status = 'PROCESSING', updated_at = ? WHERE id = ? AND status = 'PENDING'",
                 {now, run_id}));
      started.push_back(run_id);
    }
    return Status::OK();
  });
  if (!st.ok()) return st;
  for (const auto& run_id : started) started_->Add(run_id);  // committed: not PENDING any more
  return claimed;
}

// PostgreSQL: the claim and its runs' move out of PENDING in one statement (data-modifying
// WITH) that commits on its own: one round trip, no BEGIN or COMMIT. A run already started
// is looked up by its key and left as it is.
StatusOr<std::vector<RunItemRecord>> RunStore::ClaimInOneStatement(const std::string& owner, int64_t now,
                                                                   int64_t lease_ms, const std::string& node, int max) {
  const std::string sql = "WITH " + ClaimCtes(db_->ForUpdateSkipLocked()) + ", claimed AS (" + kClaimUpdate +
                          " RETURNING " + kItemCols +
                          "), started AS (UPDATE evaluation_runs SET status = 'PROCESSING', updated_at = ? "
                          "WHERE status = 'PENDING' AND id IN (SELECT run_id FROM claimed)) "
                          "SELECT " +
                          kItemCols + " FROM claimed";
  auto rows = db_->Acquire()->Query(sql, {now, max, now, max, max, owner, node, now + lease_ms, now, now});
  if (!rows.ok()) return rows.status();
  std::vector<RunItemRecord> claimed;
  claimed.reserve(rows->size());
  for (const Row& r : *rows) claimed.push_back(ItemFromRow(r));
  SortFifo(claimed);
  return claimed;
}

bool RunStore::StartedRuns::Contains(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return ids_.count(run_id) > 0;
}

void RunStore::StartedRuns::Add(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ids_.size() >= 4096) ids_.clear();  // forgetting costs one more no-op update, never a wrong one
  ids_.insert(run_id);
}

StatusOr<bool> RunStore::RenewLease(const RunItemRecord& claimed, int64_t until) {
  constexpr const char* kRenew =
      "UPDATE evaluation_run_items SET lease_until = ? "
      "WHERE run_id = ? AND item_id = ? AND lease_owner = ? AND status = 'PROCESSING'";
  GOLDSET_ASSIGN_OR_RETURN(
      int64_t changed,
      ExecCountingChanges(*db_, kRenew, {until, claimed.run_id, claimed.item_id, claimed.lease_owner}));
  return changed > 0;
}

Status RunStore::Release(const RunItemRecord& claimed) {
  // Stays PROCESSING with an expired lease rather than going back to PENDING: a run being
  // cancelled still counts it as in flight, and the next claim finishes it either way.
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "UPDATE evaluation_run_items SET lease_until = 0, lease_owner = NULL, lease_node = NULL, "
        "attempts = attempts - 1, updated_at = ? "
        "WHERE run_id = ? AND item_id = ? AND lease_owner = ? AND status = 'PROCESSING'",
        {NowMillis(), claimed.run_id, claimed.item_id, claimed.lease_owner});
  });
}

StatusOr<int64_t> RunStore::ExpireClaimsOfNode(const std::string& node) {
  return ExecCountingChanges(
      *db_, "UPDATE evaluation_run_items SET lease_until = 0 WHERE status = 'PROCESSING' AND lease_node = ?", {node});
}

Status RunStore::FinishRunIfDone(Connection& c, const std::string& run_id, const RunFinalizer& finalize) {
  auto rows = c.Query(std::string("SELECT ") + kRunCols + " FROM evaluation_runs WHERE id = ?", {run_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("run " + run_id + " vanished");
  return FinishRunIfDone(c, RunFromRow(rows->front()), finalize);
}

Status RunStore::FinishRunIfDone(Connection& c, RunRecord run, const RunFinalizer& finalize) {
  if (run.finished() || run.num_done < run.num_items) return Status::OK();
  if (run.status == model::RunStatus::kCancelling) run.status = model::RunStatus::kCancelled;
  else if (run.num_items > 0 && run.num_failed == run.num_items) {
    run.status = model::RunStatus::kFailed;
    run.failure_message = "Every item failed; see the run's results for each item's error";
  } else run.status = model::RunStatus::kProcessed;
  run.updated_at = NowMillis();
  auto metrics = finalize(c, run);
  if (!metrics.ok()) return metrics.status();
  return c.Exec("UPDATE evaluation_runs SET status = ?, failure_message = ?, metrics = ?, updated_at = ? WHERE id = ?",
                {StatusParam(run.status), run.failure_message ? Param(*run.failure_message) : Param(Null{}), *metrics,
                 run.updated_at, run.id});
}

StatusOr<bool> RunStore::CompleteItem(const RunItemRecord& claimed, const ItemCompletion& done,
                                      const RunFinalizer& finalize) {
  auto landed = CompleteItems({{&claimed, &done}}, finalize);
  if (!landed.ok()) return landed.status();
  return static_cast<bool>(landed->front());
}

StatusOr<bool> RunStore::CancelIfRunCancelling(const RunItemRecord& claimed, const RunFinalizer& finalize) {
  bool cancelled = false;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    cancelled = false;
    const int64_t now = NowMillis();
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE evaluation_run_items SET status = 'CANCELLED', lease_until = NULL, updated_at = ? "
               "WHERE run_id = ? AND item_id = ? AND lease_owner = ? AND status = 'PROCESSING' "
               "AND EXISTS (SELECT 1 FROM evaluation_runs WHERE id = ? AND status = 'CANCELLING')",
               {now, claimed.run_id, claimed.item_id, claimed.lease_owner, claimed.run_id}));
    if (c.Changes() == 0) return Status::OK();
    cancelled = true;
    auto run = c.Query(std::string("UPDATE evaluation_runs SET num_done = num_done + 1, updated_at = ? WHERE id = ? "
                                   "RETURNING ") +
                           kRunCols,
                       {now, claimed.run_id});
    if (!run.ok()) return run.status();
    if (run->empty()) return Status::NotFound("run " + claimed.run_id + " vanished");
    return FinishRunIfDone(c, RunFromRow(run->front()), finalize);
  });
  if (!st.ok()) return st;
  return cancelled;
}

StatusOr<std::vector<bool>> RunStore::CompleteItems(const std::vector<CompletionRef>& batch,
                                                    const RunFinalizer& finalize) {
  std::vector<bool> landed(batch.size(), false);
  if (batch.empty()) return landed;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    std::fill(landed.begin(), landed.end(), false);
    const int64_t now = NowMillis();
    // One UPDATE … FROM (VALUES …) for the whole batch: a row lands only while its claim
    // still holds it (lease_owner matches, PROCESSING). VALUES columns are column1… on
    // both backends; the CASTs give PostgreSQL each column's type whatever the batch holds.
    std::string sql =
        "UPDATE evaluation_run_items SET status = v.column4, output = v.column5, result = v.column6, "
        "correct = v.column7, error_code = v.column8, error_message = v.column9, latency_ms = v.column10, "
        "num_pages = v.column11, lease_until = NULL, updated_at = ? FROM (VALUES ";
    std::vector<Param> params{now};
    for (size_t i = 0; i < batch.size(); ++i) {
      const RunItemRecord& item = *batch[i].item;
      const ItemCompletion& d = *batch[i].done;
      sql += i == 0 ? "" : ", ";
      sql +=
          "(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), "
          "CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS INTEGER))";
      for (Param p :
           {Param(item.run_id), Param(item.item_id), Param(item.lease_owner),
            StatusParam(d.failed ? model::ItemStatus::kFailed : model::ItemStatus::kProcessed),
            d.failed ? Param(Null{}) : Param(d.output), d.failed ? Param(Null{}) : Param(d.result),
            d.failed ? Param(Null{}) : Param(int64_t{d.correct}), d.failed ? Param(d.error_code) : Param(Null{}),
            d.failed ? Param(StoredText(d.error_message)) : Param(Null{}), Param(d.latency_ms),
            Param(int64_t{d.num_pages})})
        params.push_back(std::move(p));
    }
    sql +=
        ") AS v WHERE evaluation_run_items.run_id = v.column1 AND evaluation_run_items.item_id = v.column2 "
        "AND evaluation_run_items.lease_owner = v.column3 AND evaluation_run_items.status = 'PROCESSING' "
        "RETURNING evaluation_run_items.run_id, evaluation_run_items.item_id";
    auto rows = c.Query(sql, params);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::OK();  // every lease lost: others own the items now
    std::set<std::pair<std::string, std::string>> done_ids;
    for (const Row& r : *rows) done_ids.emplace(r.Text(0), r.Text(1));
    // Per run: how many landed and how many of those failed.
    std::map<std::string, std::pair<int64_t, int64_t>> per_run;
    for (size_t i = 0; i < batch.size(); ++i) {
      const RunItemRecord& item = *batch[i].item;
      if (!done_ids.count({item.run_id, item.item_id})) continue;
      landed[i] = true;
      auto& [n, failed] = per_run[item.run_id];
      ++n;
      failed += batch[i].done->failed ? 1 : 0;
    }
    // The counter update takes the run row's lock (runs in sorted order, so concurrent
    // batches never deadlock), so completions of one run serialize here and exactly one
    // of them sees num_done reach num_items.
    for (const auto& [run_id, counts] : per_run) {
      // RETURNING hands the end check the updated row: one round trip instead of two.
      auto run = c.Query(std::string("UPDATE evaluation_runs SET num_done = num_done + ?, num_failed = num_failed + ?, "
                                     "updated_at = ? WHERE id = ? RETURNING ") +
                             kRunCols,
                         {counts.first, counts.second, now, run_id});
      if (!run.ok()) return run.status();
      if (run->empty()) return Status::NotFound("run " + run_id + " vanished");
      GOLDSET_RETURN_IF_ERROR(FinishRunIfDone(c, RunFromRow(run->front()), finalize));
    }
    return Status::OK();
  });
  if (!st.ok()) return st;
  return landed;
}

Status RunStore::RetryLater(const RunItemRecord& claimed, int64_t next_attempt_at, const std::string& error_message) {
  return db_->InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "UPDATE evaluation_run_items SET status = 'PENDING', lease_owner = NULL, lease_until = NULL, "
        "next_attempt_at = ?, error_message = ?, updated_at = ? "
        "WHERE run_id = ? AND item_id = ? AND lease_owner = ? AND status = 'PROCESSING'",
        {next_attempt_at, StoredText(error_message), NowMillis(), claimed.run_id, claimed.item_id,
         claimed.lease_owner});
  });
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
