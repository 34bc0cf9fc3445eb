// Stored run analyses (GET /evaluation_set_runs/{id}/analysis, docs/metrics.md). The
// analysis of a finished run never changes (its items are final): the default parameter
// set is stored when the run finishes, inside the transaction that ends it; other
// parameter sets (targetPrecision, rowMatchShare, ...) come from requests, so a run keeps
// at most `max_per_run` of those (--max-stored-comparisons) and a client varying them
// cannot grow the table without bound. Callers store only analyses of finished runs.
// Every call is scoped by workspace. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/database.h"

namespace goldset::store {

struct AnalysisKey {
  std::string workspace_id, run_id, parameters;
};

class AnalysisStore {
 public:
  explicit AnalysisStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  // The stored body (JSON text), nullopt when none.
  StatusOr<std::optional<std::string>> Get(const AnalysisKey& key);
  // Stores `body` unless one is stored already (two requests may compute it at once;
  // both answers are the same) or the run has `max_per_run` stored parameter sets
  // already. True when this call stored it. Concurrent calls may each pass the count,
  // so the bound can be exceeded by the number of requests in flight, never more.
  StatusOr<bool> Put(const AnalysisKey& key, const std::string& body, int64_t now, int64_t max_per_run);
  // Stores `body` through `c` (the transaction that finishes the run), replacing nothing:
  // unbounded, as it is called once per run, never by a request.
  static Status PutAtFinish(Connection& c, const AnalysisKey& key, const std::string& body, int64_t now);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
