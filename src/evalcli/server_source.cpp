#include "evalcli/server_source.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "evalcli/progress.h"
#include "evalcli/server_client.h"
#include "model/statuses.h"

namespace goldset::evalcli {
namespace {

constexpr int kRequestTimeoutMs = 120000;

bool Finished(const json::object& run) {
  using model::RunStatus;
  auto status = model::ParseRunStatus(GetString(run, "status").value_or(""));
  return status != RunStatus::kPending && status != RunStatus::kProcessing && status != RunStatus::kCancelling;
}

int64_t Count(const json::object& run, const char* key) {
  const json::value* m = run.if_contains("metrics");
  if (!m || !m->is_object()) return 0;
  const json::value* v = m->as_object().if_contains(key);
  return v && v->is_number() ? v->to_number<int64_t>() : 0;
}

// The run, once finished (or when --wait runs out: FailedPrecondition-like InvalidArgument).
StatusOr<json::object> FinishedRun(ServerClient& client, const std::string& id, int wait_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  Progress progress(0, "items of " + id + " done");
  for (;;) {
    auto run = client.GetJson("/evaluation_set_runs/" + id);
    if (!run.ok()) return run.status();
    progress.Set(static_cast<size_t>(Count(*run, "numFilesProcessed")),
                 static_cast<size_t>(Count(*run, "numFilesTotal")));
    if (Finished(*run)) return run;
    if (std::chrono::steady_clock::now() >= deadline) {
      progress.Interrupt();
      return Status::InvalidArgument("run " + id + " is " + GetString(*run, "status").value_or("?") +
                                     (wait_seconds ? " after --wait " + std::to_string(wait_seconds) + " s"
                                                   : "; pass --wait SECONDS to wait for it to finish"));
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

std::optional<eval::Kind> KindOfMetrics(const json::object& run) {
  const json::value* m = run.if_contains("metrics");
  auto type = m && m->is_object() ? GetString(m->as_object(), "type") : std::nullopt;
  if (type == "EXTRACT") return eval::Kind::kExtractor;
  if (type == "CLASSIFY") return eval::Kind::kClassifier;
  if (type == "SPLITTER") return eval::Kind::kSplitter;
  return std::nullopt;
}

std::string Number(double x) { return json::serialize(json::value(x)); }

}  // namespace

StatusOr<Report> ReportFromServer(const Flags& flags) {
  const char* key = std::getenv("GOLDSET_API_KEY");
  if (!key || !*key) return Status::InvalidArgument("GOLDSET_API_KEY is not set: --server needs an API key in it");
  const char* ws = std::getenv("GOLDSET_WORKSPACE_ID");
  ServerClient client(flags.server, key, ws ? ws : "", kRequestTimeoutMs);
  auto run = FinishedRun(client, flags.run, flags.wait_seconds);
  if (!run.ok()) return run.status();
  std::optional<eval::Kind> kind = KindOfMetrics(*run);
  if (!kind) return Status::InvalidArgument("run " + flags.run + " has no metrics type");
  Report r;
  r.kind = *kind;
  const json::value* metrics = run->if_contains("metrics");
  r.metrics = metrics && metrics->is_object() ? metrics->as_object() : json::object{};
  if (r.kind == eval::Kind::kExtractor) {
    // A server without the extension answers 404: the report goes on without it.
    auto analysis = client.GetJson("/evaluation_set_runs/" + flags.run + "/analysis", {});
    if (analysis.ok()) r.analysis = std::move(*analysis);
  }
  if (flags.has_baseline()) {
    auto baseline = FinishedRun(client, flags.baseline_run, flags.wait_seconds);
    if (!baseline.ok()) return baseline.status();
    const json::value* bm = baseline->if_contains("metrics");
    r.baseline_metrics = bm && bm->is_object() ? bm->as_object() : json::object{};
    auto comparison =
        client.GetJson("/evaluation_set_runs/" + flags.run + "/compare", {{"baseline", flags.baseline_run},
                                                                          {"alpha", Number(flags.compare.alpha)},
                                                                          {"margin", Number(flags.compare.margin)},
                                                                          {"effect", Number(flags.compare.effect)}});
    if (!comparison.ok()) return comparison.status();
    r.comparison = std::move(*comparison);
  }
  r.gate = EvaluateGate(r.kind, r.metrics, r.comparison ? &*r.comparison : nullptr, flags.fail_on, flags.min_accuracy);
  return r;
}

}  // namespace goldset::evalcli
