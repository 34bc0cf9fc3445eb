// Folders mode of `goldset eval`: the config and expected outputs read and validated
// once, then any number of actual-output folders (the candidate, the baseline) scored
// against them. Files pair by name (NAME.json). Not thread-safe (reports progress on
// stderr).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/json.h"
#include "eval/eval.h"
#include "evalcli/eval_flags.h"
#include "evalcli/progress.h"
#include "evalcli/report.h"

namespace goldset::evalcli {

struct ExpectedSet {
  eval::Kind kind = eval::Kind::kExtractor;
  json::object config;
  eval::Options options;
  std::map<std::string, json::value> expected;  // NAME -> validated expected output
  std::string expected_dir;
};

// Reads --config and --expected. InvalidArgument with the message for stderr (exit 2).
StatusOr<ExpectedSet> LoadExpected(const Flags& flags);

struct ScoredFolder {
  json::object metrics;                    // EvaluationSetRunMetrics part + numFilesTotal/Processed/Failed
  json::array items;                       // [{name, result} | {name, failed: true, error?}] in name order
  std::vector<eval::ComparedItem> scored;  // item_id = NAME, for CompareRuns
};

// Scores `dir` against the expected set. Every NAME.json must be in both folders
// (InvalidArgument naming the unpaired files). An actual output that is a failed run,
// or an item over a limit, counts as failed.
StatusOr<ScoredFolder> ScoreFolder(const ExpectedSet& set, const std::string& dir, Progress* progress);

// The whole folders mode: --actual scored, and with --baseline compared (item ids are the
// file NAMEs), then gated.
StatusOr<Report> ReportFromFolders(const Flags& flags);

}  // namespace goldset::evalcli
