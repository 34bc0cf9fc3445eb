// Scoring throughput: items/s (one thread and all cores), Levenshtein similarity
// pairs/s on random 64-character strings, and a 200x200 assignment.
//
//   bench_scoring [--items N] [--data OUT.json]
// With --data, also writes the exact workload (config, items, string pairs, matrix)
// for bench/scoring/peer.py, so both sides score the same inputs. Output lines are
// "key value" so run.sh can compute ratios.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <time.h>
#include <vector>

#include "eval/array_matcher.h"
#include "eval/eval.h"
#include "eval/levenshtein.h"
#include "eval/stats.h"

namespace goldset::eval {
namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time of the calling thread: robust to other processes sharing the cores, and
// what peer.py measures (time.process_time) on its side.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

const char* kWords[] = {"Acme",   "Globex",    "Initech", "Umbrella", "Hooli",  "Stark", "Wayne",
                        "Tyrell", "Cyberdyne", "Soylent", "Widget",   "Gadget", "Bolt",  "Nut",
                        "Gear",   "Café",      "Zoë",     "Ørsted",   "Müller", "Blue"};

std::string Words(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s.push_back(' ');
    s.append(kWords[rng.Below(20)]);
  }
  return s;
}

// 20 fields: 8 strings, 2 fuzzy strings, 4 numbers, 2 dates, currency, boolean, enum, a 30-row array.
json::object MakeConfig() {
  json::object props;
  json::array nullable_string{"string", "null"}, nullable_number{"number", "null"};
  for (int i = 0; i < 8; ++i) props["text_" + std::to_string(i)] = {{"type", nullable_string}};
  props["vendor_name"] = {{"type", nullable_string}};
  props["customer_name"] = {{"type", nullable_string}};
  for (int i = 0; i < 4; ++i) props["number_" + std::to_string(i)] = {{"type", nullable_number}};
  props["issue_date"] = {{"type", nullable_string}, {"format", "date"}};
  props["due_date"] = {{"type", nullable_string}, {"format", "date"}};
  props["total"] = {
      {"type", "object"},
      {"extend:type", "currency"},
      {"properties",
       {{"amount", {{"type", nullable_number}}}, {"iso_4217_currency_code", {{"type", nullable_string}}}}}};
  props["paid"] = {{"type", json::array{"boolean", "null"}}};
  props["status"] = {{"type", nullable_string}, {"enum", json::array{"open", "paid", "void", nullptr}}};
  props["line_items"] = {{"type", "array"},
                         {"items",
                          {{"type", "object"},
                           {"properties",
                            {{"description", {{"type", nullable_string}}},
                             {"quantity", {{"type", nullable_number}}},
                             {"unit_price", {{"type", nullable_number}}},
                             {"amount", {{"type", nullable_number}}}}}}}};
  return {{"schema", {{"type", "object"}, {"properties", props}}}};
}

std::string Date(Rng& rng) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "2024-%02d-%02d", 1 + static_cast<int>(rng.Below(12)),
                1 + static_cast<int>(rng.Below(28)));
  return buf;
}

json::object MakeExpected(Rng& rng) {
  json::object v;
  for (int i = 0; i < 8; ++i) v["text_" + std::to_string(i)] = Words(rng, 2);
  v["vendor_name"] = Words(rng, 3);
  v["customer_name"] = Words(rng, 3);
  for (int i = 0; i < 4; ++i) v["number_" + std::to_string(i)] = static_cast<double>(rng.Below(1000000)) / 100;
  v["issue_date"] = Date(rng);
  v["due_date"] = Date(rng);
  v["total"] = {{"amount", static_cast<double>(rng.Below(10000000)) / 100}, {"iso_4217_currency_code", "USD"}};
  v["paid"] = rng.Below(2) == 1;
  v["status"] = rng.Below(2) ? "open" : "paid";
  json::array rows;
  for (int r = 0; r < 30; ++r) {
    double q = static_cast<double>(1 + rng.Below(20)), p = static_cast<double>(rng.Below(100000)) / 100;
    rows.push_back(json::object{{"description", Words(rng, 3)}, {"quantity", q}, {"unit_price", p}, {"amount", q * p}});
  }
  v["line_items"] = std::move(rows);
  return v;
}

// Realistic noise: ~10% of scalars changed, fuzzy names with a typo, rows shuffled,
// sometimes a row missing or a cell wrong.
json::object MakeActual(Rng& rng, const json::object& e) {
  json::object a = e;
  for (auto& kv : a) {
    if (kv.key() == "line_items") continue;
    if (rng.Below(10) == 0) {
      if (kv.value().is_string()) kv.value() = json::string(std::string(kv.value().as_string()) + "x");
      else if (kv.value().is_double()) kv.value() = kv.value().as_double() + 1;
    }
  }
  std::string vendor(a["vendor_name"].as_string());
  // A one-letter typo, on an ASCII byte so the text stays valid UTF-8.
  for (size_t i = vendor.size() / 2; rng.Below(2) && i < vendor.size(); ++i) {
    if (static_cast<unsigned char>(vendor[i]) < 0x80 && vendor[i] != ' ') {
      vendor[i] = 'q';
      break;
    }
  }
  a["vendor_name"] = vendor;
  json::array& rows = a["line_items"].as_array();
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.Below(i)]);
  if (rng.Below(3) == 0) rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(rng.Below(rows.size())));
  if (rng.Below(3) == 0) rows[rng.Below(rows.size())].as_object()["amount"] = -1.0;
  return a;
}

std::string RandomAscii(Rng& rng, size_t n) {
  static const char kAlpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
  std::string s(n, ' ');
  for (auto& c : s) c = kAlpha[rng.Below(sizeof(kAlpha) - 1)];
  s.front() = 'a';
  s.back() = 'z';  // keep trimming from shortening the strings
  return s;
}

int Main(int argc, char** argv) {
  size_t n_items = 10000, n_pairs = 200000;
  std::string data_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--items")) n_items = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--data")) data_path = argv[i + 1];
    if (!std::strcmp(argv[i], "--pairs")) n_pairs = std::stoul(argv[i + 1]);
  }
  Rng rng(20260209);
  json::object config = MakeConfig();
  Options options;
  options.fuzzy_match_fields = {"vendor_name", "customer_name"};
  if (!ValidateOptions(Kind::kExtractor, config, options).ok()) return 2;
  std::vector<json::value> expected, actual;
  for (size_t i = 0; i < n_items; ++i) {
    json::object e = MakeExpected(rng);
    actual.push_back(json::object{{"value", MakeActual(rng, e)}, {"metadata", json::object()}});
    expected.push_back(json::object{{"value", std::move(e)}});
  }
  std::vector<std::string> lev_a, lev_b;
  for (size_t i = 0; i < n_pairs; ++i) {
    lev_a.push_back(RandomAscii(rng, 64));
    lev_b.push_back(RandomAscii(rng, 64));
  }
  const size_t dim = 200;
  std::vector<double> matrix(dim * dim);
  for (auto& x : matrix) x = static_cast<double>(rng.Below(1u << 30)) / (1u << 30);

  if (!data_path.empty()) {
    json::array items, pairs, m;
    for (size_t i = 0; i < n_items; ++i)
      items.push_back(json::object{{"expected", expected[i]}, {"actual", actual[i]}});
    for (size_t i = 0; i < n_pairs; ++i) pairs.push_back(json::array{json::string(lev_a[i]), json::string(lev_b[i])});
    for (double x : matrix) m.push_back(x);
    std::ofstream out(data_path);
    out << json::serialize(json::object{{"config", config},
                                        {"fuzzyMatchFields", json::array{"vendor_name", "customer_name"}},
                                        {"items", items},
                                        {"levPairs", pairs},
                                        {"matrix", m},
                                        {"dim", dim}});
  }

  // Items, one thread: best of 3 passes (CPU time), like peer.py.
  double checksum = 0, best_cpu = 1e9, best_wall = 1e9;
  json::object metrics, first_metrics;
  for (int pass = 0; pass < 3; ++pass) {
    checksum = 0;
    double c0 = CpuSeconds();
    auto t0 = Clock::now();
    // The config is compiled once per run (timed), as peer.py reads its schema once.
    ItemScorer scorer(Kind::kExtractor, config, options);
    MetricsBuilder builder(Kind::kExtractor, config, options), first_builder(Kind::kExtractor, config, options);
    for (size_t i = 0; i < n_items; ++i) {
      json::object r = *scorer.Score(expected[i], actual[i]);
      checksum += r.at("score").as_double();
      builder.Add(r);
      if (i < 1000) first_builder.Add(r);  // cross-check against peer.py's default sample
    }
    metrics = builder.Build();
    first_metrics = first_builder.Build();
    best_wall = std::min(best_wall, Seconds(t0, Clock::now()));
    best_cpu = std::min(best_cpu, CpuSeconds() - c0);
  }
  std::printf("items %zu\n", n_items);
  std::printf("items_per_s_1thread %.0f\n", static_cast<double>(n_items) / best_cpu);
  std::printf("items_per_s_1thread_wall %.0f\n", static_cast<double>(n_items) / best_wall);
  std::printf("run_accuracy %.6f\n", metrics.at("accuracy").as_double());
  std::printf("run_accuracy_first1000 %.6f\n", first_metrics.at("accuracy").as_double());
  std::printf("mean_item_score %.6f\n", checksum / static_cast<double>(n_items));

  // Items, all cores.
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<double> partial(threads, 0);
  auto t0 = Clock::now();
  {
    const ItemScorer scorer(Kind::kExtractor, config, options);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (size_t i = t; i < n_items; i += threads) {
          partial[t] += scorer.Score(expected[i], actual[i])->at("score").as_double();
        }
      });
    }
    for (auto& th : pool) th.join();
  }
  auto t1 = Clock::now();
  std::printf("threads %u\n", threads);
  std::printf("items_per_s_all_cores %.0f\n", static_cast<double>(n_items) / Seconds(t0, t1));

  // Levenshtein similarity over the public, normalizing entry point.
  // Best of 3 passes (CPU time), like peer.py, to damp interference from other load.
  double sim_sum = 0, best_lev = 1e9;
  for (int pass = 0; pass < 3; ++pass) {
    sim_sum = 0;
    double c0 = CpuSeconds();
    for (size_t i = 0; i < n_pairs; ++i) sim_sum += FuzzySimilarity(lev_a[i], lev_b[i]);
    best_lev = std::min(best_lev, CpuSeconds() - c0);
  }
  std::printf("lev_pairs_per_s %.0f\n", static_cast<double>(n_pairs) / best_lev);
  std::printf("lev_mean_similarity %.6f\n", sim_sum / static_cast<double>(n_pairs));

  // 200x200 assignment, best of 20 (like timeit's min).
  double best = 1e9, total_cost = 0;
  for (int rep = 0; rep < 20; ++rep) {
    auto a = Clock::now();
    std::vector<int> pair = MinCostAssignment(matrix, dim, dim);
    auto b = Clock::now();
    best = std::min(best, Seconds(a, b));
    if (rep == 0) {
      for (size_t r = 0; r < dim; ++r) total_cost += matrix[r * dim + static_cast<size_t>(pair[r])];
    }
  }
  std::printf("assign200_ms %.3f\n", best * 1e3);
  std::printf("assign200_cost %.9f\n", total_cost);
  return 0;
}

}  // namespace
}  // namespace goldset::eval

int main(int argc, char** argv) { return goldset::eval::Main(argc, argv); }
