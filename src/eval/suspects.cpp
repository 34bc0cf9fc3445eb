#include "eval/suspects.h"

#include <algorithm>
#include <cmath>

#include "common/canonical_json.h"
#include <cctype>

namespace goldset::eval {

namespace {

struct Tally {
  int64_t labelled = 0, correct = 0;
};

// A verdict that takes part: the field was labelled and scored.
bool Scored(const json::object& verdict, bool* correct) {
  const json::value* v = verdict.if_contains("verdict");
  if (!v || !v->is_string()) return false;
  if (v->as_string() == "correct") *correct = true;
  else if (v->as_string() == "incorrect") *correct = false;
  else return false;
  return true;
}

// Values that differ only in case or spacing are one candidate.
std::string CandidateKey(const json::value* actual) {
  if (!actual) return "null";
  if (actual->is_string()) {
    std::string s(actual->as_string());
    std::string out;
    bool space = false;
    for (char ch : s) {
      if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
        space = !out.empty();
        continue;
      }
      if (space) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    return "s:" + out;
  }
  return CanonicalJson(*actual);
}

const json::object* FieldsOf(const json::object& result) {
  const json::value* f = result.if_contains("fields");
  return f && f->is_object() ? &f->as_object() : nullptr;
}

double Logit(double p) { return std::log(p / (1 - p)); }

}  // namespace

json::object SuspectReliabilities(const std::vector<SuspectRun>& runs) {
  json::object out;
  for (const auto& run : runs) {
    std::map<std::string, Tally> tallies;
    for (const auto& [item, result] : run.results) {
      const json::object* fields = FieldsOf(result);
      if (!fields) continue;
      for (const auto& kv : *fields) {
        bool correct = false;
        if (!kv.value().is_object() || !Scored(kv.value().as_object(), &correct)) continue;
        Tally& t = tallies[std::string(kv.key())];
        ++t.labelled;
        t.correct += correct ? 1 : 0;
      }
    }
    json::object fields;
    for (const auto& [field, t] : tallies)
      fields[field] = static_cast<double>(t.correct) / static_cast<double>(t.labelled);
    out[run.run_id] = std::move(fields);
  }
  return out;
}

std::vector<Suspect> RankSuspects(const std::vector<SuspectRun>& runs, const SuspectOptions& options) {
  // Reliabilities per run and field over the whole set; each item's own verdict is
  // taken out again below.
  std::vector<std::map<std::string, Tally>> tallies(runs.size());
  for (size_t r = 0; r < runs.size(); ++r) {
    for (const auto& [item, result] : runs[r].results) {
      const json::object* fields = FieldsOf(result);
      if (!fields) continue;
      for (const auto& kv : *fields) {
        bool correct = false;
        if (!kv.value().is_object() || !Scored(kv.value().as_object(), &correct)) continue;
        Tally& t = tallies[r][std::string(kv.key())];
        ++t.labelled;
        t.correct += correct ? 1 : 0;
      }
    }
  }
  // Every (item, field) any run scored.
  std::map<std::pair<std::string, std::string>, bool> pairs;
  for (const auto& run : runs)
    for (const auto& [item, result] : run.results)
      if (const json::object* fields = FieldsOf(result))
        for (const auto& kv : *fields) pairs.emplace(std::make_pair(item, std::string(kv.key())), true);

  const double label_weight = Logit(std::clamp(options.label_prior, 0.5, 0.999));
  std::vector<Suspect> out;
  for (const auto& [key, unused] : pairs) {
    const auto& [item_id, field] = key;
    struct Candidate {
      double weight = 0;
      json::value value;
      std::vector<std::string> runs;
    };
    std::map<std::string, Candidate> candidates;  // "" is the expected value
    json::value expected;
    bool disagreement = false;
    for (size_t r = 0; r < runs.size(); ++r) {
      auto it = runs[r].results.find(item_id);
      if (it == runs[r].results.end()) continue;
      const json::object* fields = FieldsOf(it->second);
      const json::value* v = fields ? fields->if_contains(field) : nullptr;
      bool correct = false;
      if (!v || !v->is_object() || !Scored(v->as_object(), &correct)) continue;
      const json::object& verdict = v->as_object();
      if (const json::value* e = verdict.if_contains("expected")) expected = *e;
      const Tally& t = tallies[r][field];
      double p =
          (static_cast<double>(t.correct - (correct ? 1 : 0)) + 1.0) / (static_cast<double>(t.labelled - 1) + 2.0);
      double w = std::max(0.0, Logit(std::clamp(p, 0.001, 0.999)));
      const json::value* actual = verdict.if_contains("actual");
      std::string k = correct ? "" : CandidateKey(actual);
      if (!correct) disagreement = true;
      Candidate& c = candidates[k];
      if (!correct && c.runs.empty()) c.value = actual ? *actual : json::value(nullptr);
      c.weight += w;
      c.runs.push_back(runs[r].run_id);
    }
    if (!disagreement) continue;
    candidates[""].weight += label_weight;
    double top = -1e300;
    for (const auto& [k, c] : candidates) top = std::max(top, c.weight);
    double total = 0, expected_mass = 0;
    const Candidate* best = nullptr;
    for (const auto& [k, c] : candidates) {
      double mass = std::exp(c.weight - top);
      total += mass;
      if (k.empty()) {
        expected_mass = mass;
      } else if (!best || c.weight > best->weight) {
        best = &c;
      }
    }
    if (!best) continue;
    Suspect s;
    s.item_id = item_id;
    s.field_path = field;
    s.expected = expected;
    s.consensus = best->value;
    s.agreeing_runs = best->runs;
    s.score = 1.0 - expected_mass / total;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Suspect& a, const Suspect& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.agreeing_runs.size() != b.agreeing_runs.size()) return a.agreeing_runs.size() > b.agreeing_runs.size();
    if (a.item_id != b.item_id) return a.item_id < b.item_id;
    return a.field_path < b.field_path;
  });
  return out;
}

}  // namespace goldset::eval
