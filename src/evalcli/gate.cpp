#include "evalcli/gate.h"

#include <cstdio>

#include "evalcli/report_format.h"

namespace goldset::evalcli {
namespace {

std::string Fixed4(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", x);
  return buf;
}

bool Is(const json::object& o, const char* key, const char* value) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() && v->as_string() == value;
}

}  // namespace

Gate EvaluateGate(eval::Kind kind, const json::object& metrics, const json::object* comparison,
                  std::optional<FailOn> fail_on, std::optional<double> min_accuracy) {
  Gate g;
  g.fail_on = fail_on;
  g.min_accuracy = min_accuracy;
  const char* headline = kind == eval::Kind::kSplitter ? "f1" : "accuracy";
  if (min_accuracy) {
    const json::value* acc = metrics.if_contains(headline);
    if (!acc || !acc->is_number()) {
      g.reasons.push_back(std::string(headline) + " n/a is below --min-accuracy " + Fixed4(*min_accuracy));
    } else if (acc->to_number<double>() < *min_accuracy) {
      g.reasons.push_back(std::string(headline) + " " + Fixed4(acc->to_number<double>()) + " is below --min-accuracy " +
                          Fixed4(*min_accuracy));
    }
  }
  if (fail_on && *fail_on != FailOn::kNever && comparison) {
    const json::object& c = *comparison;
    if ((*fail_on == FailOn::kRegression || *fail_on == FailOn::kFieldRegression) && Is(c, "verdict", "regressed")) {
      g.reasons.push_back("the overall verdict is regressed (" + SignedPp(Num(c, "delta")) + ", McNemar p " +
                          (Num(c, "pValue") < 0.0001 ? "" : "= ") + PValue(Num(c, "pValue")) + ")");
    }
    if (*fail_on == FailOn::kFieldRegression) {
      for (const auto& [name, f] : SortedFields(c)) {
        if (!Is(*f, "verdict", "regressed")) continue;
        g.reasons.push_back("field " + name + " regressed (" + SignedPp(Num(*f, "delta")) + ", Holm-adjusted p " +
                            (Num(*f, "pValueAdjusted") < 0.0001 ? "" : "= ") + PValue(Num(*f, "pValueAdjusted")) + ")");
      }
    }
    if (*fail_on == FailOn::kNonInferiority) {
      const json::value* ni = c.if_contains("nonInferior");
      if (!ni || !ni->is_bool() || !ni->as_bool())
        g.reasons.push_back("not shown non-inferior: " + NonInferioritySentence(c));
    }
  }
  g.passed = g.reasons.empty();
  return g;
}

json::object GateJson(const Gate& gate) {
  json::array reasons;
  for (const auto& r : gate.reasons) reasons.emplace_back(r);
  return {{"failOn", gate.fail_on ? json::value(FailOnName(*gate.fail_on)) : json::value(nullptr)},
          {"minAccuracy", gate.min_accuracy ? json::value(*gate.min_accuracy) : json::value(nullptr)},
          {"passed", gate.passed},
          {"reasons", std::move(reasons)}};
}

}  // namespace goldset::evalcli
