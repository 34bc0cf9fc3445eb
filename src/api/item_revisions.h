// Writing a new revision of an item's expected output (update, promote, revert) and the
// JSON of versions and revisions (docs/evaluation.md § Versions, history and re-scoring).
// Stateless; thread-safe.
#pragma once

#include "api/context.h"
#include "api/services.h"
#include "store/evaluation_store.h"
#include "store/set_history.h"

namespace goldset::api {

// Validates `expected` against the set's current processor config (Unprocessable with
// the path when it does not conform; InvalidArgument when the processor is gone) and
// stores it as the item's next revision. Returns the revision number.
StatusOr<int64_t> ReviseExpected(RequestContext& ctx, const store::EvaluationSetRecord& set,
                                 const store::EvaluationItemRecord& item, const json::value& expected,
                                 const store::RevisionCause& cause);
// The cause of a change made by the calling key.
store::RevisionCause CauseOf(const RequestContext& ctx, const std::string& reason);

json::object SetVersionJson(const store::SetVersionRecord& v);
json::object ItemRevisionJson(const store::ItemRevisionRecord& r);

}  // namespace goldset::api
