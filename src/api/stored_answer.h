// Answers of finished runs that never change (comparisons, analyses): computed once per
// key, stored (comparisons: at most --max-stored-comparisons keys per pair of runs), then
// served as stored. Thread-safe.
#pragma once

#include <functional>
#include <string>

#include "api/app.h"
#include "store/analysis_store.h"
#include "store/comparison_store.h"

namespace goldset::api {

// When `cacheable`, returns the body stored under `key` if there is one; otherwise calls
// `compute` and, when `cacheable`, stores its body. The answer carries x-goldset-cache:
// hit (stored), miss (computed and stored) or bypass (computed, not stored: not cacheable,
// the pair is full, or the store failed — which only costs the next request a
// recomputation). A failed `compute` is returned as is.
StatusOr<Response> ServeStoredAnswer(RequestContext& ctx, const store::ComparisonKey& key, bool cacheable,
                                     const std::function<StatusOr<std::string>()>& compute);
// The same for run analyses, stored in their own table (store/analysis_store.h), at most
// --max-stored-comparisons parameter sets per run, the one stored at finish included.
StatusOr<Response> ServeStoredAnswer(RequestContext& ctx, const store::AnalysisKey& key, bool cacheable,
                                     const std::function<StatusOr<std::string>()>& compute);

}  // namespace goldset::api
