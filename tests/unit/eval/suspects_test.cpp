// Suspect-label ranking (eval/suspects.h) on small hand-made runs whose answer is known.
#include "eval/suspects.h"

#include <gtest/gtest.h>

namespace goldset::eval {
namespace {

json::object Verdict(const char* expected, const char* actual) {
  bool right = std::string(expected) == actual;
  return json::object{{"expected", expected}, {"actual", actual}, {"verdict", right ? "correct" : "incorrect"}};
}

// n items with field "f"; truth "t<i>"; the label of item 0 is wrong ("bad").
// Runs answer the truth except where `wrong` says; a wrong answer is "w<run><i>".
SuspectRun MakeRun(const std::string& id, int n, const std::vector<int>& wrong, int run_no) {
  SuspectRun r;
  r.run_id = id;
  for (int i = 0; i < n; ++i) {
    std::string truth = "t" + std::to_string(i);
    std::string label = i == 0 ? "bad" : truth;
    bool is_wrong = std::find(wrong.begin(), wrong.end(), i) != wrong.end();
    std::string answer = is_wrong ? "w" + std::to_string(run_no) + "_" + std::to_string(i) : truth;
    r.results["evi_" + std::to_string(i)] =
        json::object{{"fields", json::object{{"f", Verdict(label.c_str(), answer.c_str())}}}};
  }
  return r;
}

TEST(Suspects, RunsThatAgreeAgainstTheLabelRankFirst) {
  std::vector<SuspectRun> runs{MakeRun("bpr_a", 50, {7, 9}, 1), MakeRun("bpr_b", 50, {7, 11}, 2),
                               MakeRun("bpr_c", 50, {13}, 3)};
  auto ranked = RankSuspects(runs);
  ASSERT_FALSE(ranked.empty());
  EXPECT_EQ(ranked[0].item_id, "evi_0");
  EXPECT_EQ(ranked[0].field_path, "f");
  EXPECT_EQ(ranked[0].expected, json::value("bad"));
  EXPECT_EQ(ranked[0].consensus, json::value("t0"));
  EXPECT_EQ(ranked[0].agreeing_runs, (std::vector<std::string>{"bpr_a", "bpr_b", "bpr_c"}));
  EXPECT_GT(ranked[0].score, 0.9);
  // Item 7: two runs wrong but with different values; each stands alone against label + run c.
  for (size_t i = 1; i < ranked.size(); ++i) EXPECT_LT(ranked[i].score, 0.5) << ranked[i].item_id;
  // Only items where some run disagrees are listed: 0, 7, 9, 11, 13.
  EXPECT_EQ(ranked.size(), 5u);
}

TEST(Suspects, AnUnreliableRunCountsLess) {
  // Run c is wrong on half the items; when it alone disagrees the score stays low, lower
  // than when reliable run a alone disagrees.
  std::vector<int> half;
  for (int i = 1; i < 40; i += 2) half.push_back(i);
  std::vector<SuspectRun> runs{MakeRun("bpr_a", 40, {4}, 1), MakeRun("bpr_b", 40, {}, 2),
                               MakeRun("bpr_c", 40, half, 3)};
  auto ranked = RankSuspects(runs);
  double score_a = -1, score_c = -1;
  for (const auto& s : ranked) {
    if (s.item_id == "evi_4") score_a = s.score;
    if (s.item_id == "evi_5") score_c = s.score;
  }
  ASSERT_GE(score_a, 0);
  ASSERT_GE(score_c, 0);
  EXPECT_GT(score_a, score_c);
  EXPECT_EQ(ranked[0].item_id, "evi_0");
}

TEST(Suspects, CaseAndSpacingDoNotSplitAConsensus) {
  SuspectRun a, b;
  a.run_id = "bpr_a";
  b.run_id = "bpr_b";
  for (int i = 0; i < 20; ++i) {
    std::string id = "evi_" + std::to_string(i);
    a.results[id] = json::object{{"fields", json::object{{"f", Verdict("x", i == 0 ? "Acme  Ltd" : "x")}}}};
    b.results[id] = json::object{{"fields", json::object{{"f", Verdict("x", i == 0 ? "acme ltd" : "x")}}}};
  }
  auto ranked = RankSuspects({a, b});
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].agreeing_runs.size(), 2u);
  auto rel = SuspectReliabilities({a, b});
  EXPECT_DOUBLE_EQ(rel.at("bpr_a").at("f").as_double(), 19.0 / 20.0);
}

}  // namespace
}  // namespace goldset::eval
