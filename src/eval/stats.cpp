#include "eval/stats.h"

#include <algorithm>
#include <cmath>

namespace goldset::eval {
double McNemarExactPValue(size_t b, size_t c) {
  size_t n = b + c;
  if (n == 0) return 1.0;
  size_t k = std::min(b, c);
  // Sum of binomial probabilities in log space to stay finite for large n.
  double log_half_n = static_cast<double>(n) * std::log(0.5);
  double sum = 0;
  for (size_t i = 0; i <= k; ++i) {
    double log_choose = std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(static_cast<double>(n - i) + 1.0);
    sum += std::exp(log_choose + log_half_n);
  }
  return std::min(1.0, 2 * sum);
}

Interval PairedBootstrapDelta(const std::vector<PairedSample>& items, int resamples, uint64_t seed) {
  if (items.empty() || resamples <= 0) return {0, 0};
  Rng rng(seed);
  const uint64_t n = items.size();
  std::vector<double> deltas;
  deltas.reserve(static_cast<size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    double bn = 0, bd = 0, cn = 0, cd = 0;
    for (uint64_t i = 0; i < n; ++i) {
      const PairedSample& s = items[rng.Below(n)];
      bn += s.base_num;
      bd += s.base_den;
      cn += s.cand_num;
      cd += s.cand_den;
    }
    double b = bd > 0 ? bn / bd : 0, c = cd > 0 ? cn / cd : 0;
    deltas.push_back(c - b);
  }
  std::sort(deltas.begin(), deltas.end());
  auto quantile = [&](double q) {
    double pos = q * static_cast<double>(deltas.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = std::min(lo + 1, deltas.size() - 1);
    return deltas[lo] + (pos - static_cast<double>(lo)) * (deltas[hi] - deltas[lo]);
  };
  return {quantile(0.025), quantile(0.975)};
}

}  // namespace goldset::eval
