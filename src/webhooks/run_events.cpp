#include "webhooks/run_events.h"

#include "common/clock.h"
#include "model/statuses.h"
#include "webhooks/webhooks.h"

namespace goldset::webhooks {

namespace {

const char* RunOutcome(const store::RunRecord& run) {
  if (run.status == model::RunStatus::kProcessed) return "processed";
  if (run.status == model::RunStatus::kFailed) return "failed";
  return "cancelled";
}

// The "id" of a JSON object stored as text, or "" when there is none.
std::string IdOf(const std::string& stored) {
  if (stored.empty()) return "";
  auto v = ParseJson(stored);
  if (!v.ok() || !v->is_object()) return "";
  return GetString(v->as_object(), "id").value_or("");
}

}  // namespace

std::vector<std::string> RunEndedEventTypes(const store::RunRecord& run) {
  const std::string outcome = RunOutcome(run);
  std::vector<std::string> types{"evaluation_set_run." + outcome};
  if (outcome != "cancelled") types.push_back("batch_processor_run." + outcome);
  return types;
}

std::string ProcessorRunEndedEventType(const store::ProcessorRunRecord& run) {
  const char* prefix = run.kind == "classifier" ? "classify_run."
                       : run.kind == "splitter" ? "split_run."
                                                : "extract_run.";
  return std::string(prefix) + (run.status == model::ProcessorRunStatus::kFailed ? "failed" : "processed");
}

std::string BatchRunEndedEventType(const store::RunBatch& batch) {
  switch (store::BatchStatus(batch)) {
    case model::ProcessorRunStatus::kProcessed: return "batch_processor_run.processed";
    case model::ProcessorRunStatus::kFailed: return "batch_processor_run.failed";
    default: return "";
  }
}

Status EnqueueRunEnded(store::Connection& tx, const store::RunRecord& run, const json::object& run_json) {
  const std::string entity_id = IdOf(run.entity_json);
  for (const std::string& type : RunEndedEventTypes(run)) {
    if (type.rfind("evaluation_set_run.", 0) == 0) {
      GOLDSET_RETURN_IF_ERROR(EnqueueEvent(tx, run.workspace_id, type, run_json, entity_id));
      continue;
    }
    json::object batch{{"object", "batch_run"},
                       {"id", run.id},
                       {"status", model::ToString(run.status)},
                       {"runCount", run.num_items},
                       {"createdAt", FormatRfc3339(run.created_at)}};
    GOLDSET_RETURN_IF_ERROR(EnqueueEvent(tx, run.workspace_id, type, batch, entity_id));
  }
  return Status::OK();
}

Status EnqueueProcessorRunEnded(store::Connection& tx, const store::ProcessorRunRecord& run,
                                const json::object& run_json) {
  return EnqueueEvent(tx, run.workspace_id, ProcessorRunEndedEventType(run), run_json,
                      IdOf(run.processor_json.value_or("")));
}

Status EnqueueBatchRunEnded(store::Connection& tx, const store::RunBatch& batch, const json::object& batch_json,
                            const store::ProcessorRunRecord& last) {
  const std::string type = BatchRunEndedEventType(batch);
  if (type.empty()) return Status::OK();
  return EnqueueEvent(tx, batch.workspace_id, type, batch_json, IdOf(last.processor_json.value_or("")));
}

}  // namespace goldset::webhooks
