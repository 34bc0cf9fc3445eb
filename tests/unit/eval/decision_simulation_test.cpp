// Statistical acceptance tests of the comparison's decisions (issue #19), by simulation
// with fixed seeds, so every figure below is reproducible bit for bit. Each test prints
// the rate it measured (see the test log).
//
// Models of paired items: each item is right or wrong in the baseline and the candidate,
// drawn from a joint table P(both right), P(baseline only), P(candidate only), P(neither).
// Simulated verdicts go through the functions CompareRuns composes (McNemarExactPValue,
// HolmAdjust, Decide, the bootstraps); the A/A test also runs CompareRuns itself on part
// of its samples to tie the two.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "eval/eval.h"
#include "eval/stats.h"

namespace goldset::eval {
namespace {

constexpr double kAlpha = 0.05;

struct Joint {  // probabilities of (baseline, candidate) = (1,1), (1,0), (0,1); (0,0) is the rest
  double both, base_only, cand_only;
};

// One paired outcome per item.
std::array<bool, 2> Draw(Rng& rng, const Joint& j) {
  double u = static_cast<double>(rng.Next() >> 11) * 0x1.0p-53;
  if (u < j.both) return {true, true};
  if (u < j.both + j.base_only) return {true, false};
  if (u < j.both + j.base_only + j.cand_only) return {false, true};
  return {false, false};
}

BinaryPairs DrawPairs(Rng& rng, const Joint& j, size_t n, std::vector<std::array<bool, 2>>* items = nullptr) {
  BinaryPairs p{n, 0, 0};
  for (size_t i = 0; i < n; ++i) {
    auto o = Draw(rng, j);
    p.base_only += o[0] && !o[1];
    p.cand_only += o[1] && !o[0];
    if (items) items->push_back(o);
  }
  return p;
}

Verdict ItemVerdict(const BinaryPairs& p) {
  return Decide(McNemarExactPValue(p.base_only, p.cand_only), kAlpha,
                static_cast<int64_t>(p.cand_only) - static_cast<int64_t>(p.base_only));
}

json::object ClassifierResult(bool right) {
  return {{"correct", right},
          {"score", right ? 1.0 : 0.0},
          {"fields",
           {{"classification",
             {{"expected", "Invoice"}, {"verdict", right ? "correct" : "incorrect"}, {"score", right ? 1.0 : 0.0}}}}}};
}

// A/A: both runs are the same system (a nondeterministic one: 21.65% of items change
// outcome between runs). Items are easy (right with p .95, 70%) or hard (p .5, 30%),
// each run drawn independently given the item. Exact McNemar is conservative, so the
// false verdict rate is expected below 5%: asserted <= 5% + 1.5 pp and reported.
TEST(DecisionSimulation, AAComparisonsRarelyClaimAChange) {
  const size_t kSims = 1000, kItems = 500, kEndToEnd = 40;
  Rng rng(0xA11CE);
  size_t false_verdicts = 0;
  for (size_t s = 0; s < kSims; ++s) {
    std::vector<std::array<bool, 2>> items;
    BinaryPairs p{kItems, 0, 0};
    for (size_t i = 0; i < kItems; ++i) {
      const double right = rng.Below(10) < 7 ? 0.95 : 0.5;
      auto draw = [&] { return static_cast<double>(rng.Next() >> 11) * 0x1.0p-53 < right; };
      std::array<bool, 2> o{draw(), draw()};
      p.base_only += o[0] && !o[1];
      p.cand_only += o[1] && !o[0];
      items.push_back(o);
    }
    Verdict v = ItemVerdict(p);
    false_verdicts += v != Verdict::kNoChange;
    if (s < kEndToEnd) {  // CompareRuns reaches the same verdict (few resamples: only the verdict is read)
      std::vector<ComparedItem> base, cand;
      for (size_t i = 0; i < kItems; ++i) {
        base.push_back({std::to_string(i), ClassifierResult(items[i][0])});
        cand.push_back({std::to_string(i), ClassifierResult(items[i][1])});
      }
      CompareOptions opts;
      opts.resamples = 20;
      json::object r = CompareRuns(Kind::kClassifier, base, cand, opts);
      EXPECT_EQ(r.at("verdict").as_string(), VerdictName(v)) << "simulation " << s;
      EXPECT_EQ(r.at("fields").at("Invoice").at("verdict").as_string(), VerdictName(v));
    }
  }
  const double rate = static_cast<double>(false_verdicts) / kSims;
  std::printf("A/A false improved|regressed rate at n=%zu over %zu comparisons: %.1f%%\n", kItems, kSims, 100 * rate);
  EXPECT_LE(rate, kAlpha + 0.015);
  EXPECT_GT(rate, 0.01);  // conservative, not blind
}

// Coverage of the exact paired bootstrap (fields, classes) at n = 500. Each sample has its
// own true table: baseline-only and candidate-only rates uniform in [3%, 12%], so the true
// delta ranges over [-9, 9] pp and falls between the interval's lattice points as a real
// difference does (on a lattice point exactly, the closed interval covers a bit more).
TEST(DecisionSimulation, ExactBootstrapCovers95Percent) {
  const size_t kSims = 1000, kItems = 500;
  Rng rng(0xC0FE);
  auto uniform = [&](double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(rng.Next() >> 11) * 0x1.0p-53;
  };
  size_t covered = 0;
  for (size_t s = 0; s < kSims; ++s) {
    const Joint j{0.7, uniform(0.03, 0.12), uniform(0.03, 0.12)};
    const double truth = j.cand_only - j.base_only;
    Interval ci = ExactPairedBootstrapDelta(DrawPairs(rng, j, kItems));
    covered += ci.low <= truth && truth <= ci.high;
  }
  const double coverage = static_cast<double>(covered) / kSims;
  std::printf("exact paired bootstrap: coverage %.1f%% over %zu samples of n=%zu\n", 100 * coverage, kSims, kItems);
  EXPECT_NEAR(coverage, 0.95, 0.015);
}

// Coverage of the Monte Carlo paired bootstrap of a ratio metric (extractor micro accuracy):
// items carry 3-6 labelled fields; 80% are easy, 20% hard, with different joint tables:
// baseline .8*.91 + .2*.5 = .828, candidate .8*.89 + .2*.4 = .792, true delta -3.6 pp.
// 1,000 resamples per interval here (the server uses 10,000) to keep the test fast.
TEST(DecisionSimulation, MonteCarloBootstrapCovers95Percent) {
  const size_t kSims = 1000, kItems = 500;
  const int kResamples = 1000;
  const Joint easy{0.85, 0.06, 0.04}, hard{0.3, 0.2, 0.1};
  const double truth = (0.8 * 0.89 + 0.2 * 0.4) - (0.8 * 0.91 + 0.2 * 0.5);
  Rng rng(0xB007);
  size_t covered = 0;
  for (size_t s = 0; s < kSims; ++s) {
    std::vector<PairedSample> items;
    for (size_t i = 0; i < kItems; ++i) {
      const Joint& j = rng.Below(10) < 8 ? easy : hard;
      const size_t fields = 3 + rng.Below(4);
      PairedSample x{0, static_cast<double>(fields), 0, static_cast<double>(fields)};
      for (size_t f = 0; f < fields; ++f) {
        auto o = Draw(rng, j);
        x.base_num += o[0];
        x.cand_num += o[1];
      }
      items.push_back(x);
    }
    Interval ci = PairedBootstrapDelta(items, kResamples, 1000 + s);
    covered += ci.low <= truth && truth <= ci.high;
  }
  const double coverage = static_cast<double>(covered) / kSims;
  std::printf("Monte Carlo paired bootstrap (%d resamples): coverage %.1f%% over %zu samples of n=%zu\n", kResamples,
              100 * coverage, kSims, kItems);
  EXPECT_NEAR(coverage, 0.95, 0.015);
}

// Power: a planted 5 pp drop at n = 1,000. The candidate loses 12.5% of items and gains
// 7.5% (20% of items change outcome, a noisy system): 87.5% -> 82.5%. Connor's
// approximation predicts 94% power. Also reported, not asserted: the hardest pairing,
// independent runs at 80% -> 75% (35% discordant; predicted about 75%).
TEST(DecisionSimulation, PlantedFivePointDropIsDetected) {
  const size_t kSims = 1000, kItems = 1000;
  Rng rng(0xD809);
  auto power = [&](const Joint& j) {
    size_t detected = 0;
    for (size_t s = 0; s < kSims; ++s) detected += ItemVerdict(DrawPairs(rng, j, kItems)) == Verdict::kRegressed;
    return static_cast<double>(detected) / kSims;
  };
  const double planted = power({0.75, 0.125, 0.075});
  const double independent = power({0.8 * 0.75, 0.8 * 0.25, 0.2 * 0.75});
  std::printf("planted 5 pp drop at n=%zu: detected %.1f%% (independent runs 80%%->75%%: %.1f%%)\n", kItems,
              100 * planted, 100 * independent);
  EXPECT_GE(planted, 0.80);
  EXPECT_GT(independent, 0.6);
}

// Holm over 20 fields with no true change: the chance that any field is called changed
// stays at or below alpha. Fields of an item share its difficulty (correlated tests, where
// Holm still holds). Without the adjustment the family-wise error is far above alpha.
TEST(DecisionSimulation, HolmKeepsFamilyWiseErrorBelowAlpha) {
  const size_t kSims = 1000, kItems = 500, kFields = 20;
  Rng rng(0x4011);
  size_t family_errors = 0, unadjusted_errors = 0;
  for (size_t s = 0; s < kSims; ++s) {
    std::vector<BinaryPairs> fields(kFields, BinaryPairs{kItems, 0, 0});
    for (size_t i = 0; i < kItems; ++i) {
      const double right = rng.Below(10) < 7 ? 0.95 : 0.6;
      for (auto& f : fields) {
        bool b = static_cast<double>(rng.Next() >> 11) * 0x1.0p-53 < right;
        bool c = static_cast<double>(rng.Next() >> 11) * 0x1.0p-53 < right;
        f.base_only += b && !c;
        f.cand_only += c && !b;
      }
    }
    std::vector<double> p;
    for (const auto& f : fields) p.push_back(McNemarExactPValue(f.base_only, f.cand_only));
    std::vector<double> adjusted = HolmAdjust(p);
    bool any = false, any_raw = false;
    for (size_t f = 0; f < kFields; ++f) {
      const int64_t dir = static_cast<int64_t>(fields[f].cand_only) - static_cast<int64_t>(fields[f].base_only);
      any = any || Decide(adjusted[f], kAlpha, dir) != Verdict::kNoChange;
      any_raw = any_raw || Decide(p[f], kAlpha, dir) != Verdict::kNoChange;
    }
    family_errors += any;
    unadjusted_errors += any_raw;
  }
  const double fwer = static_cast<double>(family_errors) / kSims, raw = static_cast<double>(unadjusted_errors) / kSims;
  std::printf("Holm over %zu null fields: family-wise error %.1f%% (unadjusted %.1f%%)\n", kFields, 100 * fwer,
              100 * raw);
  EXPECT_LE(fwer, kAlpha);
  EXPECT_GT(raw, 3 * kAlpha);
}

}  // namespace
}  // namespace goldset::eval
