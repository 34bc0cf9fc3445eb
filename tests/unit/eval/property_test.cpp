// Property tests over random schemas and documents from a seeded generator:
// a perfect prediction scores 1; scores are invariant under row order and key order;
// every field and column metric is a fraction with consistent counts.
#include <gtest/gtest.h>

#include <algorithm>

#include "eval/eval.h"
#include "eval/stats.h"

namespace goldset::eval {
namespace {

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  json::object Schema() {
    json::object root{{"type", "object"}};
    root["properties"] = Properties(0, 2 + static_cast<int>(rng_.Below(6)));
    return root;
  }

  json::value Document(const json::value& spec) {
    const json::object& s = spec.as_object();
    if (rng_.Below(12) == 0 && Nullable(s)) return nullptr;
    std::string type = TypeOf(s);
    if (s.contains("enum")) {
      const auto& e = s.at("enum").as_array();
      return e[rng_.Below(e.size() - 1)];  // last entry is null
    }
    if (s.contains("extend:type") && s.at("extend:type") == "currency") {
      static const char* kCodes[] = {"USD", "eur", "JPY"};
      return json::object{{"amount", static_cast<double>(rng_.Below(100000)) / 100},
                          {"iso_4217_currency_code", kCodes[rng_.Below(3)]}};
    }
    if (s.contains("format")) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "20%02d-%02d-%02d", static_cast<int>(rng_.Below(30)),
                    1 + static_cast<int>(rng_.Below(12)), 1 + static_cast<int>(rng_.Below(28)));
      return json::string(buf);
    }
    if (type == "string") return json::string(Word());
    if (type == "number") return static_cast<double>(rng_.Below(1000000)) / 100;
    if (type == "integer") return static_cast<int64_t>(rng_.Below(1000));
    if (type == "boolean") return rng_.Below(2) == 1;
    if (type == "object") {
      json::object o;
      for (const auto& kv : s.at("properties").as_object()) o[kv.key()] = Document(kv.value());
      return o;
    }
    json::array a;  // array
    size_t n = rng_.Below(8);
    for (size_t i = 0; i < n; ++i) a.push_back(Document(s.at("items")));
    return a;
  }

  // Changes some leaves and rows so that scores are partial.
  json::value Perturb(const json::value& spec, const json::value& doc) {
    const json::object& s = spec.as_object();
    if (doc.is_null()) return rng_.Below(3) == 0 ? Document(spec) : json::value(nullptr);
    std::string type = TypeOf(s);
    if (type == "object" && !s.contains("extend:type") && s.contains("properties")) {
      json::object o;
      for (const auto& kv : s.at("properties").as_object()) {
        const json::value* d = doc.as_object().if_contains(kv.key());
        if (!d) continue;
        if (rng_.Below(10) == 0) continue;  // drop the key
        o[kv.key()] = Perturb(kv.value(), *d);
      }
      return o;
    }
    if (type == "array") {
      json::array a;
      for (const auto& row : doc.as_array()) {
        if (rng_.Below(6) == 0) continue;  // missing row
        a.push_back(Perturb(s.at("items"), row));
      }
      if (rng_.Below(4) == 0) a.push_back(Document(s.at("items")));  // extra row
      return a;
    }
    return rng_.Below(4) == 0 ? Document(spec) : doc;
  }

  // Like Perturb, and also replaces whole arrays by null, a string, a number or an
  // object, drops them, and nulls cells: the shapes that once made column counts vanish.
  json::value Break(const json::value& spec, const json::value& doc) {
    const json::object& s = spec.as_object();
    std::string type = TypeOf(s);
    if (type == "array" && rng_.Below(4) == 0) {
      static const json::value kShapes[] = {nullptr, "12 rows", 12, json::object{{"x", 1}}};
      return kShapes[rng_.Below(4)];
    }
    if (type == "object" && !s.contains("extend:type") && s.contains("properties") && doc.is_object()) {
      json::object o;
      for (const auto& kv : s.at("properties").as_object()) {
        const json::value* d = doc.as_object().if_contains(kv.key());
        if (!d) continue;
        uint64_t r = rng_.Below(10);
        if (r == 0) continue;               // drop the key
        if (r == 1) o[kv.key()] = nullptr;  // null it
        else o[kv.key()] = Break(kv.value(), *d);
      }
      return o;
    }
    if (type == "array" && doc.is_array()) {
      json::array a;
      for (const auto& row : doc.as_array()) {
        if (rng_.Below(6) == 0) continue;
        a.push_back(Break(s.at("items"), row));
        if (rng_.Below(8) == 0) a.push_back(a.back());  // duplicated row
      }
      if (rng_.Below(4) == 0) a.push_back(Document(s.at("items")));
      return a;
    }
    return Perturb(spec, doc);
  }

  // Same content, rows of every array and keys of every object reordered.
  json::value Shuffle(const json::value& v) {
    if (v.is_object()) {
      std::vector<std::pair<std::string, json::value>> kvs;
      for (const auto& kv : v.as_object()) kvs.emplace_back(std::string(kv.key()), Shuffle(kv.value()));
      Permute(kvs);
      json::object o;
      for (auto& [k, x] : kvs) o[k] = std::move(x);
      return o;
    }
    if (v.is_array()) {
      std::vector<json::value> rows;
      for (const auto& r : v.as_array()) rows.push_back(Shuffle(r));
      Permute(rows);
      return json::array(rows.begin(), rows.end());
    }
    return v;
  }

 private:
  template <typename T>
  void Permute(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng_.Below(i)]);
  }

  static bool Nullable(const json::object& s) {
    const json::value& t = s.at("type");
    return t.is_array();
  }
  static std::string TypeOf(const json::object& s) {
    const json::value& t = s.at("type");
    return std::string(t.is_string() ? t.as_string() : t.as_array()[0].as_string());
  }

  std::string Word() {
    static const char* kWords[] = {"Acme", "café", "東京", "Widget", "  spaced  out ", "😀 emoji", "Ünïcode", "x", ""};
    return std::string(kWords[rng_.Below(9)]) + (rng_.Below(2) ? std::to_string(rng_.Below(50)) : "");
  }

  json::value Scalar() {
    static const char* kTypes[] = {"string", "number", "integer", "boolean"};
    json::object s;
    s["type"] = json::array{kTypes[rng_.Below(4)], "null"};
    switch (rng_.Below(8)) {
      case 0: s = {{"type", json::array{"string", "null"}}, {"enum", json::array{"a", "b", "c", nullptr}}}; break;
      case 1: s = {{"type", json::array{"string", "null"}}, {"format", "date"}}; break;
      case 2:
        s = {{"type", "object"},
             {"extend:type", "currency"},
             {"properties",
              {{"amount", {{"type", json::array{"number", "null"}}}},
               {"iso_4217_currency_code", {{"type", json::array{"string", "null"}}}}}}};
        break;
      default: break;
    }
    return s;
  }

  json::object Properties(int depth, int n) {
    json::object props;
    for (int i = 0; i < n; ++i) {
      std::string name = "f" + std::to_string(i);
      uint64_t pick = rng_.Below(10);
      if (pick == 0 && depth < 2) {
        props[name] = {{"type", "object"}, {"properties", Properties(depth + 1, 1 + static_cast<int>(rng_.Below(3)))}};
      } else if (pick == 1 && depth < 2) {
        props[name] = {
            {"type", "array"},
            {"items",
             {{"type", "object"}, {"properties", Properties(depth + 1, 1 + static_cast<int>(rng_.Below(4)))}}}};
      } else if (pick == 2) {
        props[name] = {{"type", "array"}, {"items", Scalar()}};
      } else {
        props[name] = Scalar();
      }
    }
    return props;
  }

  Rng rng_;
};

std::vector<std::pair<std::string, double>> FieldScores(const json::object& result) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& kv : result.at("fields").as_object()) {
    out.emplace_back(std::string(kv.key()), kv.value().as_object().at("score").to_number<double>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Property, PerfectPredictionScoresOne) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Generator g(seed);
    json::object schema = g.Schema();
    ASSERT_TRUE(ValidateExtractorSchema(schema).ok()) << json::serialize(schema);
    json::object config{{"schema", schema}};
    json::value doc = g.Document(schema);
    json::object expected{{"value", doc}};
    ASSERT_TRUE(ValidateExpectedOutput(Kind::kExtractor, config, expected, std::nullopt).ok())
        << ValidateExpectedOutput(Kind::kExtractor, config, expected, std::nullopt).ToString();
    json::object actual{{"value", g.Shuffle(doc)}, {"metadata", json::object()}};
    json::object result = *ScoreItem(Kind::kExtractor, config, expected, actual, Options{});
    EXPECT_TRUE(result.at("correct").as_bool()) << "seed " << seed << ": " << json::serialize(result);
    EXPECT_DOUBLE_EQ(result.at("score").to_number<double>(), 1.0) << "seed " << seed;
  }
}

TEST(Property, InvariantUnderRowAndKeyOrder) {
  size_t partial = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Generator g(seed * 7919);
    json::object schema = g.Schema();
    json::object config{{"schema", schema}};
    json::value doc = g.Document(schema);
    json::value predicted = g.Perturb(schema, doc);
    json::object expected{{"value", doc}}, shuffled_expected{{"value", g.Shuffle(doc)}};
    json::object actual{{"value", predicted}}, shuffled_actual{{"value", g.Shuffle(predicted)}};
    json::object a = *ScoreItem(Kind::kExtractor, config, expected, actual, Options{});
    json::object b = *ScoreItem(Kind::kExtractor, config, shuffled_expected, shuffled_actual, Options{});
    EXPECT_EQ(json::value(*ItemScorer(Kind::kExtractor, config, Options{}).Score(expected, actual)), json::value(a));
    EXPECT_EQ(FieldScores(a), FieldScores(b)) << "seed " << seed;
    EXPECT_NEAR(a.at("score").to_number<double>(), b.at("score").to_number<double>(), 1e-12);
    EXPECT_EQ(a.at("correct"), b.at("correct"));
    partial += a.at("score").to_number<double>() < 1.0;
  }
  EXPECT_GT(partial, 50u);  // the generator really produces imperfect predictions
}

// For every field and column: 0 <= precision, recall, f1, accuracy, score <= 1;
// countAccurate <= countExpected <= countTotal; countPresent <= countTotal; F1 is the
// harmonic mean of the precision and recall reported.
void ExpectConsistentMetrics(const json::object& metrics, uint64_t seed, size_t* columns_seen) {
  for (const auto& kv : metrics.at("fieldMetrics").as_object()) {
    const json::object& m = kv.value().as_object();
    std::string where = "seed " + std::to_string(seed) + " " + std::string(kv.key()) + ": " + json::serialize(m);
    *columns_seen += std::string_view(kv.key()).find("[].") != std::string_view::npos;
    for (const char* key : {"precision", "recall", "f1", "accuracy", "score"}) {
      if (const json::value* v = m.if_contains(key)) {
        EXPECT_GE(v->to_number<double>(), 0.0) << key << " " << where;
        EXPECT_LE(v->to_number<double>(), 1.0 + 1e-12) << key << " " << where;
      }
    }
    const double total = m.at("countTotal").to_number<double>(), expected = m.at("countExpected").to_number<double>();
    EXPECT_LE(m.at("countAccurate").to_number<double>(), expected) << where;
    EXPECT_LE(expected, total) << where;
    EXPECT_LE(m.at("countPresent").to_number<double>(), total) << where;
    if (m.contains("f1")) {
      ASSERT_TRUE(m.contains("precision") && m.contains("recall")) << where;
      double p = m.at("precision").to_number<double>(), r = m.at("recall").to_number<double>();
      double harmonic = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
      EXPECT_NEAR(m.at("f1").to_number<double>(), harmonic, 1e-12) << where;
    }
  }
}

TEST(Property, MetricsAreFractionsWithConsistentCounts) {
  size_t columns_seen = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    Generator g(seed * 104729);
    json::object schema = g.Schema();
    json::object config{{"schema", schema}};
    Options options;
    MetricsBuilder builder(Kind::kExtractor, config, options);
    const ItemScorer scorer(Kind::kExtractor, config, options);
    for (int item = 0; item < 6; ++item) {
      json::value doc = g.Document(schema);
      json::value predicted = g.Break(schema, doc);
      auto result = scorer.Score(json::object{{"value", doc}}, json::object{{"value", predicted}});
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      builder.Add(*result);
    }
    ExpectConsistentMetrics(builder.Build(), seed, &columns_seen);
    if (HasFailure()) return;
  }
  EXPECT_GT(columns_seen, 200u);  // the generator really produces tables
}

}  // namespace
}  // namespace goldset::eval
