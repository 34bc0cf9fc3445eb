// The outputs of `goldset eval`: table, csv, json, markdown and junit, rendered from one
// Report. Pure: the same Report gives the same bytes (fixed number formats, no clock).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "eval/eval.h"
#include "evalcli/gate.h"

namespace goldset::evalcli {

struct Report {
  eval::Kind kind = eval::Kind::kExtractor;
  json::object metrics;              // the candidate's EvaluationSetRunMetrics (part)
  std::optional<json::array> items;  // folders mode: per-file results
  std::optional<json::object> baseline_metrics;
  std::optional<json::object> comparison;  // eval::CompareRuns' object (or the server's)
  std::optional<json::object> analysis;    // extractors: eval::RunAnalysis (or the server's /analysis)
  Gate gate;
};

// REQUIRES: format is table, csv, json, markdown or junit.
std::string Render(const Report& report, const std::string& format);

// Pieces shared by the renderers (report.cpp).
struct Rows {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
Rows MetricRows(const Report& report);                // per field / class / split metric
Rows ComparisonRows(const json::object& comparison);  // per field, regressions first
std::string HeadlineLine(const Report& report);       // "Overall accuracy: 0.7500 over 2 files (0 failed)"
std::string GateLine(const Gate& gate);               // "Gate (--fail-on regression): passed."
std::string RenderMarkdown(const Report& report);
std::string RenderJunit(const Report& report);

}  // namespace goldset::evalcli
