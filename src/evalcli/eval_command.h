// `goldset eval`: offline scoring of a folder of expected outputs against a folder of
// processor outputs, and the CI gate of a change (docs/decisions.md §1; docs/ci.md).
//
//   goldset eval --config CONFIG.json --expected DIR --actual DIR [--baseline DIR]
//                [--kind extract|classify|split] [--fuzzy PATHS] [--exclude PATHS]
//                [--fuzzy-threshold X] [--max-array-rows N]
//                [--alpha A] [--margin M] [--effect E]
//                [--fail-on regression|field-regression|non-inferiority|never]
//                [--min-accuracy X] [--format table|json|csv|markdown|junit] [--out FILE]
//   goldset eval --server URL --run ID [--baseline-run ID] [--wait SECONDS] [same gate
//                and output flags]                       (key in GOLDSET_API_KEY)
//
// Files pair by name (NAME.json in every folder). With a baseline the two outputs are
// compared with eval::CompareRuns (or the server's compare endpoint, the same code).
// Exit codes: 0 ok, 1 the gate failed (--min-accuracy, --fail-on; default regression
// with a baseline), 2 bad input (usage, missing folder, bad JSON, invalid config or
// expected output, unpaired files, server errors). Reports go to stdout (or --out),
// diagnostics to stderr, a progress bar to stderr only when it is a terminal. The same
// inputs give byte-identical reports.
#pragma once

namespace goldset::evalcli {

// argv[0] is "eval". Not thread-safe (writes to stdout/stderr).
int RunEvalCommand(int argc, char** argv);

}  // namespace goldset::evalcli
