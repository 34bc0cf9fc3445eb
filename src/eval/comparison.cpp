// Run comparison (docs/decisions.md §3; docs/evaluation.md § Compare): paired items, the overall
// delta with its bootstrap interval, McNemar and a verdict, per-field (per-class) tests
// with Holm's adjustment, power, non-inferiority, and the items that changed.
#include <cmath>
#include <map>
#include <unordered_map>

#include "eval/eval.h"
#include "eval/outcomes.h"
#include "eval/stats.h"

namespace goldset::eval {
namespace {

constexpr uint64_t kSeed = 0x60D5E7ULL;  // fixed: identical inputs give identical intervals
// Bump when CompareRuns' output changes for the same inputs (stored comparisons are keyed by it).
constexpr int kMethodVersion = 2;
constexpr double kPower = 0.8;  // of minimumDetectableEffect and itemsNeeded

const json::object* Fields(const json::object& r) {
  const json::value* f = r.if_contains("fields");
  return f && f->is_object() ? &f->as_object() : nullptr;
}
bool Labelled(const json::value& f) { return LabelledOutcome(f).has_value(); }
double Score(const json::object& o) {
  const json::value* v = o.if_contains("score");
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}

// The item's contribution to the run accuracy as numerator/denominator.
std::pair<double, double> Contribution(Kind kind, const json::object& r) {
  if (kind == Kind::kClassifier) return {ItemCorrect(r) ? 1.0 : 0.0, 1.0};
  if (kind == Kind::kSplitter) return {Score(r), 1.0};
  double num = 0, den = 0;
  if (const json::object* f = Fields(r)) {
    for (const auto& kv : *f) {
      if (Labelled(kv.value())) {
        num += Score(kv.value().as_object());
        den += 1;
      }
    }
  }
  return {num, den};
}

// Fields whose score is lower in `to` than in `from` (regressedItems / improvedItems).
json::array LowerScoreFields(const json::object& from, const json::object& to) {
  json::array out;
  const json::object *f = Fields(from), *t = Fields(to);
  if (!f || !t) return out;
  for (const auto& kv : *f) {
    const json::value* other = t->if_contains(kv.key());
    if (!kv.value().is_object() || !other || !other->is_object()) continue;
    const json::object &a = kv.value().as_object(), &b = other->as_object();
    if (Labelled(kv.value()) && Labelled(*other) && Score(b) < Score(a)) out.emplace_back(kv.key());
  }
  return out;
}

json::object IntervalJson(Interval i) { return {{"low", i.low}, {"high", i.high}}; }

double Share(size_t k, size_t n) { return n ? static_cast<double>(k) / static_cast<double>(n) : 0.0; }

int64_t Direction(const BinaryPairs& p) {
  return static_cast<int64_t>(p.cand_only) - static_cast<int64_t>(p.base_only);
}

// One field's (class's) paired outcomes over the items where both runs labelled it.
struct UnitTally {
  BinaryPairs pairs;
  size_t base_right = 0, cand_right = 0;
  void Add(bool base, bool cand) {
    ++pairs.n;
    base_right += base;
    cand_right += cand;
    pairs.base_only += base && !cand;
    pairs.cand_only += cand && !base;
  }
};

// Accuracy of both sides with Wilson intervals, then the paired test.
json::object PairedJson(const UnitTally& u) {
  const size_t n = u.pairs.n;
  PairedTest t = TestPairs(u.pairs);
  return {{"numItems", n},
          {"baseline", Share(u.base_right, n)},
          {"candidate", Share(u.cand_right, n)},
          {"baselineCi95", IntervalJson(WilsonInterval(u.base_right, n))},
          {"candidateCi95", IntervalJson(WilsonInterval(u.cand_right, n))},
          {"delta", t.delta},
          {"ci95", IntervalJson(t.ci95)},
          {"regressed", u.pairs.base_only},
          {"improved", u.pairs.cand_only},
          {"pValue", t.p_value}};
}

// Per-field (per-class) tests; each verdict is taken on the Holm-adjusted p-value.
json::object FieldsJson(const std::map<std::string, UnitTally>& units, double alpha) {
  std::vector<json::object> rows;
  std::vector<double> p_values;
  for (const auto& [name, u] : units) {
    rows.push_back(PairedJson(u));
    p_values.push_back(rows.back().at("pValue").as_double());
  }
  std::vector<double> adjusted = HolmAdjust(p_values);
  json::object out;
  size_t i = 0;
  for (const auto& [name, u] : units) {
    rows[i]["pValueAdjusted"] = adjusted[i];
    rows[i]["verdict"] = VerdictName(Decide(adjusted[i], alpha, Direction(u.pairs)));
    out[name] = std::move(rows[i]);
    ++i;
  }
  return out;
}

std::string Number(double x) { return json::serialize(json::value(x)); }

}  // namespace

Status ValidateCompareOptions(const CompareOptions& o) {
  if (!std::isfinite(o.alpha) || o.alpha <= 0 || o.alpha > 0.5)
    return Status::InvalidArgument("alpha must be a number in (0, 0.5], e.g. 0.05");
  if (!std::isfinite(o.margin) || o.margin < 0 || o.margin > 1)
    return Status::InvalidArgument(
        "margin must be a number in [0, 1]: the accuracy drop still accepted as non-inferior, e.g. 0.005");
  if (!std::isfinite(o.effect) || o.effect <= 0 || o.effect > 1)
    return Status::InvalidArgument(
        "effect must be a number in (0, 1]: the accuracy change to size the set for, e.g. 0.01");
  if (o.resamples < 1 || o.resamples > 1000000) return Status::InvalidArgument("resamples must be in [1, 1000000]");
  return Status::OK();
}

json::object CompareRuns(Kind kind, const std::vector<ComparedItem>& baseline,
                         const std::vector<ComparedItem>& candidate, const CompareOptions& options) {
  std::unordered_map<std::string, const json::object*> base_by_id;
  for (const auto& b : baseline) base_by_id[b.item_id] = &b.result;
  std::vector<PairedSample> samples;
  UnitTally items;  // item correctness: McNemar's pairs
  json::array regressed_items, improved_items, newly_incorrect, newly_correct;
  struct Delta {
    double base = 0, cand = 0;
    size_t n = 0;
  };
  std::map<std::string, Delta> field_deltas;
  std::map<std::string, UnitTally> units;
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
    bool b_ok = ItemCorrect(b), c_ok = ItemCorrect(c.result);
    items.Add(b_ok, c_ok);
    if (b_ok && !c_ok) {
      newly_incorrect.push_back(
          json::object{{"evaluationSetItemId", c.item_id}, {"fields", FieldsTurnedWrong(b, c.result)}});
    } else if (!b_ok && c_ok) {
      newly_correct.push_back(
          json::object{{"evaluationSetItemId", c.item_id}, {"fields", FieldsTurnedWrong(c.result, b)}});
    }
    double b_score = Score(b), c_score = Score(c.result);
    if (c_score < b_score - 1e-12 || (b_ok && !c_ok)) {
      regressed_items.push_back(
          json::object{{"evaluationSetItemId", c.item_id}, {"fields", LowerScoreFields(b, c.result)}});
    } else if (c_score > b_score + 1e-12 || (!b_ok && c_ok)) {
      improved_items.push_back(
          json::object{{"evaluationSetItemId", c.item_id}, {"fields", LowerScoreFields(c.result, b)}});
    }
    std::map<std::string, bool> base_units = UnitOutcomes(kind, b), cand_units = UnitOutcomes(kind, c.result);
    for (const auto& [name, right] : base_units) {
      auto other = cand_units.find(name);
      if (other != cand_units.end()) units[name].Add(right, other->second);
    }
    if (kind == Kind::kSplitter) continue;
    const json::object *bf = Fields(b), *cf = Fields(c.result);
    if (!bf || !cf) continue;
    for (const auto& kv : *bf) {
      const json::value* other = cf->if_contains(kv.key());
      if (!kv.value().is_object() || !other || !other->is_object()) continue;
      if (!Labelled(kv.value()) || !Labelled(*other)) continue;
      Delta& d = field_deltas[std::string(kv.key())];
      d.base += Score(kv.value().as_object());
      d.cand += Score(other->as_object());
      ++d.n;
    }
  }
  const size_t n = samples.size();
  double base_acc = bd > 0 ? bn / bd : 0, cand_acc = cd > 0 ? cn / cd : 0;
  Interval ci = PairedBootstrapDelta(samples, options.resamples, kSeed);
  json::object deltas;
  for (const auto& [path, d] : field_deltas) {
    double b = d.base / static_cast<double>(d.n), c = d.cand / static_cast<double>(d.n);
    deltas[path] = {{"baseline", b}, {"candidate", c}, {"delta", c - b}};
  }
  const double p_value = McNemarExactPValue(items.pairs.base_only, items.pairs.cand_only);
  const double discordance = Share(items.pairs.base_only + items.pairs.cand_only, n);
  std::optional<double> mde = McNemarMinimumDetectableEffect(n, discordance, options.alpha, kPower);

  json::object out;
  out["type"] = MetricsTypeName(kind);
  out["numItemsCompared"] = n;
  out["accuracy"] = {{"baseline", base_acc},     {"candidate", cand_acc},          {"delta", cand_acc - base_acc},
                     {"ci95", IntervalJson(ci)}, {"resamples", options.resamples}, {"seed", kSeed}};
  out["mcnemar"] = {{"regressed", items.pairs.base_only}, {"improved", items.pairs.cand_only}, {"pValue", p_value}};
  out["fieldDeltas"] = std::move(deltas);
  out["regressedItems"] = std::move(regressed_items);
  out["improvedItems"] = std::move(improved_items);
  // The decision layer (issue #19): one verdict per comparison and per field.
  out["parameters"] = {
      {"alpha", options.alpha}, {"margin", options.margin}, {"effect", options.effect}, {"power", kPower}};
  out["verdict"] = VerdictName(Decide(p_value, options.alpha, Direction(items.pairs)));
  out["delta"] = cand_acc - base_acc;
  out["ci95"] = IntervalJson(ci);
  out["pValue"] = p_value;
  out["nonInferior"] = n > 0 && ci.low > -options.margin;
  json::object item_accuracy = PairedJson(items);
  item_accuracy.erase("pValue");  // the same as the top-level pValue
  out["itemAccuracy"] = std::move(item_accuracy);
  out["discordanceRate"] = discordance;
  out["minimumDetectableEffect"] = mde ? json::value(*mde) : json::value(nullptr);
  out["itemsNeeded"] =
      static_cast<uint64_t>(std::ceil(McNemarItemsNeeded(options.effect, discordance, options.alpha, kPower)));
  out["fields"] = FieldsJson(units, options.alpha);
  out["newlyIncorrect"] = std::move(newly_incorrect);
  out["newlyCorrect"] = std::move(newly_correct);
  return out;
}

std::string CompareRunsParameters(const CompareOptions& options) {
  return "method=" + std::to_string(kMethodVersion) + ";resamples=" + std::to_string(options.resamples) +
         ";seed=" + std::to_string(kSeed) + ";alpha=" + Number(options.alpha) + ";margin=" + Number(options.margin) +
         ";effect=" + Number(options.effect);
}

}  // namespace goldset::eval
