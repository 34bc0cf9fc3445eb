// Migrations 300-399: webhook endpoints, subscriptions, outbox and deliveries.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> WebhooksMigrations() {
  return {};
}

}  // namespace goldset::store
