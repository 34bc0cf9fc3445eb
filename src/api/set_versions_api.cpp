// Versions of evaluation sets and history of their items (extensions, docs/evaluation.md
// § Versions, history and re-scoring): GET /evaluation_sets/{id}/versions,
// GET /evaluation_sets/{id}/items/{itemId}/history, POST /evaluation_sets/{id}/items/{itemId}/revert.
#include "api/app.h"
#include "api/evaluation_json.h"
#include "api/item_revisions.h"

namespace goldset::api {

namespace {

StatusOr<Response> ListVersions(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto set, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  auto c = ctx.svc.db->Acquire();
  GOLDSET_ASSIGN_OR_RETURN(auto result, store::SetHistory::ListVersions(*c, set.id, page));
  json::array data;
  for (const auto& v : result.items) data.push_back(SetVersionJson(v));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> ItemHistory(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto set, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  auto c = ctx.svc.db->Acquire();
  GOLDSET_ASSIGN_OR_RETURN(auto result, store::SetHistory::ListRevisions(*c, set.id, ctx.Param("itemId"), page));
  // A deleted item keeps its history; an id that was never in the set has none.
  if (result.items.empty() && !page.after)
    return Status::NotFound("Evaluation set item " + ctx.Param("itemId") + " not found in set " + set.id);
  json::array data;
  for (const auto& r : result.items) data.push_back(ItemRevisionJson(r));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> RevertItem(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto set, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto item,
                           ctx.svc.evaluations->GetItem(ctx.caller.workspace_id, set.id, ctx.Param("itemId")));
  GOLDSET_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
  const json::value* rev = body.if_contains("revision");
  if (!rev || !rev->is_int64() || rev->as_int64() < 1)
    return Status::InvalidArgument("revision is required: a positive integer from the item's history");
  auto c = ctx.svc.db->Acquire();
  auto old = store::SetHistory::GetRevision(*c, set.id, item.id, rev->as_int64());
  c.reset();
  if (!old.ok()) return old.status();  // after the connection went back to the pool
  if (!old->expected_output)
    return Status::InvalidArgument("revision " + std::to_string(old->revision) +
                                   " is a deletion and has no expected output to restore");
  auto expected = ParseJson(*old->expected_output);
  if (!expected.ok()) return Status::Internal("revision holds unreadable JSON");
  GOLDSET_ASSIGN_OR_RETURN(auto written, ReviseExpected(ctx, set, item, *expected, CauseOf(ctx, "revert")));
  item.expected_output = json::serialize(*expected);
  json::object out = EvaluationItemJson(ctx.svc, item, true);
  out["revision"] = written;
  out["revertedTo"] = old->revision;
  return JsonResponse(out);
}

}  // namespace

void RegisterSetVersionRoutes(Router& r) {
  r.Add({"GET", "/evaluation_sets/{id}/versions", ListVersions, true, RateCategory::kGet});
  r.Add({"GET", "/evaluation_sets/{id}/items/{itemId}/history", ItemHistory, true, RateCategory::kGet});
  r.Add(
      {"POST", "/evaluation_sets/{id}/items/{itemId}/revert", RevertItem, true, RateCategory::kWrite, BodyKind::kJson});
}

}  // namespace goldset::api
