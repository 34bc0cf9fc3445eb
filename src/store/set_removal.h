// Removes whole evaluation sets with everything that hangs off them: their runs, run
// items, stored comparisons and items. No API route deletes a set (the contract has
// none); `goldset demo --remove` and DELETE /sample_data use this. Files and processors
// are resources of their own and stay. Thread-safety: as Database.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace goldset::store {

// One write transaction; ids outside `workspace_id` are left alone.
Status DeleteSetsWithRuns(Database& db, const std::string& workspace_id, const std::vector<std::string>& set_ids);

}  // namespace goldset::store
