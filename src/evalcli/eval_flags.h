// Flags of `goldset eval` (usage in eval_command.h). Parsing only: no file or network
// access. Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>

#include "eval/eval.h"

namespace goldset::evalcli {

enum class FailOn { kRegression, kFieldRegression, kNonInferiority, kNever };
const char* FailOnName(FailOn f);

struct Flags {
  // Folders mode: score --actual (and --baseline) against --expected.
  std::string config, expected, actual, baseline, kind;
  eval::Options options;
  // Server mode: runs stored on a Goldset server.
  std::string server, run, baseline_run;
  int wait_seconds = 0;  // how long to wait for unfinished runs
  // Both.
  std::string format = "table", out;
  std::optional<double> min_accuracy;
  eval::CompareOptions compare;
  std::optional<FailOn> fail_on;  // resolved: regression when a baseline is given, else unset
  bool help = false;

  bool server_mode() const { return !server.empty(); }
  bool has_baseline() const { return !baseline.empty() || !baseline_run.empty(); }
};

// argv[0] is "eval". Returns an error message (for stderr, then exit 2), empty on success.
std::string ParseFlags(int argc, char** argv, Flags* f);

}  // namespace goldset::evalcli
