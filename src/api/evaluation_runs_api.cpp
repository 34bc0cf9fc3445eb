// Evaluation runs: POST /evaluation_set_runs, GET /evaluation_set_runs/{id}, and the
// extensions GET /evaluation_set_runs (list) and POST /evaluation_set_runs/{id}/cancel.
#include <set>

#include "api/app.h"
#include "api/entity_catalog.h"
#include "api/errors.h"
#include "api/evaluation_json.h"
#include "api/run_manifest.h"
#include "api/run_options.h"
#include "api/request_fields.h"
#include "common/clock.h"
#include "common/ids.h"
#include "eval/eval.h"
#include "eval/run_options.h"

namespace goldset::api {

// Normalizes and checks the `options` extension; returns the JSON stored with the run.
StatusOr<json::object> ParseRunOptions(const json::value* v, const std::string& kind, const json::object& config) {
  json::object out{{"fuzzyMatchFields", json::array{}}, {"excludeFields", json::array{}}};
  if (!v || v->is_null()) return out;
  if (!v->is_object()) return Status::InvalidArgument("options must be an object");
  const auto& o = v->as_object();
  for (const auto& [key, val] : o) {
    if (key != "fuzzyMatchFields" && key != "excludeFields" && key != "fuzzyThreshold")
      return Status::InvalidArgument("options." + std::string(key) +
                                     " is not a known option (fuzzyMatchFields, excludeFields, fuzzyThreshold)");
  }
  for (const char* key : {"fuzzyMatchFields", "excludeFields"}) {
    if (const json::value* a = o.if_contains(key); a && !a->is_null()) {
      GOLDSET_ASSIGN_OR_RETURN(auto list, StringArray(*a, std::string("options.") + key, true));
      json::array arr;
      for (auto& s : list) arr.emplace_back(s);
      out[key] = std::move(arr);
    }
  }
  if (const json::value* t = o.if_contains("fuzzyThreshold"); t && !t->is_null()) {
    if (!t->is_number()) return Status::InvalidArgument("options.fuzzyThreshold must be a number");
    double d = t->to_number<double>();
    if (!(d > 0 && d <= 1)) return Status::InvalidArgument("options.fuzzyThreshold must be in (0, 1]");
    out["fuzzyThreshold"] = d;
  }
  eval::Options opts = eval::OptionsFromJson(out);
  if ((!opts.fuzzy_match_fields.empty() || !opts.exclude_fields.empty()) && kind != "extractor")
    return Status::InvalidArgument("options.fuzzyMatchFields and options.excludeFields apply to extractor runs only");
  GOLDSET_RETURN_IF_ERROR(eval::ValidateOptions(eval::KindOfEntity(kind), config, opts));
  return out;
}

namespace {

StatusOr<Response> CreateRun(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  const json::value* set_id = body.if_contains("evaluationSetId");
  if (!set_id || !set_id->is_string() || set_id->as_string().empty())
    return Status::InvalidArgument("evaluationSetId is required (a string)");
  GOLDSET_ASSIGN_OR_RETURN(auto set,
                           ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, std::string(set_id->as_string())));

  std::string entity_id = set.entity_id, version = "draft";
  if (const json::value* e = body.if_contains("entity"); e && !e->is_null()) {
    if (!e->is_object()) return Status::InvalidArgument("entity must be an object {id, version?}");
    const json::value* id = e->as_object().if_contains("id");
    if (!id || !id->is_string() || id->as_string().empty())
      return Status::InvalidArgument("entity.id is required (a string)");
    entity_id = std::string(id->as_string());
    version = "latest";  // docs/decisions.md §2: entity without version runs the latest published, else draft
    if (const json::value* v = e->as_object().if_contains("version"); v && !v->is_null()) {
      if (!v->is_string() || v->as_string().empty())
        return Status::InvalidArgument("entity.version must be a string such as \"draft\", \"latest\" or \"1.0\"");
      version = std::string(v->as_string());
    }
  }
  GOLDSET_ASSIGN_OR_RETURN(auto resolved, ctx.svc.entities->Resolve(ctx.caller.workspace_id, entity_id, version));
  if (resolved.kind != set.entity_kind)
    return Status::InvalidArgument("entity " + entity_id + " is a " + resolved.kind + " but the set evaluates a " +
                                   set.entity_kind);

  std::vector<std::string> item_ids;
  if (const json::value* ids = body.if_contains("evaluationSetItemIds"); ids && !ids->is_null()) {
    GOLDSET_ASSIGN_OR_RETURN(auto list, StringArray(*ids, "evaluationSetItemIds", false));
    GOLDSET_ASSIGN_OR_RETURN(auto found, ctx.svc.evaluations->ExistingItemIds(set.id, list));
    if (found.size() != list.size()) {
      std::set<std::string> have(found.begin(), found.end());
      for (size_t i = 0; i < list.size(); ++i)
        if (!have.count(list[i]))
          return Status::NotFound("evaluationSetItemIds[" + std::to_string(i) + "]: item " + list[i] +
                                  " is not in evaluation set " + set.id);
    }
    item_ids = std::move(list);
  }
  GOLDSET_ASSIGN_OR_RETURN(auto options,
                           ParseRunOptions(body.if_contains("options"), set.entity_kind, resolved.config));
  if (item_ids.empty()) {
    GOLDSET_ASSIGN_OR_RETURN(auto n, ctx.svc.evaluations->CountItems(set.id));
    if (n == 0) return Status::InvalidArgument("Evaluation set " + set.id + " has no items to run");
  }

  store::RunRecord run;
  run.id = NewId("bpr_");
  run.workspace_id = ctx.caller.workspace_id;
  run.set_id = set.id;
  run.entity_kind = resolved.kind;
  run.entity_json = json::serialize(resolved.summary);
  run.entity_version_json = json::serialize(resolved.version);
  run.config = json::serialize(resolved.config);
  run.options = json::serialize(options);
  run.manifest = json::serialize(RunManifestBase(resolved.config));
  run.status = model::RunStatus::kPending;
  run.created_at = run.updated_at = NowMillis();
  GOLDSET_RETURN_IF_ERROR(ctx.svc.runs->CreateRun(&run, item_ids));
  if (ctx.svc.notify_workers) ctx.svc.notify_workers();
  GOLDSET_ASSIGN_OR_RETURN(auto metrics, ctx.svc.metrics.Get(*ctx.svc.runs, run));
  return JsonResponse(RunJson(run, metrics));
}

StatusOr<Response> GetRun(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto metrics, ctx.svc.metrics.Get(*ctx.svc.runs, run));
  return JsonResponse(RunJson(run, metrics));
}

StatusOr<Response> ListRuns(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams());
  std::string set_id = ctx.req.QueryValue("evaluationSetId").value_or("");
  if (!set_id.empty()) {
    GOLDSET_RETURN_IF_ERROR(ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, set_id).status());
  }
  GOLDSET_ASSIGN_OR_RETURN(auto result, ctx.svc.runs->ListRuns(ctx.caller.workspace_id, set_id, page));
  json::array data;
  for (const auto& run : result.items) {
    GOLDSET_ASSIGN_OR_RETURN(auto metrics, ctx.svc.metrics.Get(*ctx.svc.runs, run));
    data.push_back(RunJson(run, metrics));
  }
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> CancelRun(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run,
                           ctx.svc.runs->Cancel(ctx.caller.workspace_id, ctx.Param("id"), ctx.svc.run_finalizer));
  GOLDSET_ASSIGN_OR_RETURN(auto metrics, ctx.svc.metrics.Get(*ctx.svc.runs, run));
  return JsonResponse(RunJson(run, metrics));
}

}  // namespace

void RegisterEvaluationRunRoutes(Router& r) {
  r.Add({"POST", "/evaluation_set_runs", CreateRun, true, RateCategory::kRun, BodyKind::kJson});
  r.Add({"GET", "/evaluation_set_runs", ListRuns, true, RateCategory::kGet});
  r.Add({"GET", "/evaluation_set_runs/{id}", GetRun, true, RateCategory::kGet});
  r.Add({"POST", "/evaluation_set_runs/{id}/cancel", CancelRun, true, RateCategory::kWrite, BodyKind::kJson});
}

}  // namespace goldset::api
