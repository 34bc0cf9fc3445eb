// Extractors, classifiers and splitters (contract 4.2-4.4), one set of handlers for
// the three kinds:
//   GET|POST /{kind}s, GET|POST|DELETE /{kind}s/{id},
//   GET|POST /{kind}s/{id}/versions, GET /{kind}s/{id}/versions/{versionId}.
// DELETE is an extension (the contract has none); it is refused while an evaluation
// set refers to the processor. Responses that accepted a config with unknown top-level
// keys carry them in the x-goldset-warnings header.
#include <string>
#include <vector>

#include "api/app.h"
#include "api/errors.h"
#include "api/processor_config.h"
#include "api/processor_json.h"
#include "common/clock.h"
#include "common/ids.h"
#include "store/processor_store.h"

namespace goldset::api {

namespace {

using model::ProcessorKind;

constexpr size_t kMaxNameBytes = 255;
constexpr size_t kMaxDescriptionBytes = 10000;

// An optional body field; explicit null counts as absent (DESIGN: null = "not given").
const json::value* Opt(const json::object& body, std::string_view key) {
  const json::value* v = Find(body, key);
  return v && !v->is_null() ? v : nullptr;
}

StatusOr<std::string> ReadName(const json::value& v) {
  if (!v.is_string()) return Status::InvalidArgument("name must be a string");
  std::string name(v.as_string());
  if (name.find_first_not_of(" \t\r\n") == std::string::npos) return Status::InvalidArgument("name must not be empty");
  if (name.size() > kMaxNameBytes)
    return Status::InvalidArgument("name is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  return name;
}

struct ConfigInput {
  std::string text;                  // serialized, keys in the order given
  std::vector<std::string> unknown;  // top-level keys kept but not understood
};

StatusOr<ConfigInput> ReadConfig(const RequestContext& ctx, ProcessorKind kind, const json::value& v) {
  if (!v.is_object()) return Status::InvalidArgument("config must be a JSON object; Path: config");
  GOLDSET_RETURN_IF_ERROR(ValidateProcessorConfig(kind, v.as_object(), ctx.svc.config.engine_policy));
  return ConfigInput{json::serialize(v), UnknownConfigKeys(kind, v.as_object())};
}

Response WithWarnings(Response r, const std::vector<std::string>& unknown) {
  if (!unknown.empty()) r.headers.emplace_back("x-goldset-warnings", UnknownKeysWarning(unknown));
  return r;
}

Response Create(RequestContext& ctx, ProcessorKind kind) {
  const auto& info = model::KindInfo(kind);
  auto fail = [&](const Status& st) { return ErrorResponse(st, ctx.request_id); };
  auto body = ctx.JsonBody();
  if (!body.ok()) return fail(body.status());
  const json::value* name_v = Opt(*body, "name");
  if (!name_v) return fail(Status::InvalidArgument("name is required"));
  auto name = ReadName(*name_v);
  if (!name.ok()) return fail(name.status());

  const json::value* clone = Opt(*body, info.clone_field);
  const json::value* config = Opt(*body, "config");
  const json::value* generate = kind == ProcessorKind::kExtractor ? Opt(*body, "generate") : nullptr;
  if ((clone != nullptr) + (config != nullptr) + (generate != nullptr) > 1) {
    return fail(Status::InvalidArgument(std::string("At most one of ") + info.clone_field + ", config" +
                                        (kind == ProcessorKind::kExtractor ? " and generate" : "") +
                                        " may be given"));
  }
  if (generate) {
    return fail(Status::InvalidArgument(
        "generate is not supported by Goldset: it does not infer schemas from documents; "
        "send config.schema (or cloneExtractorId) instead"));
  }

  ConfigInput cfg;
  if (config) {
    auto c = ReadConfig(ctx, kind, *config);
    if (!c.ok()) return fail(c.status());
    cfg = std::move(*c);
  } else if (clone) {
    if (!clone->is_string()) return fail(Status::InvalidArgument(std::string(info.clone_field) + " must be a string"));
    auto src = ctx.svc.processors->Get(ctx.caller.workspace_id, kind, std::string(clone->as_string()));
    if (!src.ok()) return fail(src.status());
    cfg.text = src->draft_config;
  } else {
    cfg.text = json::serialize(DefaultProcessorConfig(kind));
  }

  model::Processor p;
  p.id = NewId(info.id_prefix);
  p.workspace_id = ctx.caller.workspace_id;
  p.kind = kind;
  p.name = *name;
  p.draft_version_id = NewId(info.version_prefix);
  p.draft_config = cfg.text;
  p.draft_updated_by = ctx.caller.key_name;
  p.created_by = ctx.caller.key_name;
  p.created_at = p.updated_at = p.draft_updated_at = NowMillis();
  Status st = ctx.svc.processors->Create(p);
  if (!st.ok()) return fail(st);
  return WithWarnings(JsonResponse(ProcessorJson(p)), cfg.unknown);
}

Response Retrieve(RequestContext& ctx, ProcessorKind kind) {
  auto p = ctx.svc.processors->Get(ctx.caller.workspace_id, kind, ctx.Param("id"));
  if (!p.ok()) return ErrorResponse(p.status(), ctx.request_id);
  return JsonResponse(ProcessorJson(*p));
}

Response List(RequestContext& ctx, ProcessorKind kind) {
  auto page = ctx.ListParams();
  if (!page.ok()) return ErrorResponse(page.status(), ctx.request_id);
  auto result = ctx.svc.processors->List(ctx.caller.workspace_id, kind, *page);
  if (!result.ok()) return ErrorResponse(result.status(), ctx.request_id);
  json::array data;
  for (const auto& p : result->items) data.push_back(ProcessorSummaryJson(p));
  return ListResponse(std::move(data), *page, result->next);
}

Response Update(RequestContext& ctx, ProcessorKind kind) {
  auto fail = [&](const Status& st) { return ErrorResponse(st, ctx.request_id); };
  auto body = ctx.JsonBody();
  if (!body.ok()) return fail(body.status());
  std::optional<std::string> name;
  if (const json::value* v = Opt(*body, "name")) {
    auto n = ReadName(*v);
    if (!n.ok()) return fail(n.status());
    name = *n;
  }
  std::optional<std::string> config;
  std::vector<std::string> unknown;
  if (const json::value* v = Opt(*body, "config")) {
    auto c = ReadConfig(ctx, kind, *v);
    if (!c.ok()) return fail(c.status());
    config = std::move(c->text);
    unknown = std::move(c->unknown);
  }
  auto p = ctx.svc.processors->Update(ctx.caller.workspace_id, kind, ctx.Param("id"), name, config,
                                      ctx.caller.key_name, NowMillis());
  if (!p.ok()) return fail(p.status());
  return WithWarnings(JsonResponse(ProcessorJson(*p)), unknown);
}

Response Delete(RequestContext& ctx, ProcessorKind kind) {
  Status st = ctx.svc.processors->Delete(ctx.caller.workspace_id, kind, ctx.Param("id"));
  if (!st.ok()) return ErrorResponse(st, ctx.request_id);
  return JsonResponse(json::object{{"id", ctx.Param("id")}});
}

Response ListVersions(RequestContext& ctx, ProcessorKind kind) {
  auto page = ctx.ListParams(/*allow_sort_by=*/false);
  if (!page.ok()) return ErrorResponse(page.status(), ctx.request_id);
  auto result = ctx.svc.processors->ListVersions(ctx.caller.workspace_id, kind, ctx.Param("id"), *page);
  if (!result.ok()) return ErrorResponse(result.status(), ctx.request_id);
  json::array data;
  for (const auto& v : result->items) data.push_back(ProcessorVersionJson(v, /*with_config=*/false));
  return ListResponse(std::move(data), *page, result->next);
}

Response Publish(RequestContext& ctx, ProcessorKind kind) {
  auto fail = [&](const Status& st) { return ErrorResponse(st, ctx.request_id); };
  auto body = ctx.JsonBody();
  if (!body.ok()) return fail(body.status());
  const json::value* rt = Opt(*body, "releaseType");
  if (!rt) return fail(Status::InvalidArgument("releaseType is required: \"major\" or \"minor\""));
  store::ReleaseType release;
  if (rt->is_string() && rt->as_string() == "major") release = store::ReleaseType::kMajor;
  else if (rt->is_string() && rt->as_string() == "minor") release = store::ReleaseType::kMinor;
  else return fail(Status::InvalidArgument("releaseType must be \"major\" or \"minor\""));
  std::optional<std::string> description;
  if (const json::value* d = Opt(*body, "description")) {
    if (!d->is_string()) return fail(Status::InvalidArgument("description must be a string"));
    if (d->as_string().size() > kMaxDescriptionBytes)
      return fail(Status::InvalidArgument("description is longer than " + std::to_string(kMaxDescriptionBytes) + " bytes"));
    description = std::string(d->as_string());
  }
  std::optional<std::string> config;
  std::vector<std::string> unknown;
  if (const json::value* v = Opt(*body, "config")) {
    auto c = ReadConfig(ctx, kind, *v);
    if (!c.ok()) return fail(c.status());
    config = std::move(c->text);
    unknown = std::move(c->unknown);
  }
  auto v = ctx.svc.processors->Publish(ctx.caller.workspace_id, kind, ctx.Param("id"), release, description, config,
                                       ctx.caller.key_name, NowMillis());
  if (!v.ok()) return fail(v.status());
  return WithWarnings(JsonResponse(ProcessorVersionJson(*v, /*with_config=*/true)), unknown);
}

Response GetVersion(RequestContext& ctx, ProcessorKind kind) {
  auto v = ctx.svc.processors->ResolveVersion(ctx.caller.workspace_id, kind, ctx.Param("id"),
                                              ctx.Param("versionId"), /*allow_id=*/true);
  if (!v.ok()) return ErrorResponse(v.status(), ctx.request_id);
  return JsonResponse(ProcessorVersionJson(*v, /*with_config=*/true));
}

}  // namespace

void RegisterProcessorRoutes(Router& r) {
  for (ProcessorKind kind : {ProcessorKind::kExtractor, ProcessorKind::kClassifier, ProcessorKind::kSplitter}) {
    const std::string base = std::string("/") + model::KindInfo(kind).collection;
    auto bind = [kind](Response (*fn)(RequestContext&, ProcessorKind)) {
      return [kind, fn](RequestContext& ctx) { return fn(ctx, kind); };
    };
    r.Add({"GET", base, bind(List), true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
    r.Add({"POST", base, bind(Create), true, RateCategory::kWrite, BodyKind::kJson});
    r.Add({"GET", base + "/{id}", bind(Retrieve), true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
    r.Add({"POST", base + "/{id}", bind(Update), true, RateCategory::kWrite, BodyKind::kJson});
    r.Add({"DELETE", base + "/{id}", bind(Delete), true, RateCategory::kWrite});
    r.Add({"GET", base + "/{id}/versions", bind(ListVersions), true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
    r.Add({"POST", base + "/{id}/versions", bind(Publish), true, RateCategory::kWrite, BodyKind::kJson});
    r.Add({"GET", base + "/{id}/versions/{versionId}", bind(GetVersion), true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  }
}

}  // namespace goldset::api
