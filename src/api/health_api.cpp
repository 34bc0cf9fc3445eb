// GET /healthz (process is up; names the version and scoring version) and GET /readyz (the store answers). No key
// needed.
#include "api/app.h"
#include "api/errors.h"
#include "common/version.h"
#include "eval/eval.h"

namespace goldset::api {

void RegisterHealthRoutes(Router& r) {
  r.Add({"GET", "/healthz",
         [](RequestContext&) {
           return JsonResponse(
               json::object{{"status", "ok"}, {"version", kGoldsetVersion}, {"scoringVersion", eval::kScoringVersion}});
         },
         false, RateCategory::kNone, BodyKind::kNone, Dispatch::kInline});
  r.Add({"GET", "/readyz",
         [](RequestContext& ctx) -> StatusOr<Response> {
           if (ctx.svc.draining) return Status::Unavailable("shutting down");
           auto rows = ctx.svc.db->Acquire()->Query("SELECT 1");
           if (!rows.ok()) return Status::Unavailable("store not ready: " + rows.status().message());
           return JsonResponse(json::object{{"status", "ready"}});
         },
         false, RateCategory::kNone});
}

}  // namespace goldset::api
