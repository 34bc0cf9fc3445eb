// Re-scoring a stored run (docs/evaluation.md § Versions, history and re-scoring), beside
// the scoring phase of the original run.
//
//   bench_rescore [--items N] [--dir DIR] [--threads T] [--postgres URL]
//     (default 100,000 items in SQLite in a temp dir; --postgres: an empty, migrated-or-new
//     PostgreSQL database instead, where round trips count)
//
// Stores an N-item extractor run in a fresh SQLite database (outputs and results as the
// workers write them), then times
//   original_scoring_s: what the original run spent scoring: ItemScorer::Score on every
//                       item plus the final ComputeRunMetrics (engine and parse time excluded);
//   rescore_s:          create the re-scoring job and work it (jobs::RescoreNow: what the
//                       API and a scheduler worker do) end to end: copy the items, score
//                       every stored output again, write the results, compute and store
//                       the metrics.
// and checks the rescored metrics equal the original's. Output lines are "key value".
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>

#include "eval/run_options.h"
#include "eval/eval.h"
#include "jobs/rescore.h"
#include "jobs/run_metrics.h"
#include "store/migrations.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace goldset {
namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time of the whole process (every thread): what the work costs on a machine that
// other processes share, where wall time mostly measures the others.
double ProcessCpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

json::object Config() {
  auto str = [] { return json::object{{"type", json::array{"string", "null"}}}; };
  auto num = [] { return json::object{{"type", json::array{"number", "null"}}}; };
  return json::object{
      {"schema",
       json::object{
           {"type", "object"},
           {"properties",
            json::object{{"invoice_number", str()},
                         {"vendor", str()},
                         {"total", num()},
                         {"date", json::object{{"type", json::array{"string", "null"}}, {"format", "date"}}},
                         {"line_items",
                          json::object{{"type", "array"},
                                       {"items", json::object{{"type", "object"},
                                                              {"properties", json::object{{"description", str()},
                                                                                          {"amount", num()}}}}}}}}}}}};
}

void Item(std::mt19937& rng, int i, json::value* expected, json::value* actual) {
  json::object v{{"invoice_number", "INV-" + std::to_string(1000 + i)},
                 {"vendor", "Vendor " + std::to_string(i % 97) + " Ltd"},
                 {"total", 100.0 + i * 0.25},
                 {"date", "2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10)}};
  json::array lines;
  for (int k = 0; k < 1 + i % 4; ++k)
    lines.push_back(json::object{{"description", "Item " + std::to_string(k)}, {"amount", k * 1.5 + i}});
  v["line_items"] = lines;
  json::object a = v;
  if (rng() % 5 == 0) a["invoice_number"] = "INV-" + std::to_string(1001 + i);
  if (rng() % 6 == 0) a["vendor"] = "Vendr " + std::to_string(i % 97) + " Ltd";
  if (rng() % 7 == 0) a["total"] = 100.0 + i * 0.25 + 1;
  if (rng() % 8 == 0) a["line_items"].as_array().back().as_object()["amount"] = -1;
  *expected = json::object{{"value", v}};
  *actual = json::object{{"value", a}, {"metadata", json::object{}}};
}

int Main(int argc, char** argv) {
  int n = 100000, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string dir, postgres;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--items")) n = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--postgres")) postgres = argv[i + 1];
  }
  if (dir.empty()) dir = std::filesystem::temp_directory_path() / ("goldset-bench-rescore-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto db = postgres.empty() ? store::OpenSqlite(dir + "/goldset.db") : store::OpenPostgres(postgres);
  if (!db.ok() || !store::ApplyMigrations(**db).ok()) {
    std::fprintf(stderr, "cannot open the database in %s\n", dir.c_str());
    return 1;
  }
  const json::object config = Config();
  const json::object options{{"fuzzyMatchFields", json::array{"vendor"}}, {"excludeFields", json::array{}}};
  eval::Options opts = eval::OptionsFromJson(options);
  eval::ItemScorer scorer(eval::Kind::kExtractor, config, opts);

  std::mt19937 rng(11);
  std::vector<std::pair<json::value, json::value>> items(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) Item(rng, i, &items[i].first, &items[i].second);

  // The original run's scoring phase.
  auto t0 = Clock::now();
  double c0 = ProcessCpuSeconds();
  std::vector<std::string> results(items.size());
  std::vector<bool> correct(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto scored = scorer.Score(items[i].first, items[i].second);
    correct[i] = scored->at("correct").as_bool();
    results[i] = json::serialize(*scored);
  }
  double score_s = Seconds(t0, Clock::now());
  double score_cpu = ProcessCpuSeconds() - c0;

  Status st = (*db)->InTransaction(true, [&](store::Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec("INSERT INTO organizations (id, name, created_at) VALUES ('org_1', 'o', 0)"));
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("INSERT INTO workspaces (id, organization_id, name, created_at) VALUES ('ws_1', 'org_1', 'w', 0)"));
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("INSERT INTO evaluation_sets (id, workspace_id, name, description, entity_id, entity_kind, "
               "created_at, updated_at) VALUES ('ev_1', 'ws_1', 's', '', 'ex_1', 'extractor', 0, 0)"));
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO evaluation_runs (id, workspace_id, set_id, entity_kind, entity_json, entity_version_json, config, "
        "options, status, num_items, num_done, num_failed, created_at, updated_at) "
        "VALUES ('bpr_src', 'ws_1', 'ev_1', 'extractor', '{}', '{}', ?, ?, 'PROCESSING', ?, ?, 0, 1, 1)",
        {json::serialize(config), json::serialize(options), int64_t{n}, int64_t{n}}));
    for (size_t i = 0; i < items.size(); ++i)
      GOLDSET_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, expected_output, status, "
          "attempts, output, result, correct, latency_ms, num_pages, updated_at) "
          "VALUES ('bpr_src', ?, ?, 'ws_1', 'file_1', ?, 'PROCESSED', 1, ?, ?, ?, ?, 1, 1)",
          {"evi_" + std::to_string(i), int64_t(i + 1), json::serialize(items[i].first),
           json::serialize(items[i].second), results[i], int64_t{correct[i]}, int64_t(100 + i % 50)}));
    return Status::OK();
  });
  if (!st.ok()) {
    std::fprintf(stderr, "store: %s\n", st.ToString().c_str());
    return 1;
  }
  store::RunStore runs(*db);
  auto source = runs.GetRun("ws_1", "bpr_src");
  auto t1 = Clock::now();
  double c1 = ProcessCpuSeconds();
  auto metrics = jobs::ComputeRunMetrics(runs, nullptr, *source);
  double metrics_s = Seconds(t1, Clock::now());
  double metrics_cpu = ProcessCpuSeconds() - c1;
  (void)(*db)->Acquire()->Exec("UPDATE evaluation_runs SET status = 'PROCESSED', metrics = ? WHERE id = 'bpr_src'",
                               {json::serialize(*metrics)});
  source = runs.GetRun("ws_1", "bpr_src");

  store::RunRecord target = *source;
  target.id = "bpr_rescored";
  target.metrics.reset();
  auto t2 = Clock::now();
  double c2 = ProcessCpuSeconds();
  store::RescoreStore rescores(*db);
  auto outcome = jobs::RescoreNow(rescores, runs, *source, target, false, 5000, nullptr, threads);
  double rescore_s = Seconds(t2, Clock::now());
  double rescore_cpu = ProcessCpuSeconds() - c2;
  if (!outcome.ok()) {
    std::fprintf(stderr, "rescore: %s\n", outcome.status().ToString().c_str());
    return 1;
  }
  bool same = outcome->run && outcome->run->metrics && *outcome->run->metrics == *source->metrics;
  std::printf("backend %s\n", postgres.empty() ? "sqlite" : "postgres");
  std::printf("items %d\n", n);
  std::printf("original_scoring_s %.3f\n", score_s + metrics_s);
  std::printf("original_score_items_s %.3f\n", score_s);
  std::printf("original_metrics_s %.3f\n", metrics_s);
  std::printf("rescore_threads %d\n", threads);
  std::printf("rescore_s %.3f\n", rescore_s);
  std::printf("original_scoring_cpu_s %.3f\n", score_cpu + metrics_cpu);
  std::printf("rescore_cpu_s %.3f\n", rescore_cpu);
  std::printf("rescore_vs_original_scoring %.2f\n", rescore_s / (score_s + metrics_s));
  std::printf("load_average_1min %.1f\n", [] {
    double l[1] = {0};
    return getloadavg(l, 1) == 1 ? l[0] : -1.0;
  }());
  std::printf("metrics_identical %s\n", same ? "yes" : "NO");
  std::printf("target_rescore_under_10s %s\n", rescore_s < 10 ? "met" : "MISSED");
  std::filesystem::remove_all(dir);
  return same ? 0 : 2;
}

}  // namespace
}  // namespace goldset

int main(int argc, char** argv) { return goldset::Main(argc, argv); }
