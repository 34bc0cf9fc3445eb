// The markdown report: a pull-request comment (headline verdict, per-field table, the
// items that became wrong).
#include <cstdio>

#include "evalcli/report.h"
#include "evalcli/report_format.h"

namespace goldset::evalcli {
namespace {

constexpr size_t kListedItems = 50;

// Names come from files and schemas: escape what markdown would read as markup.
std::string Md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>|#~!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Numbers right-aligned, text (names, intervals, verdicts) left; a regression in bold.
std::string Table(const Rows& t) {
  auto left = [](const std::string& h) {
    return h == "field" || h == "classification" || h == "metric" || h == "95% CI" || h == "verdict";
  };
  std::string out = "|";
  for (const auto& h : t.header) out += " " + Md(h) + " |";
  out += "\n|";
  for (const auto& h : t.header) out += left(h) ? " :-- |" : " --: |";
  out += "\n";
  for (const auto& r : t.rows) {
    out += "|";
    for (const auto& cell : r) out += " " + (cell == "regressed" ? "**regressed**" : Md(cell)) + " |";
    out += "\n";
  }
  return out;
}

std::string ItemList(const json::object& c, const char* key, const char* title) {
  const json::value* v = c.if_contains(key);
  const size_t n = v && v->is_array() ? v->as_array().size() : 0;
  std::string out = "### " + std::string(title) + " (" + std::to_string(n) + ")\n\n";
  if (n == 0) return out + "None.\n";
  const json::array& items = v->as_array();
  for (size_t i = 0; i < n && i < kListedItems; ++i) {
    if (!items[i].is_object()) continue;
    const json::object& it = items[i].as_object();
    std::string fields = FieldList(it);
    out += "- " + Md(GetString(it, "evaluationSetItemId").value_or("?")) + (fields.empty() ? "" : ": " + Md(fields)) +
           "\n";
  }
  if (n > kListedItems) out += "- and " + std::to_string(n - kListedItems) + " more\n";
  return out;
}

}  // namespace

std::string RenderMarkdown(const Report& r) {
  std::string status;
  if (r.comparison) status = GetString(*r.comparison, "verdict").value_or("no_change");
  if (status == "no_change") status = "no significant change";
  if (r.gate.fail_on || r.gate.min_accuracy)
    status += std::string(status.empty() ? "" : ", ") + (r.gate.passed ? "gate passed" : "gate failed");
  std::string out = "## Goldset evaluation" + (status.empty() ? std::string() : ": " + status) + "\n\n";
  if (r.comparison) {
    const json::object& c = *r.comparison;
    out += "**" + VerdictSentence(c) + "**\n\n";
    if (r.gate.fail_on || r.gate.min_accuracy) out += Md(GateLine(r.gate)) + "\n\n";
    Rows rows = ComparisonRows(c);
    out += rows.rows.empty() ? std::string("No per-field outcomes to compare.\n") : Table(rows);
    out += "\n" + ItemList(c, "newlyIncorrect", "Newly incorrect items") + "\n" +
           ItemList(c, "newlyCorrect", "Newly correct items");
    out += "\n" + PowerSentence(c) + " " + NonInferioritySentence(c) + "\n\n";
    out += "<sub>Paired bootstrap 95% intervals, exact McNemar tests, Holm-adjusted across fields. " +
           Md(HeadlineLine(r)) + ".</sub>\n";
    return out;
  }
  out += "**" + Md(HeadlineLine(r)) + ".**\n\n";
  if (r.gate.fail_on || r.gate.min_accuracy) out += Md(GateLine(r.gate)) + "\n\n";
  out += Table(MetricRows(r));
  return out;
}

}  // namespace goldset::evalcli
