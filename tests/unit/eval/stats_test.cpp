// Every statistic pinned to a value computed independently for a fixed input.
//
// Reference values: Python 3.11 with NumPy 1.24.2 and SciPy 1.10.1 (Debian 12's
// python3-scipy .deb unpacked as bench/scoring/run.sh does), by these calls:
//   McNemar:   scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
//   Wilson:    scipy.stats.binomtest(k, n).proportion_ci(0.95, method='wilson')
//   quantile:  scipy.stats.norm.ppf(p)
//   Holm:      a 6-line loop over numpy.argsort(p, kind='stable') (statsmodels is not
//              packaged here); also worked by hand below
//   bootstrap: the exact distribution of (j - i) / n enumerated over every (i, j) with
//              scipy.stats.multinomial.pmf([i, j, n-i-j], n, [b/n, c/n, 1-(b+c)/n]),
//              ends = smallest k whose cumulative mass reaches 2.5% / 97.5%
//   power:     need(e, psi) = (norm.ppf(1-a/2)*sqrt(max(psi,e)) + norm.ppf(.8)*
//              sqrt(max(psi,e)-e*e))**2 / e**2; the MDE by scipy.optimize.brentq(need - n).
#include <gtest/gtest.h>

#include <cmath>

#include "eval/stats.h"

namespace goldset::eval {
namespace {

TEST(McNemar, PinnedToScipyBinomtest) {
  EXPECT_NEAR(McNemarExactPValue(12, 3), 0.03515625, 1e-15);
  EXPECT_NEAR(McNemarExactPValue(30, 45), 0.10534226887460482, 1e-13);
  EXPECT_NEAR(McNemarExactPValue(200, 150), 0.008720036530555943, 1e-13);
  EXPECT_NEAR(McNemarExactPValue(0, 7), 0.015625, 1e-15);
  EXPECT_NEAR(McNemarExactPValue(1000, 1100), 0.030720707864242486, 1e-12);
}

TEST(Wilson, PinnedToScipyProportionCi) {
  struct Case {
    size_t k, n;
    double low, high;
  } cases[] = {{45, 50, 0.7863976856252034, 0.9565242350681095},
               {0, 20, 0.0, 0.16112515805281935},
               {20, 20, 0.8388748419471808, 1.0},
               {7, 13, 0.29143795714506016, 0.767939321904617},
               {812, 1000, 0.7866068125887821, 0.8350052901162314}};
  for (const Case& c : cases) {
    Interval w = WilsonInterval(c.k, c.n);
    EXPECT_NEAR(w.low, c.low, 1e-14) << c.k << "/" << c.n;
    EXPECT_NEAR(w.high, c.high, 1e-14) << c.k << "/" << c.n;
  }
  EXPECT_EQ(WilsonInterval(0, 20).low, 0.0);
  EXPECT_EQ(WilsonInterval(20, 20).high, 1.0);
  Interval none = WilsonInterval(0, 0);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 1.0);
}

TEST(NormalQuantile, PinnedToScipyNormPpf) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.8), 0.8416212335729143, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.995), 2.5758293035489004, 1e-14);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-15);
}

TEST(Holm, PinnedByHand) {
  // Sorted: .005 (x5 = .025), .01 (x4 = .04), .03 (x3 = .09), .04 (x2 = .08 -> running max .09),
  // .2 (x1 = .2). Back in input order:
  std::vector<double> adj = HolmAdjust({0.01, 0.04, 0.03, 0.005, 0.2});
  std::vector<double> want = {0.04, 0.09, 0.09, 0.025, 0.2};
  ASSERT_EQ(adj.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(adj[i], want[i], 1e-15) << i;
  EXPECT_EQ(HolmAdjust({0.6, 0.7}), (std::vector<double>{1.0, 1.0}));  // capped at 1
  EXPECT_TRUE(HolmAdjust({}).empty());
  EXPECT_EQ(HolmAdjust({0.03}), std::vector<double>{0.03});  // one test: unchanged
}

TEST(ExactBootstrap, PinnedToMultinomialEnumeration) {
  struct Case {
    size_t n, b, c;
    int lo, hi;  // interval ends times n
  } cases[] = {{40, 6, 2, -9, 1},  {500, 40, 25, -31, 1}, {200, 0, 9, 4, 15}, {30, 30, 0, -30, -30},
               {40, 0, 10, 5, 16}, {40, 1, 0, -3, 0},     {40, 1, 10, 3, 15}};
  for (const Case& c : cases) {
    Interval got = ExactPairedBootstrapDelta({c.n, c.b, c.c});
    EXPECT_NEAR(got.low * static_cast<double>(c.n), c.lo, 1e-9) << c.n << " " << c.b << " " << c.c;
    EXPECT_NEAR(got.high * static_cast<double>(c.n), c.hi, 1e-9) << c.n << " " << c.b << " " << c.c;
  }
  Interval none = ExactPairedBootstrapDelta({100, 0, 0});
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 0.0);
  Interval empty = ExactPairedBootstrapDelta({0, 0, 0});
  EXPECT_EQ(empty.low, 0.0);
  // Mirror image: swapping the sides negates the interval.
  Interval a = ExactPairedBootstrapDelta({500, 40, 25}), b = ExactPairedBootstrapDelta({500, 25, 40});
  EXPECT_DOUBLE_EQ(a.low, -b.high);
  EXPECT_DOUBLE_EQ(a.high, -b.low);
}

TEST(ExactBootstrap, LargeRunsStayCheapAndCentred) {
  // 200,000 items, 30,000 discordant: the interval is about delta +- 1.96 sd with
  // sd = sqrt((b + c) - (c - b)^2 / n) / n (the multinomial's variance).
  const double n = 200000, b = 16000, c = 14000;
  Interval got = ExactPairedBootstrapDelta({200000, 16000, 14000});
  const double delta = (c - b) / n, sd = std::sqrt((b + c) - (c - b) * (c - b) / n) / n;
  EXPECT_NEAR(got.low, delta - 1.959963984540054 * sd, 2.0 / n);
  EXPECT_NEAR(got.high, delta + 1.959963984540054 * sd, 2.0 / n);
}

TEST(TestPairs, CombinesDeltaIntervalAndMcNemar) {
  PairedTest t = TestPairs({40, 1, 10});
  EXPECT_NEAR(t.delta, 9.0 / 40, 1e-15);
  EXPECT_NEAR(t.ci95.low, 3.0 / 40, 1e-12);
  EXPECT_NEAR(t.ci95.high, 15.0 / 40, 1e-12);
  EXPECT_NEAR(t.p_value, 0.01171875, 1e-15);
  PairedTest none = TestPairs({});
  EXPECT_EQ(none.delta, 0.0);
  EXPECT_EQ(none.p_value, 1.0);
}

TEST(Power, ItemsNeededPinnedToConnorFormula) {
  // (effect, discordance, alpha) -> items, the "about 2,400 items to see 1 pp" at 3% discordance.
  EXPECT_NEAR(McNemarItemsNeeded(0.01, 0.03, 0.05, 0.8), 2352.304669778921, 1e-8);
  EXPECT_NEAR(McNemarItemsNeeded(0.01, 0.05, 0.05, 0.8), 3922.0811679678563, 1e-8);
  EXPECT_NEAR(McNemarItemsNeeded(0.05, 0.2, 0.05, 0.8), 625.5473178337214, 1e-9);
  EXPECT_NEAR(McNemarItemsNeeded(0.02, 0.0, 0.05, 0.8), 390.0777818507084, 1e-9);  // psi floored at the effect
  EXPECT_NEAR(McNemarItemsNeeded(0.01, 0.03, 0.01, 0.8), 3500.8124435877758, 1e-8);
  EXPECT_NEAR(McNemarItemsNeeded(1.0, 0.1, 0.05, 0.8), 3.8414588206941254, 1e-12);
  EXPECT_NEAR(McNemarItemsNeeded(-0.05, 0.2, 0.05, 0.8), 625.5473178337214, 1e-9);  // sign does not matter
}

TEST(Power, MinimumDetectableEffectPinnedToBrentq) {
  EXPECT_NEAR(*McNemarMinimumDetectableEffect(1000, 0.2, 0.05, 0.8), 0.03957370661545267, 1e-12);
  EXPECT_NEAR(*McNemarMinimumDetectableEffect(500, 0.05, 0.05, 0.8), 0.02794984641104238, 1e-12);
  EXPECT_NEAR(*McNemarMinimumDetectableEffect(2400, 0.03, 0.05, 0.8), 0.009900234711148535, 1e-12);
  EXPECT_NEAR(*McNemarMinimumDetectableEffect(1000, 0.0, 0.05, 0.8), 0.007830391276429613, 1e-12);
  EXPECT_NEAR(*McNemarMinimumDetectableEffect(200, 0.1, 0.01, 0.8), 0.07586689406328846, 1e-12);
  EXPECT_NEAR(*McNemarMinimumDetectableEffect(40, 11.0 / 40, 0.05, 0.8), 0.2255130182264821, 1e-12);
  // Even an effect of 1 needs 3.84 pairs at alpha 0.05.
  EXPECT_FALSE(McNemarMinimumDetectableEffect(3, 0.0, 0.05, 0.8).has_value());
  EXPECT_TRUE(McNemarMinimumDetectableEffect(4, 0.0, 0.05, 0.8).has_value());
  EXPECT_FALSE(McNemarMinimumDetectableEffect(0, 0.0, 0.05, 0.8).has_value());
  // The two are inverses: the MDE's items needed is n.
  double mde = *McNemarMinimumDetectableEffect(1234, 0.12, 0.05, 0.8);
  EXPECT_NEAR(McNemarItemsNeeded(mde, 0.12, 0.05, 0.8), 1234, 1e-6);
}

TEST(Verdict, SignificantChangesOnly) {
  EXPECT_EQ(Decide(0.01, 0.05, 3), Verdict::kImproved);
  EXPECT_EQ(Decide(0.01, 0.05, -3), Verdict::kRegressed);
  EXPECT_EQ(Decide(0.05, 0.05, -3), Verdict::kNoChange);  // p must be below alpha
  EXPECT_EQ(Decide(0.0, 0.05, 0), Verdict::kNoChange);
  EXPECT_STREQ(VerdictName(Verdict::kImproved), "improved");
  EXPECT_STREQ(VerdictName(Verdict::kRegressed), "regressed");
  EXPECT_STREQ(VerdictName(Verdict::kNoChange), "no_change");
}

}  // namespace
}  // namespace goldset::eval
