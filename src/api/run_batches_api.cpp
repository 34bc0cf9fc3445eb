// Batches (contract §4.5, SDK 1.17.0): POST /extract_runs/batch, /classify_runs/batch,
// /split_runs/batch create up to 1,000 runs of one processor version at once, all or
// nothing; GET /batch_runs/{id} reports the batch (a BatchRun, status derived from its
// runs), and GET /{kind}_runs?batchId= lists its runs. Also the legacy alias of an
// evaluation run, GET /batch_processor_runs/{id} (contract §2.11).
#include <algorithm>

#include "api/app.h"
#include "api/evaluation_json.h"
#include "api/processor_runs.h"
#include "common/clock.h"
#include "common/ids.h"

namespace goldset::api {

namespace {

constexpr size_t kMaxBatchInputs = 1000;

// `overrideConfig`: top-level keys replace the version's (the SDK's "only the fields you
// provide"); the result is validated like any config.
StatusOr<std::string> ApplyOverride(RequestContext& ctx, const RunKind& k, const std::string& config_text,
                                    const json::value* override_config) {
  if (!override_config || override_config->is_null()) return config_text;
  if (!override_config->is_object())
    return Status::InvalidArgument(std::string(k.kind) + ".overrideConfig must be an object");
  auto base = ParseJson(config_text);
  if (!base.ok() || !base->is_object()) return Status::Internal("stored config is not a JSON object");
  json::object merged = base->as_object();
  for (const auto& [key, value] : override_config->as_object()) merged[key] = value;
  if (ctx.svc.validate_config) {
    Status st = ctx.svc.validate_config(k.kind, merged);
    if (!st.ok()) return st.WithContext(std::string(k.kind) + ".overrideConfig");
  }
  return json::serialize(merged);
}

StatusOr<Response> CreateBatch(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  if (const json::value* c = body.if_contains("config"); c && !c->is_null())
    return Status::InvalidArgument(std::string("a batch needs ") + k.kind +
                                   ": {id, version?}; inline config is not supported");
  const json::value* ref = body.if_contains(k.kind);
  if (!ref || ref->is_null()) return Status::InvalidArgument(std::string(k.kind) + " is required");
  GOLDSET_ASSIGN_OR_RETURN(auto base, NewRunRecord(ctx, k, ref, nullptr));
  GOLDSET_ASSIGN_OR_RETURN(base.config,
                           ApplyOverride(ctx, k, base.config, ref->as_object().if_contains("overrideConfig")));
  if (const json::value* p = body.if_contains("priority"); p && !p->is_null() && !p->is_int64() && !p->is_uint64())
    return Status::InvalidArgument("priority must be an integer");
  const json::value* inputs = body.if_contains("inputs");
  if (!inputs || !inputs->is_array() || inputs->as_array().empty() || inputs->as_array().size() > kMaxBatchInputs)
    return Status::InvalidArgument("inputs must be an array of 1 to 1000 {file, metadata?}");

  store::RunBatch batch;
  batch.id = NewId("bpr_");
  batch.workspace_id = ctx.caller.workspace_id;
  batch.kind = k.kind;
  batch.run_count = static_cast<int64_t>(inputs->as_array().size());
  batch.created_at = NowMillis();
  // Every download of the request shares one deadline, so a batch of slow URLs is bounded too.
  CancelToken cancel;
  cancel.SetDeadline(MonotonicMillis() + ctx.svc.config.file_url_timeout_ms,
                     Status::DeadlineExceeded("file.url downloads took longer than --file-url-timeout-ms"));
  std::vector<store::ProcessorRunRecord> runs;
  std::vector<std::string> created_files;
  // All or nothing: a failure removes the files this request uploaded from file.url.
  auto fail = [&](Status st) {
    for (const std::string& id : created_files) (void)DeleteCreatedFile(ctx, id);
    return st;
  };
  size_t i = 0;
  for (const json::value& in : inputs->as_array()) {
    const std::string where = "inputs[" + std::to_string(i++) + "]";
    if (!in.is_object()) return fail(Status::InvalidArgument(where + " must be an object"));
    store::ProcessorRunRecord r = base;
    r.id = NewId(k.prefix);
    r.batch_id = batch.id;
    r.created_at = r.updated_at = batch.created_at;
    if (Status st = ReadRunOptions(in.as_object(), &r); !st.ok()) return fail(st.WithContext(where));
    bool created = false;
    auto file = ResolveRunFile(ctx, in.as_object().if_contains("file"), cancel, &created);
    if (!file.ok()) return fail(file.status().WithContext(where));
    if (created) created_files.push_back(*file);
    r.file_id = *file;
    runs.push_back(std::move(r));
  }
  if (Status st = ctx.svc.processor_runs->InsertBatch(batch, runs); !st.ok()) return fail(st);
  if (ctx.svc.notify_workers) ctx.svc.notify_workers();
  batch.pending = batch.run_count;
  return JsonResponse(BatchRunJson(batch));
}

StatusOr<Response> GetBatch(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto b, ctx.svc.processor_runs->GetBatch(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(BatchRunJson(b));
}

const json::value* At(const json::object& o, std::string_view key) { return o.if_contains(key); }

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = At(o, key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

// The evaluation run in the legacy shape: {"success": true, "batchProcessorRun": {...}}.
StatusOr<Response> GetLegacyRun(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto metrics, ctx.svc.metrics.Get(*ctx.svc.runs, run));
  json::object current = RunJson(run, metrics);
  json::object entity =
      At(current, "entity") && At(current, "entity")->is_object() ? At(current, "entity")->as_object() : json::object{};
  json::object version = At(current, "entityVersion") && At(current, "entityVersion")->is_object()
                             ? At(current, "entityVersion")->as_object()
                             : json::object{};
  json::object m = At(current, "metrics") && At(current, "metrics")->is_object() ? At(current, "metrics")->as_object()
                                                                                 : json::object{};
  json::object legacy_metrics;
  if (const json::value* v = At(m, "numFilesProcessed")) legacy_metrics["numFiles"] = *v;
  if (const json::value* v = At(m, "numPages")) legacy_metrics["numPages"] = *v;
  json::object options = At(current, "options") && At(current, "options")->is_object()
                             ? At(current, "options")->as_object()
                             : json::object{};
  json::object legacy_options{
      {"fuzzyMatchFields", At(options, "fuzzyMatchFields") ? *At(options, "fuzzyMatchFields") : json::array{}},
      {"excludeFields", At(options, "excludeFields") ? *At(options, "excludeFields") : json::array{}}};
  // The legacy enum has no CANCELLING: a run being cancelled is still PROCESSING.
  const model::RunStatus status =
      run.status == model::RunStatus::kCancelling ? model::RunStatus::kProcessing : run.status;
  json::object out{{"object", "batch_processor_run"},
                   {"id", run.id},
                   {"processorId", StringAt(entity, "id")},
                   {"processorVersionId", StringAt(version, "id")},
                   {"processorName", StringAt(entity, "name")},
                   {"metrics", std::move(legacy_metrics)},
                   {"status", model::ToString(status)},
                   {"source", "EVAL_SET"},
                   {"sourceId", run.set_id},
                   {"runCount", run.num_items},
                   {"options", std::move(legacy_options)},
                   {"createdAt", FormatRfc3339(run.created_at)},
                   {"updatedAt", FormatRfc3339(run.updated_at)}};
  return JsonResponse(json::object{{"success", true}, {"batchProcessorRun", std::move(out)}});
}

}  // namespace

json::object BatchRunJson(const store::RunBatch& b) {
  return json::object{{"object", "batch_run"},
                      {"id", b.id},
                      {"status", model::ToString(store::BatchStatus(b))},
                      {"runCount", b.run_count},
                      {"createdAt", FormatRfc3339(b.created_at)}};
}

void RegisterRunBatchRoutes(Router& router) {
  for (const RunKind& k : kRunKinds) {
    const RunKind* kp = &k;
    router.Add({"POST", std::string(k.collection) + "/batch", [kp](RequestContext& c) { return CreateBatch(c, *kp); },
                true, RateCategory::kRun, BodyKind::kJson});
  }
  router.Add({"GET", "/batch_runs/{id}", GetBatch, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  router.Add({"GET", "/batch_processor_runs/{id}", GetLegacyRun, true, RateCategory::kGet});
}

}  // namespace goldset::api
