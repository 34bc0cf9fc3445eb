// The JUnit XML report: one testcase per field (failed when its verdict is regressed)
// and one for the gate, so CI systems show the outcome natively.
#include <cstdio>

#include "evalcli/report.h"
#include "evalcli/report_format.h"

namespace goldset::evalcli {
namespace {

std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters besides tab, LF, CR.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
        else out += c;
    }
  }
  return out;
}

struct Case {
  std::string name, failure, type, out;
};

std::string Suite(const std::string& name, const std::vector<Case>& cases) {
  size_t failures = 0;
  for (const auto& c : cases) failures += !c.failure.empty();
  std::string s = "  <testsuite name=\"" + Xml(name) + "\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                  std::to_string(failures) + "\" errors=\"0\" skipped=\"0\" time=\"0\">\n";
  for (const auto& c : cases) {
    s += "    <testcase classname=\"" + Xml(name) + "\" name=\"" + Xml(c.name) + "\" time=\"0\">\n";
    if (!c.failure.empty()) s += "      <failure type=\"" + c.type + "\" message=\"" + Xml(c.failure) + "\"/>\n";
    if (!c.out.empty()) s += "      <system-out>" + Xml(c.out) + "</system-out>\n";
    s += "    </testcase>\n";
  }
  return s + "  </testsuite>\n";
}

}  // namespace

std::string RenderJunit(const Report& r) {
  std::vector<Case> fields;
  if (r.comparison) {
    for (const auto& [name, f] : SortedFields(*r.comparison)) {
      std::string verdict = GetString(*f, "verdict").value_or("no_change");
      std::string detail = verdict + ": " + Pct(Num(*f, "baseline")) + " -> " + Pct(Num(*f, "candidate")) + " (" +
                           SignedPp(Num(*f, "delta")) + ", 95% CI " + Interval(*f, "ci95") + ", Holm-adjusted p " +
                           (Num(*f, "pValueAdjusted") < 0.0001 ? "" : "= ") + PValue(Num(*f, "pValueAdjusted")) + ")";
      fields.push_back({name, verdict == "regressed" ? detail : "", "regressed", detail});
    }
  } else {
    Rows rows = MetricRows(r);
    for (const auto& row : rows.rows) {
      std::string out;
      for (size_t i = 1; i < row.size(); ++i) out += (i > 1 ? ", " : "") + rows.header[i] + " " + row[i];
      fields.push_back({row[0], "", "", out});
    }
  }
  std::vector<Case> gate;
  std::string summary = HeadlineLine(r) + (r.comparison ? ". " + VerdictSentence(*r.comparison) : std::string("."));
  std::string failure;
  for (size_t i = 0; i < r.gate.reasons.size(); ++i) failure += (i ? "; " : "") + r.gate.reasons[i];
  gate.push_back(
      {"gate", failure, "gate", summary + (r.gate.fail_on || r.gate.min_accuracy ? "\n" + GateLine(r.gate) : "")});
  size_t failures = !failure.empty();
  for (const auto& c : fields) failures += !c.failure.empty();
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"goldset eval\" tests=\"" +
         std::to_string(fields.size() + 1) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"0\" time=\"0\">\n" + Suite("goldset.fields", fields) + Suite("goldset.gate", gate) +
         "</testsuites>\n";
}

}  // namespace goldset::evalcli
