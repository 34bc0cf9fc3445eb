// AnalysisOptions::max_work (--max-analysis-work): the tree-edit and GriTS work of one
// analysis, summed over its items, at the bound and one step either side.
#include <gtest/gtest.h>

#include "eval/analysis.h"
#include "eval/grits.h"
#include "eval/tree_edit.h"

namespace goldset::eval {
namespace {

const json::value kGt = json::parse(R"({"a":"abc","b":"xy","items":[{"n":"cake","c":"2"}]})");
const json::value kPred = json::parse(R"({"a":"abd","b":"xy","items":[{"n":"cane","c":"2"}]})");

uint64_t TreeEditWorkOfOneItem() {
  uint64_t cells = 0;
  EXPECT_TRUE(TreeEditAccuracy(kGt, kPred, 4'000'000, &cells).has_value());
  EXPECT_GT(cells, 0u);
  return cells * kTreeEditCellWork;
}

// Three items of tree-edit work under `max_work`.
RunAnalysis ThreeItems(uint64_t max_work) {
  AnalysisOptions o;
  o.tree_edit = true;
  o.max_work = max_work;
  RunAnalysis a(o);
  for (int i = 0; i < 3; ++i) a.Add(json::object{}, ItemCost{std::nullopt, nullptr, &kGt, &kPred});
  return a;
}

TEST(AnalysisWorkBound, TreeEditCellsAddUpAcrossItems) {
  const uint64_t w = TreeEditWorkOfOneItem();
  RunAnalysis at = ThreeItems(3 * w);  // limit: exactly three items' work
  EXPECT_FALSE(at.over_budget());
  EXPECT_EQ(at.work(), 3 * w);
  EXPECT_EQ(at.Build().at("treeEditAccuracy").at("numItems").as_int64(), 3);

  RunAnalysis under = ThreeItems(3 * w - 1);  // limit - 1: the third item does not fit
  EXPECT_TRUE(under.over_budget());
  EXPECT_EQ(under.work(), 2 * w);
  EXPECT_EQ(under.Build().at("treeEditAccuracy").at("numItems").as_int64(), 2);

  RunAnalysis above = ThreeItems(3 * w + 1);  // limit + 1
  EXPECT_FALSE(above.over_budget());

  RunAnalysis unbounded = ThreeItems(0);
  EXPECT_FALSE(unbounded.over_budget());
  EXPECT_EQ(unbounded.work(), 3 * w);
}

TEST(AnalysisWorkBound, NothingIsChargedWhenTheHeavyMetricsAreOff) {
  AnalysisOptions o;
  o.max_work = 1;
  RunAnalysis a(o);
  for (int i = 0; i < 3; ++i) a.Add(json::object{}, ItemCost{std::nullopt, nullptr, &kGt, &kPred});
  EXPECT_FALSE(a.over_budget());
  EXPECT_EQ(a.work(), 0u);
}

TEST(AnalysisWorkBound, GritsReportsTheStepsItTook) {
  // (|"ab"| + 1) x (|"abc"| + 1) = 12 steps: what max_work is charged for this field.
  auto g = GritsCon({{"ab"}}, {{"abc"}});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->steps, 12u);
}

}  // namespace
}  // namespace goldset::eval
