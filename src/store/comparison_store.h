// Stored run comparisons (GET /evaluation_set_runs/{id}/compare). A comparison of two
// finished runs never changes (their items are final), so it is computed once per
// (run, baseline, parameters) and then served from here; parameters (see
// eval::CompareRunsParameters) keep answers of another method or setting apart.
// Callers store only comparisons of finished runs. Every call is scoped by workspace.
// Parameters come from the request (alpha, margin, effect), so a pair of runs keeps at
// most `max_per_pair` of them (--max-stored-comparisons): a client varying them cannot
// grow the table without bound. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/database.h"

namespace goldset::store {

struct ComparisonKey {
  std::string workspace_id, run_id, baseline_run_id, parameters;
};

class ComparisonStore {
 public:
  explicit ComparisonStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  // The stored body (JSON text), nullopt when none.
  StatusOr<std::optional<std::string>> Get(const ComparisonKey& key);
  // Stores `body` unless one is stored already (two requests may compute it at once;
  // both answers are the same) or the pair (run, baseline) has `max_per_pair` stored
  // parameter sets already. True when this call stored it. Concurrent calls with
  // different parameters may each pass the count, so the bound can be exceeded by the
  // number of requests in flight at once, never more.
  StatusOr<bool> Put(const ComparisonKey& key, const std::string& body, int64_t now, int64_t max_per_pair);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
