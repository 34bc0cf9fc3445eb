// Migrations 200-299: evaluation sets, items, runs and run items.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> EvaluationMigrations() {
  return {};
}

}  // namespace goldset::store
