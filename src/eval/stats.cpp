// Tests, intervals and multiplicity (stats.h); the bootstraps are in bootstrap.cpp and
// the power analysis in power.cpp.
#include "eval/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

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

Interval WilsonInterval(size_t successes, size_t n) {
  if (n == 0) return {0, 1};
  constexpr double z = 1.959963984540054;  // NormalQuantile(0.975)
  const double nn = static_cast<double>(n), p = static_cast<double>(successes) / nn;
  const double denom = 1 + z * z / nn;
  const double center = (p + z * z / (2 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
  // At p = 0 or 1 the bound is exactly 0 or 1 (rounding would leave it a hair off).
  return {successes == 0 ? 0.0 : std::max(0.0, center - half), successes == n ? 1.0 : std::min(1.0, center + half)};
}

std::vector<double> HolmAdjust(const std::vector<double>& p_values) {
  const size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  // Stable: equal p-values keep their input order, so the result does not depend on sort internals.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(m);
  double running = 0;
  for (size_t rank = 0; rank < m; ++rank) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - rank) * p_values[order[rank]]));
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

double NormalQuantile(double p) {
  // Phi(x) = erfc(-x / sqrt 2) / 2 is monotone; 200 halvings of [-40, 40] reach the
  // nearest double. Called a few times per comparison, so speed does not matter.
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && lo < hi; ++i) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

PairedTest TestPairs(const BinaryPairs& pairs) {
  PairedTest t;
  if (pairs.n == 0) return t;
  t.delta =
      (static_cast<double>(pairs.cand_only) - static_cast<double>(pairs.base_only)) / static_cast<double>(pairs.n);
  t.ci95 = ExactPairedBootstrapDelta(pairs);
  t.p_value = McNemarExactPValue(pairs.base_only, pairs.cand_only);
  return t;
}

Verdict Decide(double p_value, double alpha, int64_t direction) {
  if (direction == 0 || !(p_value < alpha)) return Verdict::kNoChange;
  return direction > 0 ? Verdict::kImproved : Verdict::kRegressed;
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kImproved: return "improved";
    case Verdict::kRegressed: return "regressed";
    case Verdict::kNoChange: break;
  }
  return "no_change";
}

}  // namespace goldset::eval
