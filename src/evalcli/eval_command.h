// `goldset eval`: offline scoring of a folder of expected outputs against a folder of
// processor outputs, for CI gates (DESIGN.md section 1).
//
//   goldset eval --config CONFIG.json --expected DIR --actual DIR
//                [--kind extract|classify|split] [--fuzzy PATHS] [--exclude PATHS]
//                [--fuzzy-threshold X] [--min-accuracy X] [--format table|json|csv]
//
// Files pair by name (NAME.json in both folders). Exit codes: 0 ok, 1 accuracy below
// --min-accuracy, 2 bad input (usage, missing folder, bad JSON, invalid config or
// expected output, unpaired files). Results go to stdout, diagnostics to stderr.
#pragma once

namespace goldset::evalcli {

// argv[0] is "eval". Not thread-safe (writes to stdout/stderr).
int RunEvalCommand(int argc, char** argv);

}  // namespace goldset::evalcli
