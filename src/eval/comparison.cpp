// Run comparison (DESIGN §3): paired items, field deltas, bootstrap CI, McNemar.
#include <map>
#include <unordered_map>

#include "eval/eval.h"
#include "eval/stats.h"

namespace goldset::eval {
namespace {

constexpr int kResamples = 10000;
constexpr uint64_t kSeed = 0x60D5E7ULL;  // fixed: identical inputs give identical intervals
// Bump when CompareRuns' output changes for the same inputs (stored comparisons are keyed by it).
constexpr int kMethodVersion = 1;

const json::object* Fields(const json::object& r) {
  const json::value* f = r.if_contains("fields");
  return f && f->is_object() ? &f->as_object() : nullptr;
}
bool Labelled(const json::object& f) {
  const json::value* v = f.if_contains("verdict");
  return v && v->is_string() && (v->as_string() == "correct" || v->as_string() == "incorrect");
}
double Score(const json::object& o) {
  const json::value* v = o.if_contains("score");
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}
bool Correct(const json::object& r) {
  const json::value* v = r.if_contains("correct");
  return v && v->is_bool() && v->as_bool();
}

// The item's contribution to the run accuracy as numerator/denominator.
std::pair<double, double> Contribution(Kind kind, const json::object& r) {
  if (kind == Kind::kClassify) return {Correct(r) ? 1.0 : 0.0, 1.0};
  if (kind == Kind::kSplit) return {Score(r), 1.0};
  double num = 0, den = 0;
  if (const json::object* f = Fields(r)) {
    for (const auto& kv : *f) {
      if (kv.value().is_object() && Labelled(kv.value().as_object())) {
        num += Score(kv.value().as_object());
        den += 1;
      }
    }
  }
  return {num, den};
}

// Fields correct in `from` and incorrect in `to`.
json::array FlippedFields(const json::object& from, const json::object& to) {
  json::array out;
  const json::object *f = Fields(from), *t = Fields(to);
  if (!f || !t) return out;
  for (const auto& kv : *f) {
    const json::value* other = t->if_contains(kv.key());
    if (!kv.value().is_object() || !other || !other->is_object()) continue;
    const json::object &a = kv.value().as_object(), &b = other->as_object();
    if (Labelled(a) && Labelled(b) && Score(b) < Score(a)) out.emplace_back(kv.key());
  }
  return out;
}

const char* TypeName(Kind kind) {
  return kind == Kind::kExtract ? "EXTRACT" : kind == Kind::kClassify ? "CLASSIFY" : "SPLITTER";
}

}  // namespace

json::object CompareRuns(Kind kind, const std::vector<ComparedItem>& baseline,
                         const std::vector<ComparedItem>& candidate) {
  std::unordered_map<std::string, const json::object*> base_by_id;
  for (const auto& b : baseline) base_by_id[b.item_id] = &b.result;
  std::vector<PairedSample> samples;
  size_t regressed = 0, improved = 0;
  json::array regressed_items, improved_items;
  struct Delta {
    double base = 0, cand = 0;
    size_t n = 0;
  };
  std::map<std::string, Delta> field_deltas;
  double bn = 0, bd = 0, cn = 0, cd = 0;
  for (const auto& c : candidate) {
    auto it = base_by_id.find(c.item_id);
    if (it == base_by_id.end()) continue;
    const json::object& b = *it->second;
    auto [b_num, b_den] = Contribution(kind, b);
    auto [c_num, c_den] = Contribution(kind, c.result);
    samples.push_back({b_num, b_den, c_num, c_den});
    bn += b_num;
    bd += b_den;
    cn += c_num;
    cd += c_den;
    bool b_ok = Correct(b), c_ok = Correct(c.result);
    regressed += b_ok && !c_ok;
    improved += !b_ok && c_ok;
    double b_score = Score(b), c_score = Score(c.result);
    if (c_score < b_score - 1e-12 || (b_ok && !c_ok)) {
      regressed_items.push_back(json::object{{"evaluationSetItemId", c.item_id}, {"fields", FlippedFields(b, c.result)}});
    } else if (c_score > b_score + 1e-12 || (!b_ok && c_ok)) {
      improved_items.push_back(json::object{{"evaluationSetItemId", c.item_id}, {"fields", FlippedFields(c.result, b)}});
    }
    if (kind == Kind::kSplit) continue;
    const json::object *bf = Fields(b), *cf = Fields(c.result);
    if (!bf || !cf) continue;
    for (const auto& kv : *bf) {
      const json::value* other = cf->if_contains(kv.key());
      if (!kv.value().is_object() || !other || !other->is_object()) continue;
      if (!Labelled(kv.value().as_object()) || !Labelled(other->as_object())) continue;
      Delta& d = field_deltas[std::string(kv.key())];
      d.base += Score(kv.value().as_object());
      d.cand += Score(other->as_object());
      ++d.n;
    }
  }
  double base_acc = bd > 0 ? bn / bd : 0, cand_acc = cd > 0 ? cn / cd : 0;
  Interval ci = PairedBootstrapDelta(samples, kResamples, kSeed);
  json::object fields;
  for (const auto& [path, d] : field_deltas) {
    double b = d.base / static_cast<double>(d.n), c = d.cand / static_cast<double>(d.n);
    fields[path] = {{"baseline", b}, {"candidate", c}, {"delta", c - b}};
  }
  json::object out;
  out["type"] = TypeName(kind);
  out["numItemsCompared"] = samples.size();
  out["accuracy"] = {{"baseline", base_acc},
                     {"candidate", cand_acc},
                     {"delta", cand_acc - base_acc},
                     {"ci95", {{"low", ci.low}, {"high", ci.high}}},
                     {"resamples", kResamples},
                     {"seed", kSeed}};
  out["mcnemar"] = {{"regressed", regressed}, {"improved", improved}, {"pValue", McNemarExactPValue(regressed, improved)}};
  out["fieldDeltas"] = std::move(fields);
  out["regressedItems"] = std::move(regressed_items);
  out["improvedItems"] = std::move(improved_items);
  return out;
}

std::string CompareRunsParameters() {
  return "method=" + std::to_string(kMethodVersion) + ";resamples=" + std::to_string(kResamples) +
         ";seed=" + std::to_string(kSeed);
}

}  // namespace goldset::eval
