// RunStore's work queue: claims (ClaimItems), leases (RenewLease, Release,
// ExpireClaimsOfNode), landings (CompleteItems, RetryLater) and a run's end when its last
// item lands (FinishRunIfDone). PostgreSQL takes a claim and a landing each in one
// statement (ClaimInOneStatement, CompleteItemsInOneStatement); SQLite, in-process, runs
// the portable statements inside a write transaction.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/clock.h"
#include "common/json.h"
#include "store/run_rows.h"
#include "store/run_store.h"
#include "store/status_column.h"

namespace goldset::store {

namespace {

// A claim's UPDATE of the items: expired leases first (a worker died),
// then due pending items in FIFO order of runs; one statement, one round trip. Each side
// locks at most `max` rows; when some leases expired, pending rows beyond the batch stay
// locked, unchanged, until this commits. MATERIALIZED: PostgreSQL evaluates the locking
// subqueries once (inside IN (…) they may be rescanned and pick more than LIMIT rows); see
// Database::ForUpdateSkipLocked. The update finds its rows by (run_id, item_id, seq): with
// statistics from before the run's items existed, PostgreSQL may reach them through the
// (run_id, seq) index, and with run_id alone as its condition that walked the whole run
// for each row claimed (25-40 ms per claim at 20,000 items, growing with the run).
// The limit `max` is written into the text, not bound: with LIMIT as a parameter,
// PostgreSQL's plan cache priced the generic plan for an unknown limit (10% of the
// pending rows) above the custom one and planned every claim anew (0.48 ms of its
// 1.5 ms); with the literal the generic plan wins from the sixth execution on, at most
// one prepared statement per batch size (1..RunScheduler's kMaxClaimBatch).
// ClaimCtes(lock, max) + " " + kClaimUpdate takes the parameters now, now, owner, node,
// lease_until, now.
std::string ClaimCtes(std::string_view lock, int max) {
  const std::string limit = " LIMIT " + std::to_string(max);
  return "picked AS MATERIALIZED ("
         "SELECT run_id, item_id, 0 AS expired_last, next_attempt_at, seq FROM (SELECT run_id, item_id, "
         "next_attempt_at, seq FROM evaluation_run_items WHERE status = 'PROCESSING' AND lease_until < ? "
         "ORDER BY next_attempt_at, run_id, seq" +
         limit + std::string(lock) +
         ") expired UNION ALL "
         "SELECT run_id, item_id, 1, next_attempt_at, seq FROM (SELECT run_id, item_id, next_attempt_at, seq "
         "FROM evaluation_run_items WHERE status = 'PENDING' AND next_attempt_at <= ? "
         "ORDER BY next_attempt_at, run_id, seq" +
         limit + std::string(lock) +
         ") due), chosen AS (SELECT run_id, item_id, seq FROM picked "
         "ORDER BY expired_last, next_attempt_at, run_id, seq" +
         limit + ")";
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

// A landing: one UPDATE … FROM (VALUES …) for a whole batch, each row landing only while
// its claim still holds it (lease_owner matches, PROCESSING). VALUES columns are column1…
// on both backends; the CASTs give PostgreSQL each column's type whatever the batch holds.
// kLandItems + LandingValues(…) + ") AS v WHERE " + kLandingHeld takes updated_at first.
constexpr const char* kLandItems =
    "UPDATE evaluation_run_items SET status = v.column4, output = v.column5, result = v.column6, "
    "correct = v.column7, error_code = v.column8, error_message = v.column9, latency_ms = v.column10, "
    "num_pages = v.column11, lease_until = NULL, updated_at = ? FROM (VALUES ";
constexpr const char* kLandingHeld =
    "evaluation_run_items.run_id = v.column1 AND evaluation_run_items.item_id = v.column2 "
    "AND evaluation_run_items.lease_owner = v.column3 AND evaluation_run_items.status = 'PROCESSING'";

// The VALUES rows of a landing; appends their parameters to *params.
std::string LandingValues(const std::vector<RunStore::CompletionRef>& batch, std::vector<Param>* params) {
  std::string sql;
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
      params->push_back(std::move(p));
  }
  return sql;
}

}  // namespace

StatusOr<std::optional<RunItemRecord>> RunStore::ClaimItem(const std::string& owner, int64_t now, int64_t lease_ms,
                                                           const std::string& node) {
  auto claimed = ClaimItems(owner, now, lease_ms, node, 1);
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return std::optional<RunItemRecord>();
  return std::optional<RunItemRecord>(std::move(claimed->front()));
}

StatusOr<std::vector<RunItemRecord>> RunStore::ClaimItems(const std::string& owner, int64_t now, int64_t lease_ms,
                                                          const std::string& node, int max) {
  max = std::max(max, 0);
  if (db_->backend() == Backend::kPostgres) return ClaimInOneStatement(owner, now, lease_ms, node, max);
  std::vector<RunItemRecord> claimed;
  std::vector<std::string> started;  // runs this claim moved out of PENDING
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    claimed.clear();  // a retried transaction starts over
    started.clear();
    const std::string sql =
        "WITH " + ClaimCtes(db_->ForUpdateSkipLocked(), max) + " " + kClaimUpdate + " RETURNING " + kItemCols;
    auto rows = c.Query(sql, {now, now, owner, node, now + lease_ms, now});
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
  const std::string sql = "WITH " + ClaimCtes(db_->ForUpdateSkipLocked(), max) + ", claimed AS (" + kClaimUpdate +
                          " RETURNING " + kItemCols +
                          "), started AS (UPDATE evaluation_runs SET status = 'PROCESSING', updated_at = ? "
                          "WHERE status = 'PENDING' AND id IN (SELECT run_id FROM claimed)) "
                          "SELECT " +
                          kItemCols + " FROM claimed";
  auto rows = db_->Acquire()->Query(sql, {now, now, owner, node, now + lease_ms, now, now});
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
  if (db_->backend() == Backend::kPostgres) return CompleteItemsInOneStatement(batch, finalize);
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    std::fill(landed.begin(), landed.end(), false);
    const int64_t now = NowMillis();
    std::vector<Param> params{now};
    const std::string sql = kLandItems + LandingValues(batch, &params) + ") AS v WHERE " + kLandingHeld +
                            " RETURNING evaluation_run_items.run_id, evaluation_run_items.item_id";
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

// PostgreSQL: the landing and its runs' counters in one statement (data-modifying WITH),
// sent with its transaction's BEGIN: one round trip and the COMMIT instead of three. The
// runs are locked in id order (concurrent batches of two runs never deadlock) and come
// back counted, each with the ids of its items that landed; FinishRunIfDone sees each
// updated row under its lock, so exactly one landing sees a run reach num_items.
StatusOr<std::vector<bool>> RunStore::CompleteItemsInOneStatement(const std::vector<CompletionRef>& batch,
                                                                  const RunFinalizer& finalize) {
  std::vector<bool> landed(batch.size(), false);
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    std::fill(landed.begin(), landed.end(), false);
    const int64_t now = NowMillis();
    std::vector<Param> params{now};
    std::string sql = std::string("WITH landed AS (") + kLandItems + LandingValues(batch, &params) + ") AS v WHERE " +
                      kLandingHeld +
                      " RETURNING evaluation_run_items.run_id, evaluation_run_items.item_id, v.column4 = 'FAILED' "
                      "AS failed), counted AS (SELECT run_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE failed) AS "
                      "failed, json_agg(item_id)::text AS ids FROM landed GROUP BY run_id), locked AS (SELECT id "
                      "FROM evaluation_runs WHERE id IN (SELECT run_id FROM counted) ORDER BY id" +
                      std::string(db_->ForUpdate()) +
                      ") UPDATE evaluation_runs SET num_done = num_done + counted.n, num_failed = num_failed + "
                      "counted.failed, updated_at = ? FROM counted WHERE evaluation_runs.id = counted.run_id AND "
                      "evaluation_runs.id IN (SELECT id FROM locked) RETURNING " +
                      kRunCols + ", counted.ids";
    params.push_back(now);
    auto rows = c.Query(sql, params);
    if (!rows.ok()) return rows.status();
    std::set<std::pair<std::string, std::string>> done_ids;
    std::vector<RunRecord> runs;
    for (const Row& r : *rows) {
      runs.push_back(RunFromRow(r));
      auto ids = ParseJson(r.Text(r.size() - 1));  // counted.ids, after the run's columns
      if (!ids.ok() || !ids->is_array()) return Status::Internal("landing returned no item ids for run " + r.Text(0));
      for (const json::value& id : ids->as_array())
        if (id.is_string()) done_ids.emplace(r.Text(0), std::string(id.as_string()));
    }
    for (size_t i = 0; i < batch.size(); ++i)
      landed[i] = done_ids.count({batch[i].item->run_id, batch[i].item->item_id}) > 0;
    std::sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) { return a.id < b.id; });
    for (RunRecord& run : runs) GOLDSET_RETURN_IF_ERROR(FinishRunIfDone(c, std::move(run), finalize));
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

}  // namespace goldset::store
