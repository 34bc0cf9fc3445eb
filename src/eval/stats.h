// Statistics for run comparison (docs/decisions.md §3; docs/evaluation.md § Compare): tests,
// intervals, multiplicity, power. Pure and deterministic: the Monte Carlo bootstrap takes
// its seed, everything else is exact arithmetic. Shared by the server and `goldset eval`.
// Thread-safety: every function is reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/rng.h"

namespace goldset::eval {

// Rng (common/rng.h) is the seeded PRNG used here.

struct Interval {
  double low, high;
};

// Exact two-sided McNemar p-value: b and c are the discordant pair counts;
// p = min(1, 2 * P(X <= min(b,c))), X ~ Binomial(b + c, 1/2). b + c == 0 -> 1.
double McNemarExactPValue(size_t b, size_t c);

// Wilson score interval of successes/n at 95% (z = 1.959963984540054).
// n == 0 -> {0, 1}. REQUIRES: successes <= n.
Interval WilsonInterval(size_t successes, size_t n);

// Holm's step-down adjustment: the i-th p-value sorted ascending (1-based) becomes
// max over j <= i of min(1, (m - j + 1) * p_(j)). Returned in the input's order.
// Rejecting where the adjusted value is < alpha keeps the family-wise error <= alpha.
std::vector<double> HolmAdjust(const std::vector<double>& p_values);

// Inverse of the standard normal CDF, to double precision (bisection on erfc).
// REQUIRES: 0 < p < 1.
double NormalQuantile(double p);

// Per item, a metric contribution numerator/denominator (e.g. sum of field scores and
// number of scored fields); the metric over a set of items is sum(num) / sum(den).
struct PairedSample {
  double base_num, base_den, cand_num, cand_den;
};
// 95% percentile interval of (candidate metric - baseline metric) over `resamples`
// resamples of items with replacement (quantiles interpolated between order statistics).
// Empty input -> {0, 0}. Cost: resamples * items.size() draws.
Interval PairedBootstrapDelta(const std::vector<PairedSample>& items, int resamples, uint64_t seed);

// Paired binary outcomes (one per item): n pairs, of which `base_only` are right in the
// baseline only and `cand_only` in the candidate only. REQUIRES: base_only + cand_only <= n.
struct BinaryPairs {
  size_t n = 0, base_only = 0, cand_only = 0;
};
// The paired bootstrap of the difference of the two proportions, computed exactly (as if
// with infinitely many resamples, so no seed): a resample's delta is (C - B) / n with
// (B, C) multinomial over the observed pair frequencies. The interval's ends are the
// smallest deltas whose cumulative probability reaches 2.5% and 97.5%. n == 0 or no
// discordant pair -> {0, 0}. Cost: O(base_only + cand_only), at most about 150 multiply-
// adds per discordant pair (the two binomials' supports within 1e-18 of their modes).
Interval ExactPairedBootstrapDelta(const BinaryPairs& pairs);

// Paired binary outcomes tested: delta = (cand_only - base_only) / n, its exact bootstrap
// interval and the exact McNemar p-value. n == 0 -> delta 0, {0, 0}, p 1.
struct PairedTest {
  double delta = 0;
  Interval ci95{0, 0};
  double p_value = 1;
};
PairedTest TestPairs(const BinaryPairs& pairs);

// Power of McNemar's test, by the normal approximation of Connor (1987): with discordance
// rate psi (share of discordant pairs) and a true difference `effect` between the two
// proportions, n = (z_{1-alpha/2} sqrt(psi) + z_{power} sqrt(psi - effect^2))^2 / effect^2.
// A true difference implies psi >= |effect|, so psi is taken as max(discordance, |effect|).
// REQUIRES: 0 < |effect| <= 1, 0 <= discordance <= 1, 0 < alpha < 1, 0 < power < 1.
double McNemarItemsNeeded(double effect, double discordance, double alpha, double power);
// The smallest effect in (0, 1] that n pairs detect with that power: the effect where
// McNemarItemsNeeded equals n (it decreases in the effect). nullopt when even an effect
// of 1 needs more than n pairs (n < 4 at alpha 0.05).
std::optional<double> McNemarMinimumDetectableEffect(size_t n, double discordance, double alpha, double power);

// improved | regressed | no_change: a change in `direction` (candidate-only minus
// baseline-only outcomes) that is significant, p_value < alpha.
enum class Verdict { kNoChange, kImproved, kRegressed };
Verdict Decide(double p_value, double alpha, int64_t direction);
const char* VerdictName(Verdict v);

}  // namespace goldset::eval
