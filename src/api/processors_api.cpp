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
#include "api/request_fields.h"
#include "common/clock.h"
#include "common/ids.h"
#include "store/processor_store.h"

namespace goldset::api {

namespace {

using model::ProcessorKind;

constexpr size_t kMaxDescriptionBytes = 10000;

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

// The optional `config` of an update or publish body: nullopt when it is not given.
StatusOr<std::optional<ConfigInput>> ReadOptionalConfig(const RequestContext& ctx, ProcessorKind kind,
                                                        const json::object& body) {
  const json::value* v = OptionalField(body, "config");
  if (!v) return std::optional<ConfigInput>();
  GOLDSET_ASSIGN_OR_RETURN(ConfigInput c, ReadConfig(ctx, kind, *v));
  return std::optional<ConfigInput>(std::move(c));
}

Response WithWarnings(Response r, const std::vector<std::string>& unknown) {
  if (!unknown.empty()) r.headers.emplace_back("x-goldset-warnings", UnknownKeysWarning(unknown));
  return r;
}

StatusOr<Response> Create(RequestContext& ctx, ProcessorKind kind) {
  const auto& info = model::KindInfo(kind);
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  const json::value* name_v = OptionalField(body, "name");
  if (!name_v) return Status::InvalidArgument("name is required");
  GOLDSET_ASSIGN_OR_RETURN(auto name, ReadName(*name_v));

  const json::value* clone = OptionalField(body, info.clone_field);
  const json::value* config = OptionalField(body, "config");
  const json::value* generate = kind == ProcessorKind::kExtractor ? OptionalField(body, "generate") : nullptr;
  if ((clone != nullptr) + (config != nullptr) + (generate != nullptr) > 1) {
    return Status::InvalidArgument(std::string("At most one of ") + info.clone_field + ", config" +
                                   (kind == ProcessorKind::kExtractor ? " and generate" : "") + " may be given");
  }
  if (generate) {
    return Status::InvalidArgument(
        "generate is not supported by Goldset: it does not infer schemas from documents; "
        "send config.schema (or cloneExtractorId) instead");
  }

  ConfigInput cfg;
  if (config) {
    GOLDSET_ASSIGN_OR_RETURN(auto c, ReadConfig(ctx, kind, *config));
    cfg = std::move(c);
  } else if (clone) {
    if (!clone->is_string()) return Status::InvalidArgument(std::string(info.clone_field) + " must be a string");
    GOLDSET_ASSIGN_OR_RETURN(auto src,
                             ctx.svc.processors->Get(ctx.caller.workspace_id, kind, std::string(clone->as_string())));
    cfg.text = src.draft_config;
  } else {
    cfg.text = json::serialize(DefaultProcessorConfig(kind));
  }

  model::Processor p;
  p.id = NewId(info.id_prefix);
  p.workspace_id = ctx.caller.workspace_id;
  p.kind = kind;
  p.name = name;
  p.draft_version_id = NewId(info.version_prefix);
  p.draft_config = cfg.text;
  p.draft_updated_by = ctx.caller.key_name;
  p.created_by = ctx.caller.key_name;
  p.created_at = p.updated_at = p.draft_updated_at = NowMillis();
  GOLDSET_RETURN_IF_ERROR(ctx.svc.processors->Create(p));
  return WithWarnings(JsonResponse(ProcessorJson(p)), cfg.unknown);
}

StatusOr<Response> Retrieve(RequestContext& ctx, ProcessorKind kind) {
  GOLDSET_ASSIGN_OR_RETURN(auto p, ctx.svc.processors->Get(ctx.caller.workspace_id, kind, ctx.Param("id")));
  return JsonResponse(ProcessorJson(p));
}

StatusOr<Response> List(RequestContext& ctx, ProcessorKind kind) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams());
  GOLDSET_ASSIGN_OR_RETURN(auto result, ctx.svc.processors->List(ctx.caller.workspace_id, kind, page));
  json::array data;
  for (const auto& p : result.items) data.push_back(ProcessorSummaryJson(p));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> Update(RequestContext& ctx, ProcessorKind kind) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  std::optional<std::string> name;
  if (const json::value* v = OptionalField(body, "name")) {
    GOLDSET_ASSIGN_OR_RETURN(auto n, ReadName(*v));
    name = n;
  }
  GOLDSET_ASSIGN_OR_RETURN(std::optional<ConfigInput> new_config, ReadOptionalConfig(ctx, kind, body));
  std::optional<std::string> config = new_config ? std::optional<std::string>(new_config->text) : std::nullopt;
  const std::vector<std::string> unknown = new_config ? new_config->unknown : std::vector<std::string>{};
  GOLDSET_ASSIGN_OR_RETURN(auto p, ctx.svc.processors->Update(ctx.caller.workspace_id, kind, ctx.Param("id"), name,
                                                              config, ctx.caller.key_name, NowMillis()));
  return WithWarnings(JsonResponse(ProcessorJson(p)), unknown);
}

StatusOr<Response> Delete(RequestContext& ctx, ProcessorKind kind) {
  GOLDSET_RETURN_IF_ERROR(ctx.svc.processors->Delete(ctx.caller.workspace_id, kind, ctx.Param("id")));
  return JsonResponse(json::object{{"id", ctx.Param("id")}});
}

StatusOr<Response> ListVersions(RequestContext& ctx, ProcessorKind kind) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  GOLDSET_ASSIGN_OR_RETURN(auto result,
                           ctx.svc.processors->ListVersions(ctx.caller.workspace_id, kind, ctx.Param("id"), page));
  json::array data;
  for (const auto& v : result.items) data.push_back(ProcessorVersionJson(v, /*with_config=*/false));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> Publish(RequestContext& ctx, ProcessorKind kind) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  const json::value* rt = OptionalField(body, "releaseType");
  if (!rt) return Status::InvalidArgument("releaseType is required: \"major\" or \"minor\"");
  store::ReleaseType release;
  if (rt->is_string() && rt->as_string() == "major") release = store::ReleaseType::kMajor;
  else if (rt->is_string() && rt->as_string() == "minor") release = store::ReleaseType::kMinor;
  else return Status::InvalidArgument("releaseType must be \"major\" or \"minor\"");
  std::optional<std::string> description;
  if (const json::value* d = OptionalField(body, "description")) {
    if (!d->is_string()) return Status::InvalidArgument("description must be a string");
    if (d->as_string().size() > kMaxDescriptionBytes)
      return Status::InvalidArgument("description is longer than " + std::to_string(kMaxDescriptionBytes) + " bytes");
    description = std::string(d->as_string());
  }
  GOLDSET_ASSIGN_OR_RETURN(std::optional<ConfigInput> new_config, ReadOptionalConfig(ctx, kind, body));
  std::optional<std::string> config = new_config ? std::optional<std::string>(new_config->text) : std::nullopt;
  const std::vector<std::string> unknown = new_config ? new_config->unknown : std::vector<std::string>{};
  GOLDSET_ASSIGN_OR_RETURN(auto v, ctx.svc.processors->Publish(ctx.caller.workspace_id, kind, ctx.Param("id"), release,
                                                               description, config, ctx.caller.key_name, NowMillis()));
  return WithWarnings(JsonResponse(ProcessorVersionJson(v, /*with_config=*/true)), unknown);
}

StatusOr<Response> GetVersion(RequestContext& ctx, ProcessorKind kind) {
  GOLDSET_ASSIGN_OR_RETURN(auto v, ctx.svc.processors->ResolveVersion(ctx.caller.workspace_id, kind, ctx.Param("id"),
                                                                      ctx.Param("versionId"), /*allow_id=*/true));
  return JsonResponse(ProcessorVersionJson(v, /*with_config=*/true));
}

}  // namespace

void RegisterProcessorRoutes(Router& r) {
  for (ProcessorKind kind : {ProcessorKind::kExtractor, ProcessorKind::kClassifier, ProcessorKind::kSplitter}) {
    const std::string base = std::string("/") + model::KindInfo(kind).collection;
    auto bind = [kind](StatusOr<Response> (*fn)(RequestContext&, ProcessorKind)) {
      return [kind, fn](RequestContext& ctx) { return fn(ctx, kind); };
    };
    r.Add({"GET", base, bind(List), true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
    r.Add({"POST", base, bind(Create), true, RateCategory::kWrite, BodyKind::kJson});
    r.Add({"GET", base + "/{id}", bind(Retrieve), true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
    r.Add({"POST", base + "/{id}", bind(Update), true, RateCategory::kWrite, BodyKind::kJson});
    r.Add({"DELETE", base + "/{id}", bind(Delete), true, RateCategory::kWrite});
    r.Add({"GET", base + "/{id}/versions", bind(ListVersions), true, RateCategory::kGet, BodyKind::kNone,
           Dispatch::kInline});
    r.Add({"POST", base + "/{id}/versions", bind(Publish), true, RateCategory::kWrite, BodyKind::kJson});
    r.Add({"GET", base + "/{id}/versions/{versionId}", bind(GetVersion), true, RateCategory::kGet, BodyKind::kNone,
           Dispatch::kInline});
  }
}

}  // namespace goldset::api
