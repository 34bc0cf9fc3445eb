// Promote and re-score (extensions, docs/evaluation.md § Versions, history and re-scoring):
// POST /evaluation_set_runs/{id}/results/{itemId}/promote copies a run item's actual output
// into the item's expected output (whole or some fields) as a new revision;
// POST /evaluation_set_runs/{id}/rescore scores a finished run's stored outputs again as a
// new run, without calling a processor; the run is created PENDING and worked by the
// scheduler's workers (jobs/rescore.h).
#include <set>

#include "api/app.h"
#include "api/evaluation_json.h"
#include "api/item_revisions.h"
#include "api/run_manifest.h"
#include "api/run_options.h"
#include "common/clock.h"
#include "common/ids.h"
#include "store/rescore_store.h"

namespace goldset::api {

namespace {

constexpr size_t kMaxPromoteFields = 200;

// Splits "vendor.name" into its keys.
std::vector<std::string> PathKeys(const std::string& path) {
  std::vector<std::string> keys;
  size_t start = 0;
  for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
    keys.push_back(path.substr(start, dot - start));
  keys.push_back(path.substr(start));
  return keys;
}

// The expected output a promotion writes. `fields` empty: the whole output.
StatusOr<json::value> PromotedExpected(const std::string& kind, const json::value& current, const json::value& actual,
                                       const std::vector<std::string>& fields) {
  if (!actual.is_object()) return Status::InvalidArgument("the run's output for this item is not an object");
  const auto& a = actual.as_object();
  if (kind == "classifier" || kind == "splitter") {
    if (!fields.empty()) return Status::InvalidArgument("fields applies to extractor runs only");
    if (kind == "classifier") {
      json::object out;
      for (const char* k : {"id", "type"})
        if (const json::value* v = a.if_contains(k)) out[k] = *v;
      return json::value(out);
    }
    json::array splits;
    if (const json::value* s = a.if_contains("splits"); s && s->is_array()) {
      for (const auto& e : s->as_array()) {
        if (!e.is_object()) continue;
        json::object split;
        for (const char* k : {"classificationId", "type", "startPage", "endPage"})
          if (const json::value* v = e.as_object().if_contains(k)) split[k] = *v;
        splits.push_back(std::move(split));
      }
    }
    return json::value(json::object{{"splits", std::move(splits)}});
  }
  const json::value* value = a.if_contains("value");
  if (!value || !value->is_object())
    return Status::InvalidArgument("the run's output for this item has no value object");
  json::object out = current.is_object() ? current.as_object() : json::object{};
  if (fields.empty()) {
    out["value"] = *value;
    return json::value(out);
  }
  if (!out.contains("value") || !out["value"].is_object()) out["value"] = json::object{};
  for (size_t i = 0; i < fields.size(); ++i) {
    std::vector<std::string> keys = PathKeys(fields[i]);
    const json::value* from = value;
    for (const auto& k : keys) {
      from = from && from->is_object() ? from->as_object().if_contains(k) : nullptr;
    }
    if (!from)
      return Status::InvalidArgument("fields[" + std::to_string(i) + "]: " + fields[i] + " is not in the run's output");
    json::value* to = &out["value"];
    for (size_t k = 0; k + 1 < keys.size(); ++k) {
      json::object& obj = to->as_object();
      if (!obj.contains(keys[k]) || !obj[keys[k]].is_object()) obj[keys[k]] = json::object{};
      to = &obj[keys[k]];
    }
    to->as_object()[keys.back()] = *from;
  }
  return json::value(out);
}

StatusOr<std::vector<std::string>> FieldList(const json::object& body) {
  std::vector<std::string> fields;
  const json::value* f = body.if_contains("fields");
  if (!f || f->is_null()) return fields;
  if (!f->is_array() || f->as_array().empty())
    return Status::InvalidArgument(
        "fields must be a non-empty array of field paths such as \"total\" or \"vendor.name\"");
  if (f->as_array().size() > kMaxPromoteFields)
    return Status::InvalidArgument("fields holds more than " + std::to_string(kMaxPromoteFields) + " paths");
  std::set<std::string> seen;
  for (size_t i = 0; i < f->as_array().size(); ++i) {
    const json::value& e = f->as_array()[i];
    std::string path = "fields[" + std::to_string(i) + "]";
    if (!e.is_string() || e.as_string().empty() || e.as_string().size() > 1024)
      return Status::InvalidArgument(path + " must be a field path (a non-empty string)");
    std::string p(e.as_string());
    if (p.front() == '.' || p.back() == '.' || p.find("..") != std::string::npos)
      return Status::InvalidArgument(path + ": " + p + " is not a field path");
    if (!seen.insert(p).second) return Status::InvalidArgument(path + ": duplicate field " + p);
    fields.push_back(std::move(p));
  }
  return fields;
}

StatusOr<Response> Promote(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto run_item, ctx.svc.runs->GetItem(run.id, ctx.Param("itemId")));
  json::object body;
  if (!ctx.req.body.empty()) {
    GOLDSET_ASSIGN_OR_RETURN(auto parsed, ctx.JsonBody());
    body = std::move(parsed);
  }
  GOLDSET_ASSIGN_OR_RETURN(auto fields, FieldList(body));
  if (run_item.status != model::ItemStatus::kProcessed || !run_item.output)
    return Status::InvalidArgument("Item " + run_item.item_id + " is " + model::ToString(run_item.status) + " in run " +
                                   run.id + ": only items with an output can be promoted");
  GOLDSET_ASSIGN_OR_RETURN(auto set, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, run.set_id));
  GOLDSET_ASSIGN_OR_RETURN(auto item, ctx.svc.evaluations->GetItem(ctx.caller.workspace_id, set.id, run_item.item_id));
  auto actual = ParseJson(*run_item.output);
  auto current = ParseJson(item.expected_output);
  if (!actual.ok() || !current.ok()) return Status::Internal("stored output is unreadable");
  GOLDSET_ASSIGN_OR_RETURN(auto expected, PromotedExpected(set.entity_kind, *current, *actual, fields));
  store::RevisionCause cause = CauseOf(ctx, "promote");
  cause.source_run_id = run.id;
  GOLDSET_ASSIGN_OR_RETURN(auto written, ReviseExpected(ctx, set, item, expected, cause));
  item.expected_output = json::serialize(expected);
  json::object out = EvaluationItemJson(ctx.svc, item, true);
  out["revision"] = written;
  out["sourceRunId"] = run.id;
  return JsonResponse(out);
}

StatusOr<Response> Rescore(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto source, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  json::object body;
  if (!ctx.req.body.empty()) {
    GOLDSET_ASSIGN_OR_RETURN(auto parsed, ctx.JsonBody());
    body = std::move(parsed);
  }
  for (const auto& kv : body)
    if (kv.key() != "options" && kv.key() != "expected")
      return Status::InvalidArgument(std::string(kv.key()) + " is not a rescore parameter (options, expected)");
  bool from_set = false;
  if (const json::value* e = body.if_contains("expected"); e && !e->is_null()) {
    if (!e->is_string() || (e->as_string() != "run" && e->as_string() != "current"))
      return Status::InvalidArgument(
          "expected must be \"run\" (the source run's expected outputs) or "
          "\"current\" (the set's current ones)");
    from_set = e->as_string() == "current";
  }
  if (!source.finished())
    return Status::InvalidArgument("Run " + source.id + " is " + model::ToString(source.status) +
                                   "; only a finished run can be re-scored");
  auto config = ParseJson(source.config);
  if (!config.ok() || !config->is_object()) return Status::Internal("run has a corrupt config snapshot");
  std::string options_json = source.options;
  if (const json::value* o = body.if_contains("options"); o && !o->is_null()) {
    GOLDSET_ASSIGN_OR_RETURN(auto options, ParseRunOptions(o, source.entity_kind, config->as_object()));
    options_json = json::serialize(options);
  }
  store::RunRecord target;
  target.id = NewId("bpr_");
  target.workspace_id = source.workspace_id;
  target.set_id = source.set_id;
  target.entity_kind = source.entity_kind;
  target.entity_json = source.entity_json;
  target.entity_version_json = source.entity_version_json;
  target.config = source.config;
  target.options = options_json;
  json::object manifest = RunManifestBase(config->as_object());
  if (!from_set) {
    // The source's expected outputs: its set version and content hash.
    target.set_version = source.set_version;
    if (source.manifest) {
      auto m = ParseJson(*source.manifest);
      if (m.ok() && m->is_object()) {
        for (const char* k : {"evaluationSetVersion", "contentHash"})
          if (const json::value* v = m->as_object().if_contains(k)) manifest[k] = *v;
      }
    }
  }
  target.manifest = json::serialize(manifest);
  target.created_at = target.updated_at = NowMillis();
  // The work is the scheduler's (jobs/rescore.h): the run is answered PENDING, as a new run is.
  store::RescoreStore rescores(ctx.svc.db);
  GOLDSET_RETURN_IF_ERROR(rescores.Create(&target, source, from_set));
  if (ctx.svc.notify_workers) ctx.svc.notify_workers();
  GOLDSET_ASSIGN_OR_RETURN(auto metrics, ctx.svc.metrics.Get(*ctx.svc.runs, target));
  json::object out = RunJson(target, metrics);
  out["rescore"] = json::object{{"expected", from_set ? "current" : "run"}};
  return JsonResponse(out);
}

}  // namespace

void RegisterRescoreRoutes(Router& r) {
  r.Add({"POST", "/evaluation_set_runs/{id}/results/{itemId}/promote", Promote, true, RateCategory::kWrite,
         BodyKind::kJson});
  r.Add({"POST", "/evaluation_set_runs/{id}/rescore", Rescore, true, RateCategory::kRun, BodyKind::kJson});
}

}  // namespace goldset::api
