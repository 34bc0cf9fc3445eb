// Evaluation sets and items: POST/GET /evaluation_sets, GET /evaluation_sets/{id},
// POST/GET /evaluation_sets/{id}/items, GET/POST/DELETE /evaluation_sets/{id}/items/{itemId}.
#include <set>

#include "api/app.h"
#include "api/entity_catalog.h"
#include "api/errors.h"
#include "api/evaluation_json.h"
#include "api/item_revisions.h"
#include "api/request_fields.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/multiset_hash.h"
#include "eval/eval.h"
#include "eval/run_options.h"

namespace goldset::api {

namespace {

constexpr size_t kMaxItemsPerRequest = 100;

StatusOr<Response> CreateSet(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  GOLDSET_ASSIGN_OR_RETURN(auto name, RequiredString(body, "name", kMaxSetFieldBytes));
  GOLDSET_ASSIGN_OR_RETURN(auto entity_id, RequiredString(body, "entityId", kMaxSetFieldBytes));
  std::string description;
  if (const json::value* d = body.if_contains("description"); d && !d->is_null()) {
    if (!d->is_string()) return Status::InvalidArgument("description must be a string");
    description = std::string(d->as_string());
  }
  GOLDSET_ASSIGN_OR_RETURN(auto entity, ctx.svc.entities->Describe(ctx.caller.workspace_id, entity_id));
  store::EvaluationSetRecord s;
  s.id = NewId("ev_");
  s.workspace_id = ctx.caller.workspace_id;
  s.name = name;
  s.description = description;
  s.entity_id = entity_id;
  s.entity_kind = entity.kind;
  s.created_by = ctx.caller.key_name;
  s.created_at = s.updated_at = NowMillis();
  s.content_hash = MultisetHash().Digest();  // of no items, as InsertSet stores it
  GOLDSET_RETURN_IF_ERROR(ctx.svc.evaluations->InsertSet(s));
  return JsonResponse(EvaluationSetJson(s, entity.summary));
}

json::object SummaryOrStub(RequestContext& ctx, const store::EvaluationSetRecord& s) {
  auto entity = ctx.svc.entities->Describe(ctx.caller.workspace_id, s.entity_id);
  if (entity.ok()) return entity->summary;
  return json::object{{"object", s.entity_kind}, {"id", s.entity_id}};
}

StatusOr<Response> GetSet(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto s, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(EvaluationSetJson(s, SummaryOrStub(ctx, s)));
}

StatusOr<Response> ListSets(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams());
  GOLDSET_ASSIGN_OR_RETURN(
      auto result,
      ctx.svc.evaluations->ListSets(ctx.caller.workspace_id, ctx.req.QueryValue("entityId").value_or(""), page));
  json::array data;
  for (const auto& s : result.items) data.push_back(EvaluationSetJson(s, SummaryOrStub(ctx, s)));
  return ListResponse(std::move(data), page, result.next);
}

// Validates one ItemInput; fills `out` (without ids/timestamps). `where` is "items[3]".
Status ValidateItemInput(FileMemo& files, const store::EvaluationSetRecord& set, const json::object& config,
                         const json::value& input, const std::string& where, store::EvaluationItemRecord* out) {
  if (!input.is_object()) return Status::InvalidArgument(where + " must be an object");
  const json::object& o = input.as_object();
  const json::value* file_id = o.if_contains("fileId");
  const json::value* file_ids = o.if_contains("fileIds");
  bool has_one = file_id && !file_id->is_null();
  bool has_many = file_ids && !file_ids->is_null();
  if (has_one == has_many) return Status::InvalidArgument(where + ": exactly one of fileId and fileIds is required");
  std::optional<int> page_count;
  if (has_one) {
    if (!file_id->is_string() || file_id->as_string().empty())
      return Status::InvalidArgument(where + ".fileId must be a non-empty string");
    std::string id(file_id->as_string());
    auto f = files.Get(id);
    if (!f.ok()) return f.status().WithContext(where + ".fileId");
    page_count = f->page_count;
    out->file_id = id;
  } else {
    if (set.entity_kind != "extractor")
      return Status::InvalidArgument(where + ".fileIds: multifile items are allowed only on extractor sets");
    if (!file_ids->is_array()) return Status::InvalidArgument(where + ".fileIds must be an array of file ids");
    const auto& arr = file_ids->as_array();
    if (arr.size() < 2 || arr.size() > 50)
      return Status::InvalidArgument(where + ".fileIds must hold 2 to 50 file ids, got " + std::to_string(arr.size()));
    std::set<std::string> seen;
    for (size_t i = 0; i < arr.size(); ++i) {
      std::string path = where + ".fileIds[" + std::to_string(i) + "]";
      if (!arr[i].is_string() || arr[i].as_string().empty())
        return Status::InvalidArgument(path + " must be a file id");
      std::string id(arr[i].as_string());
      if (!seen.insert(id).second) return Status::InvalidArgument(path + ": duplicate file id " + id);
      auto f = files.Get(id);
      if (!f.ok()) return f.status().WithContext(path);
      out->file_ids.push_back(id);
    }
  }
  const json::value* expected = o.if_contains("expectedOutput");
  if (!expected || expected->is_null()) return Status::InvalidArgument(where + ".expectedOutput is required");
  Status st = eval::ValidateExpectedOutput(eval::KindOfEntity(set.entity_kind), config, *expected, page_count);
  if (!st.ok()) return st.WithContext(where);
  out->expected_output = json::serialize(*expected);
  return Status::OK();
}

StatusOr<json::object> SetConfig(RequestContext& ctx, const store::EvaluationSetRecord& set) {
  auto resolved = ctx.svc.entities->Resolve(ctx.caller.workspace_id, set.entity_id, "draft");
  if (!resolved.ok()) {
    if (resolved.status().code() == Status::Code::kNotFound)
      return Status::InvalidArgument("The set's processor " + set.entity_id + " no longer exists");
    return resolved.status();
  }
  return resolved->config;
}

StatusOr<Response> CreateItems(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto set, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  const json::value* items = body.if_contains("items");
  if (!items || !items->is_array()) return Status::InvalidArgument("items must be an array");
  const auto& arr = items->as_array();
  if (arr.empty()) return Status::InvalidArgument("items must hold at least one item");
  if (arr.size() > kMaxItemsPerRequest)
    return Status::InvalidArgument("items holds " + std::to_string(arr.size()) +
                                   " items; at most 100 are accepted per request");
  GOLDSET_ASSIGN_OR_RETURN(auto config, SetConfig(ctx, set));
  std::vector<store::EvaluationItemRecord> records(arr.size());
  // Every file the batch names, looked up in one query rather than one per item.
  FileMemo files(ctx.svc, ctx.caller.workspace_id);
  std::vector<std::string> named;
  for (const auto& input : arr) {
    if (!input.is_object()) continue;
    if (const auto* f = input.as_object().if_contains("fileId"); f && f->is_string())
      named.emplace_back(f->as_string());
    if (const auto* fs = input.as_object().if_contains("fileIds"); fs && fs->is_array())
      for (const auto& f : fs->as_array())
        if (f.is_string() && named.size() < 5100) named.emplace_back(f.as_string());
  }
  (void)files.Prefetch(named);  // on failure each item looks its files up itself
  int64_t now = NowMillis();
  for (size_t i = 0; i < arr.size(); ++i) {
    GOLDSET_RETURN_IF_ERROR(
        ValidateItemInput(files, set, config, arr[i], "items[" + std::to_string(i) + "]", &records[i]));
    auto& r = records[i];
    r.id = NewId("evi_");
    r.workspace_id = ctx.caller.workspace_id;
    r.set_id = set.id;
    r.created_by = ctx.caller.key_name;
    // Item timestamps are never shown (contract §3.2); they only order lists. Offsetting
    // by the index keeps a batch in request order under createdAt sorting.
    r.created_at = r.updated_at = now + static_cast<int64_t>(i);
  }
  GOLDSET_RETURN_IF_ERROR(ctx.svc.evaluations->InsertItems(set.id, records));
  json::array out;
  for (const auto& r : records) out.push_back(EvaluationItemJson(ctx.svc, r, true, &files));
  return JsonResponse(json::object{{"evaluationSetItems", std::move(out)}});
}

StatusOr<Response> GetItem(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto item,
                           ctx.svc.evaluations->GetItem(ctx.caller.workspace_id, ctx.Param("id"), ctx.Param("itemId")));
  return JsonResponse(EvaluationItemJson(ctx.svc, item, true));
}

StatusOr<Response> UpdateItem(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto set, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto item,
                           ctx.svc.evaluations->GetItem(ctx.caller.workspace_id, set.id, ctx.Param("itemId")));
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  const json::value* expected = body.if_contains("expectedOutput");
  if (!expected || expected->is_null()) return Status::InvalidArgument("expectedOutput is required");
  GOLDSET_ASSIGN_OR_RETURN(auto config, SetConfig(ctx, set));
  std::optional<int> page_count;
  if (item.file_id) {
    auto f = ctx.svc.files->Get(ctx.caller.workspace_id, *item.file_id);
    if (f.ok()) page_count = f->page_count;
  }
  GOLDSET_RETURN_IF_ERROR(
      eval::ValidateExpectedOutput(eval::KindOfEntity(set.entity_kind), config, *expected, page_count));
  int64_t now = NowMillis();
  GOLDSET_RETURN_IF_ERROR(ctx.svc.evaluations
                              ->UpdateItemExpected(ctx.caller.workspace_id, set.id, item.id, json::serialize(*expected),
                                                   now, CauseOf(ctx, "update"))
                              .status());
  item.expected_output = json::serialize(*expected);
  item.updated_at = now;
  return JsonResponse(EvaluationItemJson(ctx.svc, item, true));
}

StatusOr<Response> DeleteItem(RequestContext& ctx) {
  GOLDSET_RETURN_IF_ERROR(ctx.svc.evaluations->DeleteItem(ctx.caller.workspace_id, ctx.Param("id"), ctx.Param("itemId"),
                                                          CauseOf(ctx, "delete")));
  return JsonResponse(json::object{{"id", ctx.Param("itemId")}});
}

StatusOr<Response> ListItems(RequestContext& ctx) {
  const std::string& workspace = ctx.caller.workspace_id;
  auto page = ctx.ListParams();
  if (!page.ok()) {  // a missing set is reported before a bad parameter, as on every set route
    GOLDSET_RETURN_IF_ERROR(ctx.svc.evaluations->GetSet(workspace, ctx.Param("id")).status());
    return page.status();
  }
  GOLDSET_ASSIGN_OR_RETURN(auto result, ctx.svc.evaluations->ListItems(workspace, ctx.Param("id"), *page));
  FileMemo files(ctx.svc, workspace);
  std::vector<std::string> file_ids;
  for (const auto& it : result.items) {
    if (it.file_id) file_ids.push_back(*it.file_id);
    file_ids.insert(file_ids.end(), it.file_ids.begin(), it.file_ids.end());
  }
  (void)files.Prefetch(file_ids);  // on failure each item looks its files up itself
  json::array data;
  for (const auto& it : result.items) data.push_back(EvaluationItemJson(ctx.svc, it, false, &files));
  return ListResponse(std::move(data), *page, result.next);
}

}  // namespace

void RegisterEvaluationSetRoutes(Router& r) {
  r.Add({"POST", "/evaluation_sets", CreateSet, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"GET", "/evaluation_sets", ListSets, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"GET", "/evaluation_sets/{id}", GetSet, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"POST", "/evaluation_sets/{id}/items", CreateItems, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add(
      {"GET", "/evaluation_sets/{id}/items", ListItems, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"GET", "/evaluation_sets/{id}/items/{itemId}", GetItem, true, RateCategory::kGet, BodyKind::kNone,
         Dispatch::kInline});
  r.Add({"POST", "/evaluation_sets/{id}/items/{itemId}", UpdateItem, true, RateCategory::kWrite, BodyKind::kJson});
  r.Add({"DELETE", "/evaluation_sets/{id}/items/{itemId}", DeleteItem, true, RateCategory::kWrite});
}

}  // namespace goldset::api
