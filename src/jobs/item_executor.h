// ItemExecutor: runs one evaluation item end to end — load the file(s), parse (through
// the parse cache), run the engine, score against the expected output.
// Pure with respect to run state: it never writes run items; the scheduler does.
// Thread-safety: one executor per item; the referenced stores are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/json.h"
#include "eval/eval.h"
#include "jobs/parse_memo.h"
#include "jobs/run_scheduler.h"
#include "store/run_store.h"

namespace goldset::jobs {

// A run's immutable inputs, parsed once per worker process.
struct RunSnapshot {
  std::string run_id, workspace_id, entity_kind;
  eval::Kind kind = eval::Kind::kExtractor;
  json::object config;
  std::optional<eval::ItemScorer> scorer;  // config and options compiled; always set by MakeRunSnapshot
};
// `max_array_rows`: eval::Options::max_array_rows (the operator's --max-array-rows).
StatusOr<std::shared_ptr<const RunSnapshot>> MakeRunSnapshot(const store::RunRecord& run, size_t max_array_rows);

struct ItemOutcome {
  Status status;           // not OK: the attempt failed (retryable() decides a retry)
  std::string error_code;  // TIMEOUT, ENGINE_UNAVAILABLE, PARSING_ERROR, ... when failed
  json::value output;      // the engine's output (contract output shape)
  json::object result;     // eval::ScoreItem's verdicts
  bool correct = false;
  int num_pages = 0;
  // Parse warnings (a damaged image decoded in part, ...): the item still has an output.
  // Execute copies them into `result` as "warnings".
  std::vector<std::string> warnings;
};

class ItemExecutor {
 public:
  // `memo` (may be null; must outlive the executor) keeps parsed documents in memory.
  ItemExecutor(store::Database& db, store::BlobStore& blobs, store::FileStore& files, const SchedulerConfig& config,
               ParseMemo* memo = nullptr)
      : db_(db), blobs_(blobs), files_(files), config_(config), memo_(memo) {}
  // Evaluation item: produce the output, then score it against the expected output.
  // `cancel` (may be null) bounds parse and every engine call: once it fires, the work
  // in progress is aborted and the outcome carries cancel->reason().
  ItemOutcome Execute(const RunSnapshot& run, const store::RunItemRecord& item, const CancelToken* cancel = nullptr);
  // Files looked up beforehand for a batch of items (one query for the batch); Execute and
  // Produce take a file from here when present, else look it up. REQUIRES: outlives
  // the executor and holds only files of the items' workspace.
  void UseFiles(const std::vector<model::File>* files) { prefetched_ = files; }
  // Output only (standalone processor runs): files -> parse -> engine.
  ItemOutcome Produce(const std::string& workspace_id, eval::Kind kind, const json::object& config,
                      const std::vector<std::string>& file_ids, const CancelToken* cancel = nullptr);

 private:
  store::Database& db_;
  store::BlobStore& blobs_;
  store::FileStore& files_;
  const SchedulerConfig& config_;
  ParseMemo* memo_;
  const std::vector<model::File>* prefetched_ = nullptr;
};

}  // namespace goldset::jobs
