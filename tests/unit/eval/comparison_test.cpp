// CompareRuns: pairing by item id, McNemar counts, deltas, reproducible CI.
#include <gtest/gtest.h>

#include "eval/eval.h"

namespace goldset::eval {
namespace {

json::object Result(bool a_ok, bool b_ok) {
  auto field = [](bool ok) { return json::object{{"verdict", ok ? "correct" : "incorrect"}, {"score", ok ? 1.0 : 0.0}}; };
  return {{"correct", a_ok && b_ok},
          {"score", ((a_ok ? 1.0 : 0.0) + (b_ok ? 1.0 : 0.0)) / 2},
          {"fields", {{"a", field(a_ok)}, {"b", field(b_ok)}}}};
}

TEST(CompareRuns, PairsByIdAndCountsFlips) {
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 40; ++i) {
    std::string id = "evi_" + std::to_string(i);
    bool base_a = i % 2 == 0, cand_a = i % 4 != 3;  // 10 improved on "a" (i%4==1)
    bool base_b = true, cand_b = i != 0;             // item 0 regresses on "b"
    base.push_back({id, Result(base_a, base_b)});
    cand.push_back({id, Result(cand_a, cand_b)});
  }
  base.push_back({"only_in_base", Result(true, true)});
  cand.push_back({"only_in_cand", Result(false, false)});
  json::object r = CompareRuns(Kind::kExtract, base, cand);
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
  EXPECT_EQ(json::serialize(r), json::serialize(CompareRuns(Kind::kExtract, base, cand)));  // reproducible
}

TEST(CompareRuns, ClassifierAccuracyIsShareCorrect) {
  std::vector<ComparedItem> base, cand;
  for (int i = 0; i < 10; ++i) {
    auto res = [](bool ok) {
      return json::object{{"correct", ok}, {"score", ok ? 1.0 : 0.0},
                          {"fields", {{"classification", {{"verdict", ok ? "correct" : "incorrect"}, {"score", ok ? 1.0 : 0.0}}}}}};
    };
    base.push_back({std::to_string(i), res(i < 5)});
    cand.push_back({std::to_string(i), res(i < 8)});
  }
  json::object r = CompareRuns(Kind::kClassify, base, cand);
  EXPECT_DOUBLE_EQ(r.at("accuracy").at("baseline").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(r.at("accuracy").at("candidate").as_double(), 0.8);
  EXPECT_EQ(r.at("mcnemar").at("improved").to_number<int64_t>(), 3);
  EXPECT_NEAR(r.at("mcnemar").at("pValue").as_double(), 0.25, 1e-12);
}

}  // namespace
}  // namespace goldset::eval
