// JSON mapping for evaluation sets, items, runs and run results (contract §3).
#pragma once

#include "api/file_memo.h"
#include "api/services.h"
#include "common/json.h"
#include "store/evaluation_store.h"
#include "store/processor_run_store.h"
#include "store/run_store.h"

namespace goldset::api {

json::object EvaluationSetJson(const store::EvaluationSetRecord& s, const json::object& entity_summary);
// Full item (with evaluationSetId and expectedOutput) or list summary. `files`, when
// given, answers the file lookups (a page's files prefetched in one query).
json::object EvaluationItemJson(Services& svc, const store::EvaluationItemRecord& item, bool full,
                                FileMemo* files = nullptr);
json::object RunJson(const store::RunRecord& run, const json::object& metrics);
// One row of GET /evaluation_set_runs/{id}/results.
json::object RunResultJson(Services& svc, const store::RunItemRecord& item, FileMemo* files = nullptr);
// extract_run / classify_run / split_run (processor_runs_api.cpp).
json::object ProcessorRunJson(Services& svc, const store::ProcessorRunRecord& r);
// A batch of processor runs: GET /batch_runs/{id} and the batch_processor_run.* payload
// (run_batches_api.cpp).
json::object BatchRunJson(const store::RunBatch& b);

}  // namespace goldset::api
