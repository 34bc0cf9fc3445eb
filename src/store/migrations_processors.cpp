// Migrations 100-199: extractors, classifiers, splitters and their versions.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> ProcessorsMigrations() {
  return {};
}

}  // namespace goldset::store
