#include "api/evaluation_json.h"

#include "api/file_json.h"
#include "api/processor_json.h"
#include "common/clock.h"

namespace goldset::api {

namespace {

json::value FileSummaryOrNull(Services& svc, const std::string& workspace_id, const std::string& file_id,
                              FileMemo* memo) {
  auto f = memo ? memo->Get(file_id) : svc.files->Get(workspace_id, file_id);
  if (!f.ok()) return nullptr;
  return FileSummaryJson(*f);
}

}  // namespace

json::object EvaluationSetJson(const store::EvaluationSetRecord& s, const json::object& entity_summary) {
  json::object o;
  o["object"] = "evaluation_set";
  o["id"] = s.id;
  o["name"] = s.name;
  o["description"] = s.description;
  o["entity"] = entity_summary;
  o["createdAt"] = FormatRfc3339(s.created_at);
  o["updatedAt"] = FormatRfc3339(s.updated_at);
  o["createdBy"] = CreatedByJson(s.created_by);
  o["version"] = s.version;
  o["contentHash"] = s.content_hash;
  return o;
}

json::object EvaluationItemJson(Services& svc, const store::EvaluationItemRecord& item, bool full, FileMemo* memo) {
  json::object o;
  o["object"] = "evaluation_set_item";
  o["id"] = item.id;
  if (full) o["evaluationSetId"] = item.set_id;
  if (item.file_id) {
    o["file"] = FileSummaryOrNull(svc, item.workspace_id, *item.file_id, memo);
    o["files"] = nullptr;
  } else {
    o["file"] = nullptr;
    json::array files;
    for (const auto& id : item.file_ids) files.push_back(FileSummaryOrNull(svc, item.workspace_id, id, memo));
    o["files"] = std::move(files);
  }
  if (full) o["expectedOutput"] = ParsedOrNull(item.expected_output);
  o["createdBy"] = CreatedByJson(item.created_by);
  return o;
}

json::object RunJson(const store::RunRecord& run, const json::object& metrics) {
  json::object o;
  o["object"] = "evaluation_set_run";
  o["id"] = run.id;
  o["evaluationSetId"] = run.set_id;
  o["entity"] = ParsedOrNull(run.entity_json);
  o["entityVersion"] = ParsedOrNull(run.entity_version_json);
  o["metrics"] = metrics;
  o["status"] = model::ToString(run.status);
  json::value options = ParsedOrNull(run.options);
  o["options"] = options.is_object() ? options : json::object{};
  if (run.failure_message) o["failureMessage"] = *run.failure_message;
  o["createdAt"] = FormatRfc3339(run.created_at);
  o["updatedAt"] = FormatRfc3339(run.updated_at);
  // Versions (docs/evaluation.md § Versions, history and re-scoring); null on older runs.
  o["evaluationSetVersion"] = run.set_version ? json::value(*run.set_version) : json::value(nullptr);
  json::value manifest = ParsedOrNull(run.manifest);
  o["manifest"] = manifest.is_object() ? manifest : json::value(nullptr);
  o["rescoredFrom"] = run.rescored_from ? json::value(*run.rescored_from) : json::value(nullptr);
  return o;
}

json::object RunResultJson(Services& svc, const store::RunItemRecord& item, FileMemo* memo) {
  json::object o;
  o["object"] = "evaluation_set_run_result";
  o["id"] = item.item_id;
  o["evaluationSetItemId"] = item.item_id;
  o["file"] = item.file_id ? FileSummaryOrNull(svc, item.workspace_id, *item.file_id, memo) : json::value(nullptr);
  o["status"] = model::ToString(item.status);
  if (item.error_code || (item.status == model::ItemStatus::kFailed && item.error_message)) {
    o["error"] = json::object{{"code", item.error_code.value_or("INTERNAL_ERROR")},
                              {"message", item.error_message.value_or("")}};
  } else {
    o["error"] = nullptr;
  }
  o["attempts"] = item.attempts;
  o["latencyMs"] = item.latency_ms ? json::value(*item.latency_ms) : json::value(nullptr);
  o["numPages"] = item.num_pages ? json::value(*item.num_pages) : json::value(nullptr);
  o["expectedOutput"] = ParsedOrNull(item.expected_output);
  o["actualOutput"] = ParsedOrNull(item.output);
  // What the engine reported running the item cost (docs/metrics.md § Usage), beside latencyMs.
  if (const json::value& out = o["actualOutput"]; out.is_object()) {
    if (const json::value* u = out.as_object().if_contains("usage"); u && u->is_object()) o["usage"] = *u;
  }
  json::value result = ParsedOrNull(item.result);
  if (result.is_object()) {
    const auto& r = result.as_object();
    o["correct"] = r.contains("correct") ? r.at("correct") : json::value(nullptr);
    o["score"] = r.contains("score") ? r.at("score") : json::value(nullptr);
    o["fields"] = r.contains("fields") ? r.at("fields") : json::value(json::object{});
    o["warnings"] = r.contains("warnings") ? r.at("warnings") : json::value(json::array{});
    // Extractors: ANLS* of the item and of each top-level key (docs/metrics.md).
    for (const char* key : {"anlsStar", "anlsStarFields"})
      if (const json::value* v = r.if_contains(key)) o[key] = *v;
  } else {
    o["correct"] = nullptr;
    o["score"] = nullptr;
    o["fields"] = json::object{};
    o["warnings"] = json::array{};
  }
  return o;
}

}  // namespace goldset::api
