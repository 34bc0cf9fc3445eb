// Table, csv and json reports; the shared rows and lines (report.h).
#include "evalcli/report.h"

#include <algorithm>
#include <cstdio>

#include "evalcli/report_format.h"

namespace goldset::evalcli {
namespace {

using eval::Kind;

std::string Fmt(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_number()) return "-";
  char buf[32];
  if (v->is_double()) std::snprintf(buf, sizeof(buf), "%.4f", v->as_double());
  else std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(v->to_number<double>()));
  return buf;
}

const json::object& ObjectAt(const json::object& o, const char* key) {
  static const json::object kEmpty;
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : kEmpty;
}

std::string Csv(const Rows& t) {
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      std::string cell = r[i];
      if (cell.find_first_of(",\"\n") != std::string::npos) {
        std::string q = "\"";
        for (char c : cell) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        cell = q + "\"";
      }
      out += (i ? "," : "") + cell;
    }
    out += "\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
  return out;
}

std::string Aligned(const Rows& t) {
  std::vector<size_t> width(t.header.size());
  for (size_t i = 0; i < t.header.size(); ++i) width[i] = t.header[i].size();
  for (const auto& r : t.rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    std::string l;
    for (size_t i = 0; i < r.size(); ++i) l += (i ? "  " : "") + r[i] + std::string(width[i] - r[i].size(), ' ');
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
  return out;
}

// "invoice-1 (total), invoice-2 (invoice_date)" for at most `limit` items.
std::string ItemsText(const json::object& c, const char* key, size_t limit) {
  const json::value* v = c.if_contains(key);
  if (!v || !v->is_array() || v->as_array().empty()) return "none";
  const json::array& items = v->as_array();
  std::string out;
  for (size_t i = 0; i < items.size() && i < limit; ++i) {
    if (!items[i].is_object()) continue;
    const json::object& it = items[i].as_object();
    std::string fields = FieldList(it);
    out += (out.empty() ? "" : ", ") + std::string(GetString(it, "evaluationSetItemId").value_or("?")) +
           (fields.empty() ? "" : " (" + fields + ")");
  }
  if (items.size() > limit) out += ", and " + std::to_string(items.size() - limit) + " more";
  return out;
}

// ANLS*, the error categories per field and, where confidences exist, calibration.
std::string AnalysisText(const json::object& a) {
  std::string out = "\nANLS*: " + Fmt(ObjectAt(a, "anlsStar"), "score") + "\n\nErrors by category:\n";
  Rows errors;
  errors.header = {"field", "correct", "missing", "hallucinated", "formatOnly", "nearMiss", "wrongValue"};
  for (const auto& kv : ObjectAt(a, "errors")) {
    if (!kv.value().is_object()) continue;
    const json::object& e = kv.value().as_object();
    errors.rows.push_back({std::string(kv.key()), Fmt(e, "correct"), Fmt(e, "missing"), Fmt(e, "hallucinated"),
                           Fmt(e, "formatOnly"), Fmt(e, "nearMiss"), Fmt(e, "wrongValue")});
  }
  out += Aligned(errors);
  if (!ObjectAt(a, "calibration").empty()) {
    Rows cal;
    cal.header = {"field", "numFields", "ece", "brier", "auroc", "threshold", "coverage"};
    for (const auto& kv : ObjectAt(a, "calibration")) {
      if (!kv.value().is_object()) continue;
      const json::object& c = kv.value().as_object();
      const json::object& t = ObjectAt(c, "recommendedThreshold");
      cal.rows.push_back({std::string(kv.key()), Fmt(c, "numFields"), Fmt(c, "ece"), Fmt(c, "brier"), Fmt(c, "auroc"),
                          Fmt(t, "threshold"), Fmt(t, "coverage")});
    }
    out += "\nCalibration:\n" + Aligned(cal);
  }
  return out;
}

std::string Table(const Report& r) {
  std::string out = Aligned(MetricRows(r)) + "\n" + HeadlineLine(r) + "\n";
  if (r.analysis) out += AnalysisText(*r.analysis);
  if (r.comparison) {
    const json::object& c = *r.comparison;
    const size_t n_wrong = c.contains("newlyIncorrect") && c.at("newlyIncorrect").is_array()
                               ? c.at("newlyIncorrect").as_array().size()
                               : 0;
    const size_t n_right =
        c.contains("newlyCorrect") && c.at("newlyCorrect").is_array() ? c.at("newlyCorrect").as_array().size() : 0;
    out += "\nCompared with the baseline:\n" + VerdictSentence(c) + "\n\n" + Aligned(ComparisonRows(c)) + "\n";
    out += "Newly incorrect (" + std::to_string(n_wrong) + "): " + ItemsText(c, "newlyIncorrect", 20) + "\n";
    out += "Newly correct (" + std::to_string(n_right) + "): " + ItemsText(c, "newlyCorrect", 20) + "\n";
    out += PowerSentence(c) + "\n" + NonInferioritySentence(c) + "\n";
  }
  if (r.gate.fail_on || r.gate.min_accuracy) out += GateLine(r.gate) + "\n";
  return out;
}

}  // namespace

Rows MetricRows(const Report& r) {
  Rows t;
  const json::object& m = r.metrics;
  if (r.kind == Kind::kExtractor) {
    t.header = {"field",    "countTotal", "countExpected", "countPresent", "countAccurate",
                "accuracy", "score",      "precision",     "recall"};
    for (const auto& kv : ObjectAt(m, "fieldMetrics")) {
      if (!kv.value().is_object()) continue;
      const json::object& f = kv.value().as_object();
      t.rows.push_back({std::string(kv.key()), Fmt(f, "countTotal"), Fmt(f, "countExpected"), Fmt(f, "countPresent"),
                        Fmt(f, "countAccurate"), Fmt(f, "accuracy"), Fmt(f, "score"), Fmt(f, "precision"),
                        Fmt(f, "recall")});
    }
  } else if (r.kind == Kind::kClassifier) {
    t.header = {"classification", "countExpected", "countPredicted", "countCorrect", "precision", "recall", "f1"};
    for (const auto& kv : ObjectAt(m, "classificationMetrics")) {
      if (!kv.value().is_object()) continue;
      const json::object& f = kv.value().as_object();
      t.rows.push_back({std::string(kv.key()), Fmt(f, "countExpected"), Fmt(f, "countPredicted"),
                        Fmt(f, "countCorrect"), Fmt(f, "precision"), Fmt(f, "recall"), Fmt(f, "f1")});
    }
  } else {
    t.header = {"metric", "value"};
    for (const char* k :
         {"numSplitsExpected", "numSplitsPredicted", "numSplitsCorrect", "precision", "recall", "f1", "pageAccuracy"}) {
      t.rows.push_back({k, Fmt(m, k)});
    }
  }
  return t;
}

Rows ComparisonRows(const json::object& c) {
  Rows t;
  t.header = {"field", "items", "baseline", "candidate", "change", "95% CI", "p", "p (Holm)", "verdict"};
  for (const auto& [name, f] : SortedFields(c)) {
    t.rows.push_back({name, std::to_string(static_cast<uint64_t>(Num(*f, "numItems"))), Pct(Num(*f, "baseline")),
                      Pct(Num(*f, "candidate")), SignedPp(Num(*f, "delta")), Interval(*f, "ci95"),
                      PValue(Num(*f, "pValue")), PValue(Num(*f, "pValueAdjusted")),
                      GetString(*f, "verdict").value_or("no_change")});
  }
  return t;
}

std::string HeadlineLine(const Report& r) {
  const char* key = r.kind == Kind::kSplitter ? "f1" : "accuracy";
  const json::value* acc = r.metrics.if_contains(key);
  char value[32] = "n/a";
  if (acc && acc->is_number()) std::snprintf(value, sizeof(value), "%.4f", acc->to_number<double>());
  char line[160];
  std::snprintf(line, sizeof(line), "%s: %s over %llu files (%llu failed)",
                r.kind == Kind::kSplitter ? "Split F1" : "Overall accuracy", value,
                static_cast<unsigned long long>(Num(r.metrics, "numFilesTotal")),
                static_cast<unsigned long long>(Num(r.metrics, "numFilesFailed")));
  return line;
}

std::string GateLine(const Gate& g) {
  std::string rule;
  if (g.fail_on) rule = std::string("--fail-on ") + FailOnName(*g.fail_on);
  if (g.min_accuracy) {
    char buf[48];
    std::snprintf(buf, sizeof(buf), "--min-accuracy %.4f", *g.min_accuracy);
    rule += (rule.empty() ? "" : ", ") + std::string(buf);
  }
  std::string out = "Gate (" + rule + "): " + (g.passed ? "passed." : "failed: ");
  for (size_t i = 0; i < g.reasons.size(); ++i) out += (i ? "; " : "") + g.reasons[i];
  if (!g.passed) out += ".";
  return out;
}

std::string Render(const Report& r, const std::string& format) {
  if (format == "csv") return Csv(MetricRows(r));
  if (format == "markdown") return RenderMarkdown(r);
  if (format == "junit") return RenderJunit(r);
  if (format == "json") {
    json::object o{{"metrics", r.metrics}};
    if (r.items) o["items"] = *r.items;
    if (r.baseline_metrics) o["baselineMetrics"] = *r.baseline_metrics;
    if (r.comparison) o["comparison"] = *r.comparison;
    if (r.analysis) o["analysis"] = *r.analysis;
    o["gate"] = GateJson(r.gate);
    return json::serialize(o) + "\n";
  }
  return Table(r);
}

}  // namespace goldset::evalcli
