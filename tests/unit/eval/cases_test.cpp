// Data-driven scoring cases: every JSON file under GOLDSET_CASES_DIR is one case
// (see tests/cases/README.md for the format).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eval/analysis.h"
#include "eval/anls_star.h"
#include "eval/eval.h"
#include "eval/item_scorer.h"
#include "eval/grits.h"
#include "eval/tree_edit.h"
#include "json_match.h"

namespace goldset::eval {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ListCases() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(GOLDSET_CASES_DIR)) {
    if (e.is_regular_file() && e.path().extension() == ".json") {
      out.push_back(fs::relative(e.path(), GOLDSET_CASES_DIR).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Kind ParseKind(const std::string& k) {
  if (k == "classify") return Kind::kClassifier;
  if (k == "split") return Kind::kSplitter;
  return Kind::kExtractor;
}

std::vector<std::string> Strings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& s : v->as_array()) out.emplace_back(s.as_string());
  }
  return out;
}

// kind "anls": {"cases": [{"gt", "pred", "anls" | "error"}]}, scores from the reference
// implementation (tests/cases/anls_reference.py); parity within 1e-9.
void RunAnlsCases(const json::object& c) {
  AnlsStarOptions options;
  options.one_of_objects = true;
  size_t n = 0;
  for (const auto& v : c.at("cases").as_array()) {
    const json::object& one = v.as_object();
    auto got = AnlsStar(one.at("gt"), one.at("pred"), options);
    std::string what = "case " + std::to_string(n++) + ": gt " + json::serialize(one.at("gt")) + " pred " +
                       json::serialize(one.at("pred"));
    if (const json::value* err = one.if_contains("error")) {
      ASSERT_FALSE(got.ok()) << what;
      EXPECT_NE(got.status().message().find(std::string(err->as_string())), std::string::npos) << what;
      continue;
    }
    ASSERT_TRUE(got.ok()) << what << ": " << got.status().ToString();
    EXPECT_NEAR(*got, one.at("anls").to_number<double>(), 1e-9) << what;
  }
  EXPECT_GT(n, 0u);
}

// kind "ted": {"cases": [{"gt", "pred", "accuracy", "truePositives", "predFields", "gtFields"}]}.
void RunTreeEditCases(const json::object& c) {
  size_t n = 0;
  for (const auto& v : c.at("cases").as_array()) {
    const json::object& one = v.as_object();
    std::string what = "case " + std::to_string(n++) + ": " + json::serialize(one);
    auto got = TreeEditAccuracy(one.at("gt"), one.at("pred"));
    ASSERT_TRUE(got.has_value()) << what;
    EXPECT_NEAR(got->accuracy, one.at("accuracy").to_number<double>(), 1e-12) << what;
    EXPECT_EQ(got->true_positives, one.at("truePositives").to_number<int64_t>()) << what;
    EXPECT_EQ(got->pred_fields, one.at("predFields").to_number<int64_t>()) << what;
    EXPECT_EQ(got->gt_fields, one.at("gtFields").to_number<int64_t>()) << what;
  }
  EXPECT_GT(n, 0u);
}

TextGrid GridOf(const json::value& v) {
  TextGrid g;
  for (const auto& row : v.as_array()) {
    std::vector<std::string> cells;
    for (const auto& cell : row.as_array()) cells.emplace_back(cell.as_string());
    g.push_back(std::move(cells));
  }
  return g;
}

std::u32string Utf32(const json::value& v) {
  std::u32string out;
  const json::string& s = v.as_string();
  for (size_t i = 0; i < s.size();) {  // UTF-8 to code points (the data files are valid UTF-8)
    unsigned char b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? b : b & (0x3F >> (len - 1));
    for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(c);
    i += len;
  }
  return out;
}

// kind "grits": {"cases": [{"true", "pred", "grits", "precision", "recall", "upperBound"}]}
// (grids of strings), kind "grits_lcs": {"cases": [{"a", "b", "similarity"}]}; values
// from the reference implementation (tests/cases/grits_reference.py), parity within 1e-9.
void RunGritsCases(const json::object& c) {
  size_t n = 0;
  const bool lcs = c.at("kind") == "grits_lcs";
  for (const auto& v : c.at("cases").as_array()) {
    const json::object& one = v.as_object();
    std::string what = "case " + std::to_string(n++) + ": " + json::serialize(one);
    if (lcs) {
      EXPECT_NEAR(LcsSimilarity(Utf32(one.at("a")), Utf32(one.at("b"))), one.at("similarity").to_number<double>(), 1e-9)
          << what;
      continue;
    }
    auto got = GritsCon(GridOf(one.at("true")), GridOf(one.at("pred")));
    ASSERT_TRUE(got.ok()) << what << ": " << got.status().ToString();
    EXPECT_NEAR(got->grits, one.at("grits").to_number<double>(), 1e-9) << what;
    EXPECT_NEAR(got->precision, one.at("precision").to_number<double>(), 1e-9) << what;
    EXPECT_NEAR(got->recall, one.at("recall").to_number<double>(), 1e-9) << what;
    EXPECT_NEAR(got->upper_bound, one.at("upperBound").to_number<double>(), 1e-9) << what;
  }
  EXPECT_GT(n, 0u);
}

class ScoringCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ScoringCase, MatchesExpectation) {
  std::ifstream in(fs::path(GOLDSET_CASES_DIR) / GetParam());
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = ParseJson(ss.str());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const json::object& c = parsed->as_object();
  if (c.contains("kind") && c.at("kind") == "anls") {
    SCOPED_TRACE(std::string(c.at("description").as_string()));
    return RunAnlsCases(c);
  }
  if (c.contains("kind") && (c.at("kind") == "grits" || c.at("kind") == "grits_lcs")) {
    SCOPED_TRACE(std::string(c.at("description").as_string()));
    return RunGritsCases(c);
  }
  if (c.contains("kind") && c.at("kind") == "ted") {
    SCOPED_TRACE(std::string(c.at("description").as_string()));
    return RunTreeEditCases(c);
  }
  ASSERT_TRUE(c.contains("description") && c.contains("config") && c.contains("expect")) << "malformed case";
  SCOPED_TRACE(std::string(c.at("description").as_string()));
  Kind kind = ParseKind(std::string(c.at("kind").as_string()));
  const json::object& config = c.at("config").as_object();
  Options options;
  if (const json::value* o = c.if_contains("options")) {
    options.fuzzy_match_fields = Strings(o->as_object(), "fuzzyMatchFields");
    options.exclude_fields = Strings(o->as_object(), "excludeFields");
    if (const json::value* t = o->as_object().if_contains("fuzzyThreshold"))
      options.fuzzy_threshold = t->to_number<double>();
    if (const json::value* m = o->as_object().if_contains("maxArrayRows"))
      options.max_array_rows = m->to_number<size_t>();
  }
  const json::object& expect = c.at("expect").as_object();
  if (const json::value* v = expect.if_contains("optionsValid")) {
    EXPECT_EQ(ValidateOptions(kind, config, options).ok(), v->as_bool());
    if (!v->as_bool()) return;
  } else {
    ASSERT_TRUE(ValidateOptions(kind, config, options).ok()) << ValidateOptions(kind, config, options).ToString();
  }
  // Single item (expected/actual) or several (items: [{expected, actual}]).
  json::array items;
  if (const json::value* list = c.if_contains("items")) {
    items = list->as_array();
  } else {
    items.push_back(json::object{{"expected", c.at("expected")}, {"actual", c.at("actual")}});
  }
  if (const json::value* v = expect.if_contains("expectedValid")) {
    Status st = ValidateExpectedOutput(kind, config, items[0].at("expected"), std::nullopt);
    EXPECT_EQ(st.ok(), v->as_bool()) << st.ToString();
  }
  MetricsBuilder builder(kind, config, options);
  AnalysisOptions analysis_options;
  if (const json::value* o = c.if_contains("analysisOptions")) {
    if (const json::value* t = o->as_object().if_contains("targetPrecision"))
      analysis_options.target_precision = t->to_number<double>();
    if (const json::value* t = o->as_object().if_contains("rowMatchShare"))
      analysis_options.row_match_share = t->to_number<double>();
    if (const json::value* t = o->as_object().if_contains("treeEdit")) analysis_options.tree_edit = t->as_bool();
    if (const json::value* t = o->as_object().if_contains("grits")) analysis_options.grits = t->as_bool();
  }
  RunAnalysis analysis(analysis_options);
  const ItemScorer scorer(kind, config, options);  // compiled once: must agree with ScoreItem
  std::string why;
  for (size_t i = 0; i < items.size(); ++i) {
    const json::object& it = items[i].as_object();
    auto scored = ScoreItem(kind, config, it.at("expected"), it.at("actual"), options);
    auto compiled = scorer.Score(it.at("expected"), it.at("actual"));
    ASSERT_EQ(scored.ok(), compiled.ok()) << "item " << i;
    if (const json::value* err = expect.if_contains("error")) {
      // The item fails on a limit: the message must contain the expected text.
      ASSERT_FALSE(scored.ok()) << "item " << i << " scored: " << json::serialize(*scored);
      EXPECT_NE(scored.status().message().find(std::string(err->as_string())), std::string::npos)
          << scored.status().message();
      continue;
    }
    ASSERT_TRUE(scored.ok()) << scored.status().ToString();
    const json::object& result = *scored;
    EXPECT_EQ(json::value(*compiled), json::value(result)) << "item " << i;
    builder.Add(result);
    analysis.Add(result, {std::nullopt, nullptr, &ExtractedValue(it.at("expected")), &ExtractedValue(it.at("actual"))});
    const json::value* want = nullptr;
    if (const json::value* list = expect.if_contains("items")) want = &list->as_array().at(i);
    else if (i == 0) want = expect.if_contains("item");
    if (want) {
      EXPECT_TRUE(testing::PartialMatch(*want, result, "item", &why)) << why << "\nfull: " << json::serialize(result);
    }
  }
  if (const json::value* want = expect.if_contains("analysis")) {
    json::object built = analysis.Build();
    EXPECT_TRUE(testing::PartialMatch(*want, built, "analysis", &why)) << why << "\nfull: " << json::serialize(built);
  }
  if (const json::value* want = expect.if_contains("metrics")) {
    json::object metrics = builder.Build();
    EXPECT_TRUE(testing::PartialMatch(*want, metrics, "metrics", &why))
        << why << "\nfull: " << json::serialize(metrics);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ScoringCase, ::testing::ValuesIn(ListCases()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (auto& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(ScoringCases, AtLeast150) { EXPECT_GE(ListCases().size(), 150u); }

}  // namespace
}  // namespace goldset::eval
