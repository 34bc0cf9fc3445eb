// Stored run comparisons (GET /evaluation_set_runs/{id}/compare). A comparison of two
// finished runs never changes (their items are final), so it is computed once per
// (run, baseline, parameters) and then served from here; parameters (see
// eval::CompareRunsParameters) keep answers of another method or setting apart.
// Callers store only comparisons of finished runs. Every call is scoped by workspace.
// Thread-safe.
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
  // both answers are the same).
  Status Put(const ComparisonKey& key, const std::string& body, int64_t now);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace goldset::store
