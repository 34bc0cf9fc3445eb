// CompareRuns: pairing by item id, McNemar counts, deltas, reproducible CI.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/eval.h"

namespace goldset::eval {
namespace {

json::object Result(bool a_ok, bool b_ok) {
  auto field = [](bool ok) {
    return json::object{{"verdict", ok ? "correct" : "incorrect"}, {"score", ok ? 1.0 : 0.0}};
  };
  return {{"correct", a_ok && b_ok},
          {"score", ((a_ok ? 1.0 : 0.0) + (b_ok ? 1.0 : 0.0)) / 2},
          {"fields", {{"a", field(a_ok)}, {"b", field(b_ok)}}}};
}

TEST(CompareRuns, PairsByIdAndCountsFlips) {
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 40; ++i) {
    std::string id = "evi_" + std::to_string(i);
    bool base_a = i % 2 == 0, cand_a = i % 4 != 3;  // 10 improved on "a" (i%4==1)
    bool base_b = true, cand_b = i != 0;            // item 0 regresses on "b"
    base.push_back({id, Result(base_a, base_b)});
    cand.push_back({id, Result(cand_a, cand_b)});
  }
  base.push_back({"only_in_base", Result(true, true)});
  cand.push_back({"only_in_cand", Result(false, false)});
  json::object r = CompareRuns(Kind::kExtractor, base, cand);
  EXPECT_EQ(r.at("type"), "EXTRACT");
  EXPECT_EQ(r.at("numItemsCompared").to_number<int64_t>(), 40);
  const auto& acc = r.at("accuracy").as_object();
  EXPECT_DOUBLE_EQ(acc.at("baseline").as_double(), 60.0 / 80);
  EXPECT_DOUBLE_EQ(acc.at("candidate").as_double(), 69.0 / 80);
  EXPECT_NEAR(acc.at("delta").as_double(), 9.0 / 80, 1e-12);
  EXPECT_LE(acc.at("ci95").at("low").as_double(), acc.at("delta").as_double());
  EXPECT_GE(acc.at("ci95").at("high").as_double(), acc.at("delta").as_double());
  EXPECT_EQ(acc.at("resamples").to_number<int64_t>(), 10000);
  const auto& mc = r.at("mcnemar").as_object();
  EXPECT_EQ(mc.at("regressed").to_number<int64_t>(), 1);
  EXPECT_EQ(mc.at("improved").to_number<int64_t>(), 10);
  EXPECT_NEAR(mc.at("pValue").as_double(), 2 * 12.0 / 2048, 1e-12);
  EXPECT_NEAR(r.at("fieldDeltas").at("a").at("delta").as_double(), 10.0 / 40, 1e-12);
  EXPECT_NEAR(r.at("fieldDeltas").at("b").at("delta").as_double(), -1.0 / 40, 1e-12);
  const auto& reg = r.at("regressedItems").as_array();
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(reg[0].at("evaluationSetItemId"), "evi_0");
  EXPECT_EQ(reg[0].at("fields"), json::array{"b"});
  EXPECT_EQ(r.at("improvedItems").as_array().size(), 10u);
  EXPECT_EQ(json::serialize(r), json::serialize(CompareRuns(Kind::kExtractor, base, cand)));  // reproducible
}

TEST(CompareRuns, ClassifierAccuracyIsShareCorrect) {
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 10; ++i) {
    auto res = [](bool ok) {
      return json::object{
          {"correct", ok},
          {"score", ok ? 1.0 : 0.0},
          {"fields", {{"classification", {{"verdict", ok ? "correct" : "incorrect"}, {"score", ok ? 1.0 : 0.0}}}}}};
    };
    base.push_back({std::to_string(i), res(i < 5)});
    cand.push_back({std::to_string(i), res(i < 8)});
  }
  json::object r = CompareRuns(Kind::kClassifier, base, cand);
  EXPECT_DOUBLE_EQ(r.at("accuracy").at("baseline").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(r.at("accuracy").at("candidate").as_double(), 0.8);
  EXPECT_EQ(r.at("mcnemar").at("improved").to_number<int64_t>(), 3);
  EXPECT_NEAR(r.at("mcnemar").at("pValue").as_double(), 0.25, 1e-12);
}

// The decision layer on the 40-item fixture above, pinned to values computed with SciPy
// (see stats_test.cpp for the calls): field "a" 0 -> 10 flips (improved), "b" 1 flip back,
// items 1 newly incorrect and 10 newly correct.
TEST(CompareRuns, VerdictsIntervalsAndPowerPinned) {
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 40; ++i) {
    std::string id = "evi_" + std::to_string(i);
    base.push_back({id, Result(i % 2 == 0, true)});
    cand.push_back({id, Result(i % 4 != 3, i != 0)});
  }
  json::object r = CompareRuns(Kind::kExtractor, base, cand);
  EXPECT_EQ(r.at("verdict"), "improved");  // McNemar(1, 10) = 0.01171875 < 0.05
  EXPECT_NEAR(r.at("pValue").as_double(), 0.01171875, 1e-15);
  EXPECT_EQ(r.at("delta").as_double(), r.at("accuracy").at("delta").as_double());
  EXPECT_EQ(r.at("ci95"), r.at("accuracy").at("ci95"));
  EXPECT_EQ(r.at("nonInferior").as_bool(), r.at("ci95").at("low").as_double() > -0.01);
  EXPECT_EQ(r.at("parameters"), (json::value{{"alpha", 0.05}, {"margin", 0.01}, {"effect", 0.01}, {"power", 0.8}}));
  EXPECT_NEAR(r.at("discordanceRate").as_double(), 11.0 / 40, 1e-15);
  EXPECT_NEAR(r.at("minimumDetectableEffect").as_double(), 0.2255130182264821, 1e-12);  // brentq
  EXPECT_EQ(r.at("itemsNeeded").to_number<int64_t>(), 21583);                           // ceil(21582.06)

  const auto& items = r.at("itemAccuracy").as_object();
  EXPECT_EQ(items.at("numItems").to_number<int64_t>(), 40);
  EXPECT_DOUBLE_EQ(items.at("baseline").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(items.at("candidate").as_double(), 29.0 / 40);
  EXPECT_NEAR(items.at("baselineCi95").at("low").as_double(), 0.35199526933465386, 1e-14);   // Wilson 20/40
  EXPECT_NEAR(items.at("candidateCi95").at("high").as_double(), 0.8389198375233267, 1e-14);  // Wilson 29/40
  EXPECT_NEAR(items.at("ci95").at("low").as_double(), 3.0 / 40, 1e-12);  // exact bootstrap (40, 1, 10)
  EXPECT_NEAR(items.at("ci95").at("high").as_double(), 15.0 / 40, 1e-12);

  const auto& a = r.at("fields").at("a").as_object();
  EXPECT_EQ(a.at("numItems").to_number<int64_t>(), 40);
  EXPECT_NEAR(a.at("delta").as_double(), 0.25, 1e-15);
  EXPECT_NEAR(a.at("ci95").at("low").as_double(), 5.0 / 40, 1e-12);  // exact bootstrap (40, 0, 10)
  EXPECT_NEAR(a.at("ci95").at("high").as_double(), 16.0 / 40, 1e-12);
  EXPECT_NEAR(a.at("baselineCi95").at("high").as_double(), 0.6480047306653461, 1e-14);  // Wilson 20/40
  EXPECT_NEAR(a.at("candidateCi95").at("low").as_double(), 0.5980603857923197, 1e-14);  // Wilson 30/40
  EXPECT_EQ(a.at("regressed").to_number<int64_t>(), 0);
  EXPECT_EQ(a.at("improved").to_number<int64_t>(), 10);
  EXPECT_NEAR(a.at("pValue").as_double(), 0.001953125, 1e-15);
  EXPECT_NEAR(a.at("pValueAdjusted").as_double(), 0.00390625, 1e-15);  // Holm: x2
  EXPECT_EQ(a.at("verdict"), "improved");
  const auto& b = r.at("fields").at("b").as_object();
  EXPECT_NEAR(b.at("delta").as_double(), -1.0 / 40, 1e-15);
  EXPECT_NEAR(b.at("ci95").at("low").as_double(), -3.0 / 40, 1e-12);  // exact bootstrap (40, 1, 0)
  EXPECT_EQ(b.at("ci95").at("high").as_double(), 0.0);
  EXPECT_NEAR(b.at("candidateCi95").at("low").as_double(), 0.8711863103652591, 1e-14);  // Wilson 39/40
  EXPECT_EQ(b.at("baselineCi95").at("high").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(b.at("pValue").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(b.at("pValueAdjusted").as_double(), 1.0);
  EXPECT_EQ(b.at("verdict"), "no_change");

  const auto& newly_incorrect = r.at("newlyIncorrect").as_array();
  ASSERT_EQ(newly_incorrect.size(), 1u);
  EXPECT_EQ(newly_incorrect[0], (json::value{{"evaluationSetItemId", "evi_0"}, {"fields", {"b"}}}));
  const auto& newly_correct = r.at("newlyCorrect").as_array();
  ASSERT_EQ(newly_correct.size(), 10u);
  EXPECT_EQ(newly_correct[0], (json::value{{"evaluationSetItemId", "evi_1"}, {"fields", {"a"}}}));

  // Alpha moves the verdicts: at 0.01 the item-level change (p 0.0117) is no longer
  // significant while field "a" (adjusted 0.0039) still is.
  CompareOptions strict;
  strict.alpha = 0.01;
  json::object s = CompareRuns(Kind::kExtractor, base, cand, strict);
  EXPECT_EQ(s.at("verdict"), "no_change");
  EXPECT_EQ(s.at("fields").at("a").at("verdict"), "improved");
  EXPECT_NE(CompareRunsParameters(strict), CompareRunsParameters());
}

// Per-field verdicts are taken on the Holm-adjusted p-value (docs/evaluation.md § Compare):
// with alpha between field "a"'s raw p (2 * 0.5^10) and its adjusted p (x2, two fields) the
// field is no_change, and just above the adjusted p it is improved.
TEST(CompareRuns, FieldVerdictsUseTheHolmAdjustedPValue) {
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 40; ++i) {
    std::string id = "evi_" + std::to_string(i);
    base.push_back({id, Result(i % 2 == 0, true)});
    cand.push_back({id, Result(i % 4 != 3, i != 0)});
  }
  CompareOptions between;
  between.alpha = 0.003;  // 0.001953125 < 0.003 < 0.00390625
  const json::object r = CompareRuns(Kind::kExtractor, base, cand, between);
  const auto& a = r.at("fields").at("a").as_object();
  EXPECT_NEAR(a.at("pValue").as_double(), 0.001953125, 1e-15);
  EXPECT_NEAR(a.at("pValueAdjusted").as_double(), 0.00390625, 1e-15);
  EXPECT_EQ(a.at("verdict"), "no_change");
  CompareOptions above;
  above.alpha = 0.004;
  EXPECT_EQ(CompareRuns(Kind::kExtractor, base, cand, above).at("fields").at("a").at("verdict"), "improved");
}

TEST(CompareRuns, RegressionsAndNonInferiority) {
  // The mirror image: the candidate is the old baseline.
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 40; ++i) {
    std::string id = "evi_" + std::to_string(i);
    base.push_back({id, Result(i % 4 != 3, i != 0)});
    cand.push_back({id, Result(i % 2 == 0, true)});
  }
  CompareOptions wide;
  wide.margin = 1.0;
  json::object r = CompareRuns(Kind::kExtractor, base, cand, wide);
  EXPECT_EQ(r.at("verdict"), "regressed");
  EXPECT_EQ(r.at("fields").at("a").at("verdict"), "regressed");
  EXPECT_TRUE(r.at("nonInferior").as_bool());  // a margin of 1 accepts anything
  EXPECT_EQ(r.at("newlyIncorrect").as_array().size(), 10u);
  CompareOptions tight;
  tight.margin = 0.005;
  EXPECT_FALSE(CompareRuns(Kind::kExtractor, base, cand, tight).at("nonInferior").as_bool());
  // Nothing compared: no verdict, nothing shown non-inferior, no MDE.
  json::object none = CompareRuns(Kind::kExtractor, {}, {});
  EXPECT_EQ(none.at("verdict"), "no_change");
  EXPECT_FALSE(none.at("nonInferior").as_bool());
  EXPECT_TRUE(none.at("minimumDetectableEffect").is_null());
  EXPECT_TRUE(none.at("fields").as_object().empty());
}

TEST(CompareRuns, ClassesAndSplitTypesAreUnits) {
  auto cls = [](const char* expected, bool ok) {
    return json::object{
        {"correct", ok},
        {"score", ok ? 1.0 : 0.0},
        {"fields",
         {{"classification",
           {{"expected", expected}, {"verdict", ok ? "correct" : "incorrect"}, {"score", ok ? 1.0 : 0.0}}}}}};
  };
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 12; ++i) {
    const char* type = i < 8 ? "Invoice" : "Receipt";
    base.push_back({std::to_string(i), cls(type, true)});
    cand.push_back({std::to_string(i), cls(type, i >= 8)});  // the 8 invoices regress
  }
  json::object r = CompareRuns(Kind::kClassifier, base, cand);
  EXPECT_EQ(r.at("fields").at("Invoice").at("regressed").to_number<int64_t>(), 8);
  EXPECT_EQ(r.at("fields").at("Receipt").at("numItems").to_number<int64_t>(), 4);
  EXPECT_NEAR(r.at("fields").at("Invoice").at("pValue").as_double(), 0.0078125, 1e-15);         // 2 * 0.5^8
  EXPECT_NEAR(r.at("fields").at("Invoice").at("pValueAdjusted").as_double(), 0.015625, 1e-15);  // Holm, 2 classes: x2
  EXPECT_EQ(r.at("fields").at("Invoice").at("verdict"), "regressed");
  EXPECT_EQ(r.at("fields").at("Receipt").at("verdict"), "no_change");
  EXPECT_EQ(r.at("newlyIncorrect").as_array()[0].at("fields"), json::array{"classification"});

  auto split = [](std::vector<std::pair<const char*, bool>> splits) {
    json::object fields;
    bool all = true;
    for (size_t i = 0; i < splits.size(); ++i) {
      fields["splits[" + std::to_string(i) + "]"] = {{"expected", {{"type", splits[i].first}}},
                                                     {"verdict", splits[i].second ? "correct" : "incorrect"},
                                                     {"score", splits[i].second ? 1.0 : 0.0}};
      all = all && splits[i].second;
    }
    return json::object{{"correct", all}, {"score", all ? 1.0 : 0.0}, {"fields", fields}};
  };
  json::object s =
      CompareRuns(Kind::kSplitter, {{"x", split({{"Invoice", true}, {"Invoice", true}, {"Receipt", true}})}},
                  {{"x", split({{"Invoice", true}, {"Invoice", false}, {"Receipt", true}})}});
  EXPECT_EQ(s.at("fields").at("Invoice").at("regressed").to_number<int64_t>(), 1);  // one split of the type wrong
  EXPECT_EQ(s.at("fields").at("Receipt").at("regressed").to_number<int64_t>(), 0);
  EXPECT_EQ(s.at("newlyIncorrect").as_array()[0].at("fields"), json::array{"splits[1]"});
}

TEST(CompareOptions, Ranges) {
  EXPECT_TRUE(ValidateCompareOptions({}).ok());
  auto with = [](double alpha, double margin, double effect) {
    return ValidateCompareOptions({alpha, margin, effect, 10000});
  };
  EXPECT_TRUE(with(0.5, 0, 1).ok());
  EXPECT_TRUE(with(1e-9, 1, 1e-6).ok());
  EXPECT_NE(with(0, 0.01, 0.01).message().find("alpha must be a number in (0, 0.5]"), std::string::npos);
  EXPECT_FALSE(with(0.51, 0.01, 0.01).ok());
  EXPECT_FALSE(with(std::nan(""), 0.01, 0.01).ok());
  EXPECT_NE(with(0.05, -0.001, 0.01).message().find("margin must be a number in [0, 1]"), std::string::npos);
  EXPECT_FALSE(with(0.05, 1.5, 0.01).ok());
  EXPECT_NE(with(0.05, 0.01, 0).message().find("effect must be a number in (0, 1]"), std::string::npos);
  EXPECT_FALSE(with(0.05, 0.01, INFINITY).ok());
  // Parameters are canonical numbers: the same value written differently is the same key.
  EXPECT_EQ(CompareRunsParameters({0.050, 0.01, 0.01, 10000}), CompareRunsParameters());
  EXPECT_EQ(CompareRunsParameters(), "method=2;resamples=10000;seed=6346215;alpha=5E-2;margin=1E-2;effect=1E-2");
}

TEST(ResultsSummary, WilsonOnItemsAndFields) {
  ResultsSummary s(Kind::kExtractor);
  for (int i = 0; i < 40; ++i) s.Add(Result(i < 20, i != 0));
  json::object r = s.Build();
  EXPECT_EQ(r.at("type"), "EXTRACT");
  EXPECT_EQ(r.at("itemAccuracy").at("numCorrect").to_number<int64_t>(), 19);
  EXPECT_EQ(r.at("fields").at("a").at("numCorrect").to_number<int64_t>(), 20);
  EXPECT_NEAR(r.at("fields").at("a").at("ci95").at("low").as_double(), 0.35199526933465386, 1e-14);  // Wilson 20/40
  EXPECT_NEAR(r.at("fields").at("b").at("ci95").at("low").as_double(), 0.8711863103652591, 1e-14);   // Wilson 39/40
  ResultsSummary empty(Kind::kClassifier);
  json::object e = empty.Build();
  EXPECT_FALSE(e.at("itemAccuracy").as_object().contains("accuracy"));
  EXPECT_EQ(e.at("itemAccuracy").at("ci95").at("high").as_double(), 1.0);
}

}  // namespace
}  // namespace goldset::eval
