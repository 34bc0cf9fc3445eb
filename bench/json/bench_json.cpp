// ParseJson (exact numbers: Boost.JSON's basic_parser + std::from_chars) beside
// Boost.JSON 1.81's own json::parse, which it replaced, on the documents Goldset reads:
//   numbers  an extractor output with 2,000 line items: 17-digit doubles (the slow path)
//   prices   the same with two-decimal prices, as invoices print them (the fast path)
//   mixed    an item result: strings, verdicts, small integers, some doubles
//   strings  a parsed document: page text, few numbers
// Google Benchmark; run.sh prints the ratio per document.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>

#include "common/json.h"

namespace goldset {
namespace {

std::string NumbersDoc(bool cents) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> price(0.01, 100000);
  json::array rows;
  for (int i = 0; i < 2000; ++i) {
    double p = price(rng);
    if (cents) p = std::round(p * 100) / 100;
    rows.push_back(json::object{{"description", "Widget " + std::to_string(i)},
                                {"quantity", static_cast<int64_t>(rng() % 100)},
                                {"unit_price", p},
                                {"amount", cents ? std::round(p * static_cast<double>(rng() % 100) * 100) / 100
                                                 : p * static_cast<double>(rng() % 100)},
                                {"rate", static_cast<double>(rng() % 10000) / 100}});
  }
  return json::serialize(json::object{{"value", json::object{{"line_items", rows}}}, {"metadata", json::object{}}});
}

std::string MixedDoc() {
  json::object fields;
  for (int i = 0; i < 300; ++i) {
    fields["field_" + std::to_string(i)] = json::object{{"expected", "value " + std::to_string(i)},
                                                        {"actual", "value " + std::to_string(i % 7)},
                                                        {"verdict", i % 7 ? "incorrect" : "correct"},
                                                        {"score", i % 7 ? 0.0 : 1.0},
                                                        {"reason", "value_mismatch"},
                                                        {"confidence", 0.5 + i / 1000.0}};
  }
  return json::serialize(json::object{{"correct", false}, {"score", 0.14285714285714285}, {"fields", fields}});
}

std::string StringsDoc() {
  json::array pages;
  for (int p = 1; p <= 20; ++p) {
    std::string text;
    for (int l = 0; l < 60; ++l)
      text += "Line " + std::to_string(l) + " of page " + std::to_string(p) + ": lorem ipsum dolor sit amet\n";
    pages.push_back(json::object{{"number", p}, {"text", text}, {"mean_confidence", 0.93}});
  }
  return json::serialize(json::object{{"v", 1}, {"pages", pages}});
}

const std::string& Doc(int which) {
  static const std::string docs[] = {NumbersDoc(false), MixedDoc(), StringsDoc(), NumbersDoc(true)};
  return docs[which];
}

void BoostParse(benchmark::State& state) {
  const std::string& doc = Doc(static_cast<int>(state.range(0)));
  json::parse_options opts;
  opts.max_depth = 64;
  for (auto _ : state) {
    json::error_code ec;
    json::value v = json::parse(doc, ec, {}, opts);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.size()));
}

void GoldsetParse(benchmark::State& state) {
  const std::string& doc = Doc(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto v = ParseJson(doc);
    if (!v.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.size()));
}

// 0: numbers, 1: mixed, 2: strings, 3: prices.
BENCHMARK(BoostParse)->DenseRange(0, 3);
BENCHMARK(GoldsetParse)->DenseRange(0, 3);

}  // namespace
}  // namespace goldset

BENCHMARK_MAIN();
