// GriTS-Con beyond the reference's values (those are data: tests/cases/grits/): its work
// bounds and how an array of objects becomes a grid.
#include <gtest/gtest.h>

#include "eval/grits.h"

namespace goldset::eval {
namespace {

TextGrid Column(size_t rows, const std::string& text) { return TextGrid(rows, std::vector<std::string>{text}); }

TEST(GritsCon, CellPairsBoundedAtOneMillion) {
  EXPECT_TRUE(GritsCon(Column(999, ""), Column(1000, "")).ok());  // limit - 1000
  auto at = GritsCon(Column(1000, ""), Column(1000, ""));         // limit
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_DOUBLE_EQ(at->grits, 1.0);
  auto over = GritsCon(Column(1001, ""), Column(1000, ""));  // limit + 1000
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), Status::Code::kTooLarge);
}

TEST(GritsCon, StepBudgetCountsEveryCellAgainstEveryCell) {
  // (|"ab"| + 1) x (|"abc"| + 1) = 12 steps.
  EXPECT_EQ(GritsCon({{"ab"}}, {{"abc"}}, 11).status().code(), Status::Code::kTooLarge);
  auto ok = GritsCon({{"ab"}}, {{"abc"}}, 12);
  ASSERT_TRUE(ok.ok());
  EXPECT_NEAR(ok->grits, 0.8, 1e-12);  // 2 * 2 / (2 + 3)
  EXPECT_TRUE(GritsCon({{"ab"}}, {{"abc"}}, 13).ok());
}

TEST(GritsCon, EmptyGridsFollowComputeFscore) {
  auto both = GritsCon({}, {});
  ASSERT_TRUE(both.ok());
  EXPECT_DOUBLE_EQ(both->grits, 1.0);  // precision 1 and recall 1: nothing to find, nothing found
  auto none = GritsCon({{"a"}}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_DOUBLE_EQ(none->precision, 1.0);
  EXPECT_DOUBLE_EQ(none->recall, 0.0);
  EXPECT_DOUBLE_EQ(none->grits, 0.0);
}

TEST(GritsCon, RowsOfObjectsBecomeAGridOfTexts) {
  json::value rows = *ParseJson(R"J([{"d":"Bolt","q":3,"p":1.5,"ok":true,"m":{"amount":2}},
                                     {"d":null,"q":10.0},
                                     "not an object"])J");
  TextGrid g = GridOfRows(rows, {{"d"}, {"q"}, {"p"}, {"ok"}, {"m", "amount"}, {"m"}});
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0], (std::vector<std::string>{"Bolt", "3", "1.5", "True", "2", R"({"amount":2})"}));
  EXPECT_EQ(g[1], (std::vector<std::string>{"", "10.0", "", "", "", ""}));  // null and absent: ""
  EXPECT_EQ(g[2], (std::vector<std::string>(6, "")));
  EXPECT_TRUE(GridOfRows(*ParseJson("null"), {{"d"}}).empty());
}

}  // namespace
}  // namespace goldset::eval
