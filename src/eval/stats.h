// Statistics for run comparison: a seeded PRNG, the exact McNemar test and a paired
// bootstrap of a ratio-of-sums metric. Deterministic for a given seed; pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/rng.h"

namespace goldset::eval {

// Rng (common/rng.h) is the seeded PRNG used here.

// Exact two-sided McNemar p-value: b and c are the discordant pair counts;
// p = min(1, 2 * P(X <= min(b,c))), X ~ Binomial(b + c, 1/2). b + c == 0 -> 1.
double McNemarExactPValue(size_t b, size_t c);

// Per item, a metric contribution numerator/denominator (e.g. sum of field scores and
// number of scored fields); the metric over a set of items is sum(num) / sum(den).
struct PairedSample {
  double base_num, base_den, cand_num, cand_den;
};
struct Interval {
  double low, high;
};
// 95% percentile interval of (candidate metric - baseline metric) over `resamples`
// resamples of items with replacement. Empty input -> {0, 0}.
Interval PairedBootstrapDelta(const std::vector<PairedSample>& items, int resamples, uint64_t seed);

}  // namespace goldset::eval
