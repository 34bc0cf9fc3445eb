// Standalone processor runs shared by their routes: the async create/get/list/cancel/
// delete (processor_runs_api.cpp), batches (run_batches_api.cpp) and the synchronous
// POST /extract, /classify, /split (sync_runs_api.cpp). Contract §4.5.
// Thread-safety: stateless functions over Services.
#pragma once

#include <string>

#include "api/context.h"
#include "common/cancel.h"
#include "store/processor_run_store.h"

namespace goldset::api {

struct RunKind {
  const char* kind;         // "extractor"
  const char* object;       // "extract_run"
  const char* prefix;       // "exr_"
  const char* collection;   // "/extract_runs"
  const char* version_key;  // "extractorVersion"
  const char* sync_path;    // "/extract"
};

inline constexpr RunKind kRunKinds[] = {
    {"extractor", "extract_run", "exr_", "/extract_runs", "extractorVersion", "/extract"},
    {"classifier", "classify_run", "clr_", "/classify_runs", "classifierVersion", "/classify"},
    {"splitter", "split_run", "splr_", "/split_runs", "splitterVersion", "/split"},
};

json::object RunJson(Services& svc, const RunKind& k, const store::ProcessorRunRecord& r);

// A PENDING record (no file yet) for `ref` ({id, version?}) or `inline_config`: exactly
// one must be non-null. Resolves the processor version and validates an inline config.
StatusOr<store::ProcessorRunRecord> NewRunRecord(RequestContext& ctx, const RunKind& k, const json::value* ref,
                                                 const json::value* inline_config);

// metadata (object) and priority (integer; accepted, runs are served in order) of a run input.
Status ReadRunOptions(const json::object& input, store::ProcessorRunRecord* r);

// Creates, stores and queues one run from a create body (processor reference or config,
// file, metadata, priority). A file the body made (url, text) is removed again if the
// run cannot be stored.
StatusOr<store::ProcessorRunRecord> CreateRun(RequestContext& ctx, const RunKind& k, const json::object& body,
                                              const CancelToken& cancel);
// Deletes a file this request stored (cleanup after a later failure).
Status DeleteCreatedFile(RequestContext& ctx, const std::string& file_id);

// A run input's `file`: {id} of an uploaded file, {text, name?} (stored as a TXT file) or
// {url, name?, settings?} (downloaded through the egress policy, at most
// --max-outbound-response-mb, within `cancel`'s deadline, and stored as a file). Returns
// the file id; `created` is set when a new file was stored.
StatusOr<std::string> ResolveRunFile(RequestContext& ctx, const json::value* file, const CancelToken& cancel,
                                     bool* created);

}  // namespace goldset::api
