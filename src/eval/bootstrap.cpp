// Paired bootstraps of an accuracy difference (stats.h): Monte Carlo for ratio metrics,
// exact for paired binary outcomes.
#include <algorithm>
#include <cmath>

#include "eval/stats.h"

namespace goldset::eval {
namespace {

// Binomial(n, p) probabilities on [lo, lo + p.size()): the mode and every value down to
// 1e-18 of it on each side. The distribution is log-concave, so what is left out sums to
// less than about 1e-16 of the whole.
struct Pmf {
  size_t lo = 0;
  std::vector<double> p;
};

void BinomialPmf(size_t n, double prob, Pmf* out) {
  out->p.clear();
  if (prob <= 0 || prob >= 1 || n == 0) {
    out->lo = prob >= 1 ? n : 0;
    out->p.push_back(1.0);
    return;
  }
  const double nn = static_cast<double>(n);
  const size_t mode = std::min(n, static_cast<size_t>(std::floor((nn + 1) * prob)));
  const double m = static_cast<double>(mode);
  const double at_mode = std::exp(std::lgamma(nn + 1) - std::lgamma(m + 1) - std::lgamma(nn - m + 1) +
                                  m * std::log(prob) + (nn - m) * std::log1p(-prob));
  const double odds = prob / (1 - prob), floor_value = at_mode * 1e-18;
  size_t below = 0;
  double v = at_mode;
  for (size_t k = mode; k > 0; --k) {  // P(k-1) = P(k) * k / (n - k + 1) / odds
    v *= static_cast<double>(k) / (nn - static_cast<double>(k) + 1) / odds;
    if (v < floor_value) break;
    ++below;
  }
  out->lo = mode - below;
  out->p.resize(below + 1);
  out->p[below] = at_mode;
  v = at_mode;
  for (size_t i = below; i > 0; --i) {
    size_t k = out->lo + i;
    v *= static_cast<double>(k) / (nn - static_cast<double>(k) + 1) / odds;
    out->p[i - 1] = v;
  }
  v = at_mode;
  for (size_t k = mode; k < n; ++k) {  // P(k+1) = P(k) * (n - k) / (k + 1) * odds
    v *= (nn - static_cast<double>(k)) / (static_cast<double>(k) + 1) * odds;
    if (v < floor_value) break;
    out->p.push_back(v);
  }
}

}  // namespace

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

Interval ExactPairedBootstrapDelta(const BinaryPairs& pairs) {
  const size_t discordant = pairs.base_only + pairs.cand_only;
  if (pairs.n == 0 || discordant == 0) return {0, 0};
  // A resample of n items draws D ~ Binomial(n, discordant/n) discordant pairs, of which
  // C ~ Binomial(D, cand_only/discordant) favour the candidate: delta = (2C - D) / n.
  Pmf outer, inner;
  BinomialPmf(pairs.n, static_cast<double>(discordant) / static_cast<double>(pairs.n), &outer);
  const size_t d_max = outer.lo + outer.p.size() - 1;
  std::vector<double> mass(2 * d_max + 1, 0.0);  // mass[k + d_max] = P(2C - D = k)
  const double q = static_cast<double>(pairs.cand_only) / static_cast<double>(discordant);
  for (size_t i = 0; i < outer.p.size(); ++i) {
    const size_t d = outer.lo + i;
    BinomialPmf(d, q, &inner);
    for (size_t j = 0; j < inner.p.size(); ++j) mass[2 * (inner.lo + j) + d_max - d] += outer.p[i] * inner.p[j];
  }
  double total = 0;
  for (double m : mass) total += m;
  auto quantile = [&](double level) {
    // The smallest k whose cumulative probability reaches the level (a relative 1e-12
    // slack absorbs rounding when a cumulative sum lands on the level exactly).
    double cumulative = 0;
    for (size_t k = 0; k < mass.size(); ++k) {
      cumulative += mass[k];
      if (cumulative >= (level - 1e-12) * total)
        return (static_cast<double>(k) - static_cast<double>(d_max)) / static_cast<double>(pairs.n);
    }
    return static_cast<double>(d_max) / static_cast<double>(pairs.n);
  };
  return {quantile(0.025), quantile(0.975)};
}

}  // namespace goldset::eval
