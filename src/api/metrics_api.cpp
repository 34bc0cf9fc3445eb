// GET /metrics: Prometheus text format. Served only when the operator starts the server
// with --metrics (otherwise the route answers 404 like an unknown one), and then only to
// loopback peers that did not come through a proxy: a reverse proxy on the same host
// connects from loopback too, and would otherwise publish server-wide activity (F25b).
#include "api/app.h"
#include "api/errors.h"

namespace goldset::api {

namespace {

bool IsLoopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

// Headers a forwarding proxy adds; their presence means the loopback peer is not the client.
bool CameThroughProxy(const Request& req) {
  for (const char* h : {"forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via"})
    if (req.Header(h)) return true;
  return false;
}

StatusOr<Response> Metrics(RequestContext& ctx) {
  if (!ctx.svc.config.metrics || !IsLoopback(ctx.req.remote_address) || CameThroughProxy(ctx.req))
    return Status::NotFound("No route for GET /metrics");
  std::string out;
  out += "# HELP goldset_http_requests_total HTTP requests by status class.\n";
  out += "# TYPE goldset_http_requests_total counter\n";
  for (int c = 1; c <= 5; ++c)
    out += "goldset_http_requests_total{class=\"" + std::to_string(c) + "xx\"} " +
           std::to_string(ctx.svc.requests_by_class[c].load()) + "\n";
  out += "# HELP goldset_http_request_duration_ms_total Time spent serving requests.\n";
  out += "# TYPE goldset_http_request_duration_ms_total counter\n";
  out += "goldset_http_request_duration_ms_total " + std::to_string(ctx.svc.request_ms_total.load()) + "\n";
  auto conn = ctx.svc.db->Acquire();
  if (auto rows = conn->Query("SELECT status, COUNT(*) FROM evaluation_runs GROUP BY status"); rows.ok()) {
    out += "# HELP goldset_evaluation_runs Evaluation runs by status.\n# TYPE goldset_evaluation_runs gauge\n";
    for (const auto& r : *rows)
      out += "goldset_evaluation_runs{status=\"" + r.Text(0) + "\"} " + std::to_string(r.Int(1)) + "\n";
  }
  // One count per partial index of the queue (migration 901): an IN list would not use them.
  if (auto rows = conn->Query("SELECT 'PENDING', COUNT(*) FROM evaluation_run_items WHERE status = 'PENDING' "
                              "UNION ALL SELECT 'PROCESSING', COUNT(*) FROM evaluation_run_items "
                              "WHERE status = 'PROCESSING'");
      rows.ok()) {
    out += "# HELP goldset_run_items_open Run items waiting or in flight.\n# TYPE goldset_run_items_open gauge\n";
    for (const auto& r : *rows)
      out += "goldset_run_items_open{status=\"" + r.Text(0) + "\"} " + std::to_string(r.Int(1)) + "\n";
  }
  Response resp;
  resp.content_type = "text/plain; version=0.0.4";
  resp.body = std::move(out);
  return resp;
}

}  // namespace

void RegisterMetricsRoutes(Router& r) { r.Add({"GET", "/metrics", Metrics, false, RateCategory::kNone}); }

}  // namespace goldset::api
