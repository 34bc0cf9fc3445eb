// Standalone processor runs (contract §4.5): POST/GET /extract_runs, /classify_runs,
// /split_runs, GET/DELETE .../{id} and POST .../{id}/cancel. Asynchronous: created
// PENDING, executed by the workers.
#include "api/app.h"
#include "api/entity_catalog.h"
#include "api/errors.h"
#include "api/evaluation_json.h"
#include "api/file_json.h"
#include "common/clock.h"
#include "common/ids.h"
#include "store/processor_run_store.h"

namespace goldset::api {

namespace {

struct RunKind {
  const char* kind;         // "extractor"
  const char* object;       // "extract_run"
  const char* prefix;       // "exr_"
  const char* collection;   // "/extract_runs"
  const char* version_key;  // "extractorVersion"
};

constexpr RunKind kKinds[] = {
    {"extractor", "extract_run", "exr_", "/extract_runs", "extractorVersion"},
    {"classifier", "classify_run", "clr_", "/classify_runs", "classifierVersion"},
    {"splitter", "split_run", "splr_", "/split_runs", "splitterVersion"},
};

json::object RunJson(Services& svc, const RunKind& k, const store::ProcessorRunRecord& r) {
  json::object o;
  o["object"] = k.object;
  o["id"] = r.id;
  o["status"] = r.status;
  if (r.output) o["output"] = ParsedOrNull(r.output);
  if (r.status == "FAILED") {
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

// file: {id} | {text, name?}. URLs would make the server fetch arbitrary addresses; the
// caller uploads instead.
StatusOr<std::string> ResolveFile(RequestContext& ctx, const json::value* v) {
  if (!v || v->is_null()) return Status::InvalidArgument("file is required: {id} of an uploaded file, or {text, name?}");
  if (!v->is_object()) return Status::InvalidArgument("file must be an object");
  const auto& o = v->as_object();
  if (const json::value* id = o.if_contains("id"); id && !id->is_null()) {
    if (!id->is_string()) return Status::InvalidArgument("file.id must be a string");
    auto f = ctx.svc.files->Get(ctx.caller.workspace_id, std::string(id->as_string()));
    if (!f.ok()) return f.status().WithContext("file.id");
    return f->id;
  }
  if (const json::value* text = o.if_contains("text"); text && !text->is_null()) {
    if (!text->is_string() || text->as_string().empty()) return Status::InvalidArgument("file.text must be a non-empty string");
    std::string name = "document.txt";
    if (const json::value* n = o.if_contains("name"); n && !n->is_null()) {
      if (!n->is_string()) return Status::InvalidArgument("file.name must be a string");
      // The same rules as an upload's file name (F19).
      if (!n->as_string().empty()) {
        auto clean = CleanFileName(std::string(n->as_string()));
        if (!clean.ok()) return clean.status().WithContext("file.name");
        name = *clean;
      }
    }
    std::string_view bytes(text->as_string().data(), text->as_string().size());
    model::File f;
    f.id = NewId("file_");
    f.workspace_id = ctx.caller.workspace_id;
    f.name = name;
    f.type = "TXT";
    f.mime_type = "text/plain";
    f.size_bytes = static_cast<int64_t>(bytes.size());
    f.created_by = ctx.caller.key_name;
    f.created_at = f.updated_at = NowMillis();
    GOLDSET_RETURN_IF_ERROR(StoreNewFile(ctx.svc, f, bytes));
    return f.id;
  }
  if (o.contains("url")) return Status::InvalidArgument("file.url is not supported by this server; upload the file and pass {id}");
  return Status::InvalidArgument("file needs id or text");
}

StatusOr<Response> Create(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  const json::value* ref = body.if_contains(k.kind);
  const json::value* inline_config = body.if_contains("config");
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
    GOLDSET_ASSIGN_OR_RETURN(auto resolved, ctx.svc.entities->Resolve(ctx.caller.workspace_id, std::string(id->as_string()), version));
    if (resolved.kind != k.kind)
      return Status::InvalidArgument(std::string(id->as_string()) + " is a " + resolved.kind + ", not a " + k.kind);
    r.processor_json = json::serialize(resolved.summary);
    r.version_json = json::serialize(resolved.version);
    r.config = json::serialize(resolved.config);
  } else {
    if (!inline_config->is_object()) return Status::InvalidArgument("config must be an object");
    if (ctx.svc.validate_config) {
      GOLDSET_RETURN_IF_ERROR(ctx.svc.validate_config(k.kind, inline_config->as_object()));
    }
    r.config = json::serialize(*inline_config);
  }
  if (const json::value* m = body.if_contains("metadata"); m && !m->is_null()) {
    if (!m->is_object()) return Status::InvalidArgument("metadata must be an object");
    r.metadata = json::serialize(*m);
  }
  if (const json::value* p = body.if_contains("priority"); p && !p->is_null() && !p->is_int64() && !p->is_uint64())
    return Status::InvalidArgument("priority must be an integer");
  GOLDSET_ASSIGN_OR_RETURN(auto file, ResolveFile(ctx, body.if_contains("file")));
  r.file_id = file;
  r.status = "PENDING";
  r.created_by = ctx.caller.key_name;
  r.created_at = r.updated_at = NowMillis();
  GOLDSET_RETURN_IF_ERROR(ctx.svc.processor_runs->Insert(r));
  if (ctx.svc.notify_workers) ctx.svc.notify_workers();
  return JsonResponse(RunJson(ctx.svc, k, r));
}

StatusOr<Response> Get(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto r, ctx.svc.processor_runs->Get(ctx.caller.workspace_id, k.kind, ctx.Param("id")));
  return JsonResponse(RunJson(ctx.svc, k, r));
}

StatusOr<Response> List(RequestContext& ctx, const RunKind& k) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams());
  GOLDSET_ASSIGN_OR_RETURN(auto result, ctx.svc.processor_runs->List(ctx.caller.workspace_id, k.kind, page));
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
  for (const RunKind& k : kKinds)
    if (r.kind == k.kind) return RunJson(svc, k, r);
  return {};
}

void RegisterProcessorRunRoutes(Router& router) {
  for (const RunKind& k : kKinds) {
    const RunKind* kp = &k;
    std::string base = k.collection;
    router.Add({"POST", base, [kp](RequestContext& c) { return Create(c, *kp); }, true, RateCategory::kRun, BodyKind::kJson});
    router.Add({"GET", base, [kp](RequestContext& c) { return List(c, *kp); }, true, RateCategory::kGet,
                BodyKind::kNone, Dispatch::kInline});
    router.Add({"GET", base + "/{id}", [kp](RequestContext& c) { return Get(c, *kp); }, true, RateCategory::kGet,
                BodyKind::kNone, Dispatch::kInline});
    router.Add({"DELETE", base + "/{id}", [kp](RequestContext& c) { return Delete(c, *kp); }, true, RateCategory::kWrite});
    router.Add({"POST", base + "/{id}/cancel", [kp](RequestContext& c) { return Cancel(c, *kp); }, true,
                RateCategory::kWrite, BodyKind::kJson});
  }
}

}  // namespace goldset::api
