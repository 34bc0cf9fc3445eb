// Standalone processor runs (contract §4.5): POST/GET /extract_runs, /classify_runs,
// /split_runs (?batchId= filters a batch), GET/DELETE .../{id} and POST .../{id}/cancel.
// Asynchronous: created PENDING, executed by the workers.
#include "api/app.h"
#include "api/entity_catalog.h"
#include "api/evaluation_json.h"
#include "api/file_json.h"
#include "api/processor_runs.h"
#include "common/clock.h"
#include "common/ids.h"
#include "store/processor_run_store.h"

namespace goldset::api {

json::object RunJson(Services& svc, const RunKind& k, const store::ProcessorRunRecord& r) {
  json::object o;
  o["object"] = k.object;
  o["id"] = r.id;
  o["status"] = model::ToString(r.status);
  if (r.output) o["output"] = ParsedOrNull(r.output);
  if (r.status == model::ProcessorRunStatus::kFailed) {
    o["failureReason"] = r.failure_reason.value_or("INTERNAL_ERROR");
    o["failureMessage"] = r.failure_message.value_or("");
  }
  o["metadata"] = r.metadata ? ParsedOrNull(r.metadata) : json::value(json::object{});
  o["reviewed"] = false;
  o["edited"] = false;
  o["config"] = ParsedOrNull(r.config);
  o[k.kind] = ParsedOrNull(r.processor_json);
  o[k.version_key] = ParsedOrNull(r.version_json);
  auto f = svc.files->Get(r.workspace_id, r.file_id);
  o["file"] = f.ok() ? json::value(FileSummaryJson(*f)) : json::value(nullptr);
  if (std::string(k.kind) == "extractor") o["files"] = nullptr;
  o["parseRunId"] = nullptr;
  o["dashboardUrl"] = svc.public_url + "/#/" + std::string(k.object) + "s/" + r.id;
  o["usage"] = nullptr;
  o["createdAt"] = FormatRfc3339(r.created_at);
  o["updatedAt"] = FormatRfc3339(r.updated_at);
  return o;
}

StatusOr<store::ProcessorRunRecord> NewRunRecord(RequestContext& ctx, const RunKind& k, const json::value* ref,
                                                 const json::value* inline_config) {
  bool has_ref = ref && !ref->is_null(), has_config = inline_config && !inline_config->is_null();
  if (has_ref == has_config)
    return Status::InvalidArgument(std::string("exactly one of ") + k.kind + " and config is required");
  store::ProcessorRunRecord r;
  r.id = NewId(k.prefix);
  r.workspace_id = ctx.caller.workspace_id;
  r.kind = k.kind;
  if (has_ref) {
    if (!ref->is_object()) return Status::InvalidArgument(std::string(k.kind) + " must be {id, version?}");
    const json::value* id = ref->as_object().if_contains("id");
    if (!id || !id->is_string() || id->as_string().empty())
      return Status::InvalidArgument(std::string(k.kind) + ".id is required");
    std::string version = "latest";
    if (const json::value* v = ref->as_object().if_contains("version"); v && !v->is_null()) {
      if (!v->is_string()) return Status::InvalidArgument(std::string(k.kind) + ".version must be a string");
      version = std::string(v->as_string());
    }
    GOLDSET_ASSIGN_OR_RETURN(auto resolved,
                             ctx.svc.entities->Resolve(ctx.caller.workspace_id, std::string(id->as_string()), version));
    if (resolved.kind != k.kind)
      return Status::InvalidArgument(std::string(id->as_string()) + " is a " + resolved.kind + ", not a " + k.kind);
    r.processor_json = json::serialize(resolved.summary);
    r.version_json = json::serialize(resolved.version);
    r.config = json::serialize(resolved.config);
  } else {
    if (!inline_config->is_object()) return Status::InvalidArgument("config must be an object");
    if (ctx.svc.validate_config) GOLDSET_RETURN_IF_ERROR(ctx.svc.validate_config(k.kind, inline_config->as_object()));
    r.config = json::serialize(*inline_config);
  }
  r.status = model::ProcessorRunStatus::kPending;
  r.created_by = ctx.caller.key_name;
  return r;
}

Status DeleteCreatedFile(RequestContext& ctx, const std::string& file_id) {
  return ctx.svc.files->Delete(ctx.caller.workspace_id, file_id, nullptr,
                               [&](const std::string& sha) { return ctx.svc.blobs->Delete(sha); });
}

Status ReadRunOptions(const json::object& input, store::ProcessorRunRecord* r) {
  if (const json::value* m = input.if_contains("metadata"); m && !m->is_null()) {
    if (!m->is_object()) return Status::InvalidArgument("metadata must be an object");
    r->metadata = json::serialize(*m);
  }
  if (const json::value* p = input.if_contains("priority"); p && !p->is_null() && !p->is_int64() && !p->is_uint64())
    return Status::InvalidArgument("priority must be an integer");
  return Status::OK();
}

StatusOr<store::ProcessorRunRecord> CreateRun(RequestContext& ctx, const RunKind& k, const json::object& body,
                                              const CancelToken& cancel) {
  GOLDSET_ASSIGN_OR_RETURN(auto r, NewRunRecord(ctx, k, body.if_contains(k.kind), body.if_contains("config")));
  GOLDSET_RETURN_IF_ERROR(ReadRunOptions(body, &r));
  bool created = false;
  GOLDSET_ASSIGN_OR_RETURN(r.file_id, ResolveRunFile(ctx, body.if_contains("file"), cancel, &created));
  r.created_at = r.updated_at = NowMillis();
  if (Status st = ctx.svc.processor_runs->Insert(r); !st.ok()) {
    if (created) (void)DeleteCreatedFile(ctx, r.file_id);
    return st;
  }
  if (ctx.svc.notify_workers) ctx.svc.notify_workers();
  return r;
}

namespace {

StatusOr<Response> Create(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  CancelToken cancel;
  cancel.SetDeadline(MonotonicMillis() + ctx.svc.config.file_url_timeout_ms,
                     Status::DeadlineExceeded("file.url took longer than --file-url-timeout-ms"));
  GOLDSET_ASSIGN_OR_RETURN(auto r, CreateRun(ctx, k, body, cancel));
  return JsonResponse(RunJson(ctx.svc, k, r));
}

StatusOr<Response> Get(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto r, ctx.svc.processor_runs->Get(ctx.caller.workspace_id, k.kind, ctx.Param("id")));
  return JsonResponse(RunJson(ctx.svc, k, r));
}

StatusOr<Response> List(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams());
  std::string batch_id = ctx.req.QueryValue("batchId").value_or("");
  GOLDSET_ASSIGN_OR_RETURN(auto result, ctx.svc.processor_runs->List(ctx.caller.workspace_id, k.kind, page, batch_id));
  json::array data;
  for (const auto& r : result.items) data.push_back(RunJson(ctx.svc, k, r));
  return ListResponse(std::move(data), page, result.next);
}

// PENDING and PROCESSING runs can be cancelled (the SDK documents PROCESSING only; a
// queued run is as useful to stop). Webhooks have no cancelled event for these runs.
StatusOr<Response> Cancel(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto r, ctx.svc.processor_runs->Cancel(ctx.caller.workspace_id, k.kind, ctx.Param("id")));
  return JsonResponse(RunJson(ctx.svc, k, r));
}

StatusOr<Response> Delete(RequestContext& ctx, const RunKind& k) {
  GOLDSET_RETURN_IF_ERROR(ctx.svc.processor_runs->Delete(ctx.caller.workspace_id, k.kind, ctx.Param("id")));
  return JsonResponse(json::object{{"id", ctx.Param("id")}});
}

}  // namespace

json::object ProcessorRunJson(Services& svc, const store::ProcessorRunRecord& r) {
  for (const RunKind& k : kRunKinds)
    if (r.kind == k.kind) return RunJson(svc, k, r);
  return {};
}

void RegisterProcessorRunRoutes(Router& router) {
  for (const RunKind& k : kRunKinds) {
    const RunKind* kp = &k;
    std::string base = k.collection;
    router.Add(
        {"POST", base, [kp](RequestContext& c) { return Create(c, *kp); }, true, RateCategory::kRun, BodyKind::kJson});
    router.Add({"GET", base, [kp](RequestContext& c) { return List(c, *kp); }, true, RateCategory::kGet,
                BodyKind::kNone, Dispatch::kInline});
    router.Add({"GET", base + "/{id}", [kp](RequestContext& c) { return Get(c, *kp); }, true, RateCategory::kGet,
                BodyKind::kNone, Dispatch::kInline});
    router.Add(
        {"DELETE", base + "/{id}", [kp](RequestContext& c) { return Delete(c, *kp); }, true, RateCategory::kWrite});
    router.Add({"POST", base + "/{id}/cancel", [kp](RequestContext& c) { return Cancel(c, *kp); }, true,
                RateCategory::kWrite, BodyKind::kJson});
  }
}

}  // namespace goldset::api
