// ANLS* beyond the reference's values (those are data: tests/cases/anls_star/): the
// Python str() table and the work budget.
#include <gtest/gtest.h>

#include "eval/anls_star.h"
#include "eval/munkres.h"

namespace goldset::eval {
namespace {

json::value Parse(const char* s) { return *ParseJson(s); }

TEST(AnlsStar, PythonStrOfScalars) {
  EXPECT_EQ(PythonStr(Parse("10")), "10");
  EXPECT_EQ(PythonStr(Parse("10.0")), "10.0");
  EXPECT_EQ(PythonStr(Parse("true")), "True");
  EXPECT_EQ(PythonStr(Parse("false")), "False");
  EXPECT_EQ(PythonStr(Parse("1e16")), "1e+16");
  EXPECT_EQ(PythonStr(Parse("1e15")), "1000000000000000.0");
  EXPECT_EQ(PythonStr(Parse("0.0001")), "0.0001");
  EXPECT_EQ(PythonStr(Parse("0.00001")), "1e-05");
  EXPECT_EQ(PythonStr(Parse("-0.0")), "-0.0");
  EXPECT_EQ(PythonStr(Parse("1.5e-7")), "1.5e-07");
  EXPECT_EQ(PythonStr(Parse("123456789.123")), "123456789.123");
  EXPECT_EQ(PythonStr(Parse("12345678901234567890")), "12345678901234567890");
  EXPECT_EQ(PythonStr(Parse("\"x\"")), "x");
}

// A list of n elements against n: n*n pair steps plus n^3 for the pairing.
TEST(AnlsStar, BudgetBoundsListPairing) {
  json::array gt, pred;
  for (int i = 0; i < 20; ++i) {
    gt.push_back(json::value("v" + std::to_string(i)));
    pred.push_back(json::value("w" + std::to_string(i)));
  }
  AnlsStarOptions options;
  options.max_comparisons = 20 * 20 * 20;  // the pairing alone; the pairs overrun it
  auto over = AnlsStar(gt, pred, options);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), Status::Code::kTooLarge);
  options.max_comparisons = 1'000'000;
  auto fine = AnlsStar(gt, pred, options);
  ASSERT_TRUE(fine.ok());
  // "vN" vs "wN": one substitution in two (N < 10) or three code points.
  EXPECT_NEAR(*fine, (10 * 0.5 + 10 * (2.0 / 3.0)) / 20, 1e-12);
}

TEST(AnlsStar, OneOfObjectsOnlyWhenAsked) {
  json::value gt = Parse(R"({"a": {"$oneOf": ["x", "y"]}})");
  json::value pred = Parse(R"({"a": "y"})");
  EXPECT_NEAR(*AnlsStar(gt, pred, {.one_of_objects = true}), 1.0, 1e-12);
  EXPECT_NEAR(*AnlsStar(gt, pred), 0.0, 1e-12);  // a plain object against a string
}

TEST(Munkres, TiesTakeTheFirstStarredZero) {
  // Every assignment costs 0: step 2 stars the diagonal.
  auto pairs = MunkresAssignment(std::vector<double>(9, 0.0), 3, 3);
  ASSERT_EQ(pairs.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pairs[static_cast<size_t>(i)], std::make_pair(i, i));
}

TEST(Munkres, RectangularFindsTheOptimum) {
  // 2 x 3: the best pairs are (0,2) and (1,0).
  auto pairs = MunkresAssignment({5, 4, 1, 2, 6, 7}, 2, 3);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], std::make_pair(0, 2));
  EXPECT_EQ(pairs[1], std::make_pair(1, 0));
}

}  // namespace
}  // namespace goldset::eval
