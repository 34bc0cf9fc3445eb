// Migrations 400-499: claim bookkeeping shared by the run workers and webhook delivery.
// 400: the node (per data dir, see store/node_identity.h) that made each claim, so a
// restarted node takes its previous process's claims back at once.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> LeasesMigrations() {
  return {
      {400, "lease_node", R"SQL(
ALTER TABLE evaluation_run_items ADD COLUMN lease_node TEXT;
ALTER TABLE processor_runs ADD COLUMN lease_node TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN lease_node TEXT;
)SQL"},
  };
}

}  // namespace goldset::store
