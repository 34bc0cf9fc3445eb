// The CI gate of `goldset eval`: --min-accuracy and --fail-on applied to a run's metrics
// and, with a baseline, to its comparison (eval::CompareRuns' object). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "eval/eval.h"
#include "evalcli/eval_flags.h"

namespace goldset::evalcli {

struct Gate {
  std::optional<FailOn> fail_on;  // unset without a baseline
  std::optional<double> min_accuracy;
  bool passed = true;
  std::vector<std::string> reasons;  // why it failed, one sentence each
};

// Fails when the headline metric (split: f1, else accuracy) is missing or below
// min_accuracy, and per fail_on: regression -> the overall verdict is regressed;
// field-regression -> it or any field's (Holm-adjusted) verdict is regressed;
// non-inferiority -> nonInferior is false; never -> not on the comparison.
// REQUIRES: comparison != nullptr when fail_on is set.
Gate EvaluateGate(eval::Kind kind, const json::object& metrics, const json::object* comparison,
                  std::optional<FailOn> fail_on, std::optional<double> min_accuracy);

json::object GateJson(const Gate& gate);

}  // namespace goldset::evalcli
