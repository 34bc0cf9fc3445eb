// ResultsSummary (eval.h): accuracies of one run with Wilson intervals.
#include "eval/eval.h"
#include "eval/outcomes.h"
#include "eval/stats.h"

namespace goldset::eval {
void ResultsSummary::Add(const json::object& item_result) {
  ++items_.n;
  items_.right += ItemCorrect(item_result);
  for (const auto& [name, right] : UnitOutcomes(kind_, item_result)) {
    Count& c = units_[name];
    ++c.n;
    c.right += right;
  }
}

json::object ResultsSummary::Build() const {
  auto accuracy = [](const Count& c) {
    json::object o{{"numItems", c.n}, {"numCorrect", c.right}};
    if (c.n > 0) o["accuracy"] = static_cast<double>(c.right) / static_cast<double>(c.n);
    Interval w = WilsonInterval(c.right, c.n);
    o["ci95"] = {{"low", w.low}, {"high", w.high}};
    return o;
  };
  json::object fields;
  for (const auto& [name, c] : units_) fields[name] = accuracy(c);
  return {{"type", MetricsTypeName(kind_)}, {"itemAccuracy", accuracy(items_)}, {"fields", std::move(fields)}};
}

}  // namespace goldset::eval
