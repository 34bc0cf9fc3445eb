// Row pairing at scale (F2 of the 2026-12 security audit): the int32 assignment beside
// scipy's linear_sum_assignment on the same matrices, and whole items of 1,000 and
// 5,000 rows through ScoreItem. One measurement per process, so peak RSS (VmHWM) is
// that measurement's own. run.sh drives it with peer.py --lap for the scipy side.
//
//   bench_assignment lap KIND N OUT.bin   write the N x N int32 matrix (row-major) to
//                                         OUT.bin, solve it, print "seconds S", "cost C",
//                                         "peak_rss_mb M"
//   bench_assignment item N [fuzzy]       score one item of an N-row table (three
//                                         columns, rows shuffled, cent-off prices, nulls);
//                                         fuzzy: the description column is fuzzy-matched
//                                         (no exact-row prefilter)
// KIND: table (costs of a realistic N-row table: 3 - equal cells), small (uniform in
// [0, 3]) or random (uniform in [0, 10^6), the classic LAP benchmark).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <time.h>
#include <vector>

#include "eval/array_matcher.h"
#include "eval/eval.h"
#include "eval/stats.h"

namespace goldset::eval {
namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double PeakRssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return -1;
}

// Row k of the expected table; the actual table is a permutation of it with mistakes.
struct Row {
  std::string description;
  bool description_null;
  double price;
  int64_t qty;
};
Row RowOf(size_t k, bool actual) {
  Row r{"item " + std::to_string(k) + (actual && k % 13 == 0 ? "x" : ""), actual && k % 11 == 0,
        static_cast<double>(k % 997) + 0.25, static_cast<int64_t>(k % 5)};
  if (actual && k % 7 == 0) r.price += 0.01;
  return r;
}
size_t Shuffled(size_t i, size_t n) { return (i * 7919) % n; }  // a permutation unless n is a multiple of 7919

std::vector<int32_t> Matrix(const std::string& kind, size_t n) {
  std::vector<int32_t> cost(n * n);
  Rng rng(5);
  for (size_t i = 0; i < n; ++i) {
    const Row e = RowOf(i, false);
    for (size_t j = 0; j < n; ++j) {
      if (kind == "small") {
        cost[i * n + j] = static_cast<int32_t>(rng.Below(4));
      } else if (kind == "random") {
        cost[i * n + j] = static_cast<int32_t>(rng.Below(1000000));
      } else {
        const Row a = RowOf(Shuffled(j, n), true);
        int equal = (!a.description_null && a.description == e.description) + (a.price == e.price) + (a.qty == e.qty);
        cost[i * n + j] = 3 - equal;
      }
    }
  }
  return cost;
}

json::object Table(size_t n, bool actual) {
  json::array rows;
  for (size_t i = 0; i < n; ++i) {
    const Row r = RowOf(actual ? Shuffled(i, n) : i, actual);
    rows.push_back(json::object{{"description", r.description_null ? json::value(nullptr) : json::value(r.description)},
                                {"price", r.price},
                                {"qty", r.qty}});
  }
  return json::object{{"value", json::object{{"lines", rows}}}};
}

int Main(int argc, char** argv) {
  if (argc >= 5 && !std::strcmp(argv[1], "lap")) {
    const size_t n = std::stoul(argv[3]);
    std::vector<int32_t> cost = Matrix(argv[2], n);
    std::ofstream(argv[4], std::ios::binary)
        .write(reinterpret_cast<const char*>(cost.data()), static_cast<std::streamsize>(cost.size() * sizeof(int32_t)));
    const double t0 = CpuSeconds();
    auto pair = MinCostAssignmentInPlace(cost.data(), n, n, 0);
    const double seconds = CpuSeconds() - t0;
    int64_t total = 0;
    for (size_t i = 0; i < n; ++i) total += cost[i * n + static_cast<size_t>((*pair)[i])];
    std::printf("seconds %.4f\ncost %lld\npeak_rss_mb %.1f\n", seconds, static_cast<long long>(total), PeakRssMb());
    return 0;
  }
  if (argc >= 3 && !std::strcmp(argv[1], "item")) {
    const size_t n = std::stoul(argv[2]);
    json::object row{{"type", "object"},
                     {"properties",
                      {{"description", {{"type", json::array{"string", "null"}}}},
                       {"price", {{"type", json::array{"number", "null"}}}},
                       {"qty", {{"type", json::array{"integer", "null"}}}}}}};
    json::object config{
        {"schema", {{"type", "object"}, {"properties", {{"lines", {{"type", "array"}, {"items", row}}}}}}}};
    Options options;
    if (argc >= 4 && !std::strcmp(argv[3], "fuzzy")) options.fuzzy_match_fields = {"lines[].description"};
    const json::object expected = Table(n, false), actual = Table(n, true);
    const double base_rss = PeakRssMb();
    const double t0 = CpuSeconds();
    auto result = ScoreItem(Kind::kExtractor, config, expected, actual, options);
    const double seconds = CpuSeconds() - t0;
    if (!result.ok()) {
      std::printf("error %s\n", result.status().message().c_str());
      return 1;
    }
    std::printf("seconds %.4f\nscore %.6f\npeak_rss_mb %.1f\ninputs_rss_mb %.1f\n", seconds,
                result->at("score").as_double(), PeakRssMb(), base_rss);
    return 0;
  }
  std::fprintf(stderr, "usage: bench_assignment lap table|small|random N OUT.bin | item N [fuzzy]\n");
  return 2;
}

}  // namespace
}  // namespace goldset::eval

int main(int argc, char** argv) { return goldset::eval::Main(argc, argv); }
