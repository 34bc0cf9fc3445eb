// Power of McNemar's test (stats.h): items needed for an effect, and the smallest effect
// a number of items detects.
#include <algorithm>
#include <cmath>

#include "eval/stats.h"

namespace goldset::eval {
namespace {

// Connor (1987), with the discordance rate floored at the effect (see stats.h).
double ItemsNeededZ(double effect, double discordance, double z_alpha, double z_power) {
  const double e = std::fabs(effect), psi = std::max(discordance, e);
  const double root = z_alpha * std::sqrt(psi) + z_power * std::sqrt(std::max(0.0, psi - e * e));
  return root * root / (e * e);
}

}  // namespace

double McNemarItemsNeeded(double effect, double discordance, double alpha, double power) {
  return ItemsNeededZ(effect, discordance, NormalQuantile(1 - alpha / 2), NormalQuantile(power));
}

std::optional<double> McNemarMinimumDetectableEffect(size_t n, double discordance, double alpha, double power) {
  const double z_alpha = NormalQuantile(1 - alpha / 2), z_power = NormalQuantile(power);
  const double items = static_cast<double>(n);
  if (n == 0 || ItemsNeededZ(1.0, discordance, z_alpha, z_power) > items) return std::nullopt;
  // ItemsNeeded decreases in the effect: halve [lo, hi] keeping needed(hi) <= n < needed(lo).
  double lo = 0, hi = 1;
  for (int i = 0; i < 200; ++i) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (ItemsNeededZ(mid, discordance, z_alpha, z_power) <= items) hi = mid;
    else lo = mid;
  }
  return hi;
}

}  // namespace goldset::eval
