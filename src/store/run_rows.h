// The columns of evaluation_runs and evaluation_run_items as RunStore's files read them,
// and the records a row of each becomes. Internal to store/ (run_store.cpp, run_queue.cpp).
// Thread-safe (constants and pure functions).
#pragma once

#include "store/database.h"
#include "store/run_store.h"

namespace goldset::store {

// Column lists in the order RunFromRow and ItemFromRow read them.
inline constexpr const char* kRunCols =
    "id, workspace_id, set_id, entity_kind, entity_json, entity_version_json, config, options, status, "
    "failure_message, num_items, num_done, num_failed, metrics, created_at, updated_at, set_version, manifest, "
    "rescored_from";
inline constexpr const char* kItemCols =
    "run_id, item_id, seq, workspace_id, file_id, file_ids, expected_output, status, attempts, lease_owner, "
    "output, result, correct, error_code, error_message, latency_ms, num_pages, updated_at";

RunRecord RunFromRow(const Row& r);
RunItemRecord ItemFromRow(const Row& r);

}  // namespace goldset::store
