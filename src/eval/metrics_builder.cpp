// Aggregation of item results into EvaluationSetRunMetrics (contract §3.5, docs/decisions.md §3).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "eval/eval.h"
#include "eval/field_rules.h"

namespace goldset::eval {
namespace {

const json::object* Obj(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}
double Num(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}
std::string_view Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}
bool Labelled(const json::object& field) {
  std::string_view v = Str(field, "verdict");
  return v == "correct" || v == "incorrect";
}
bool NonNull(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null();
}

// Accuracy by confidence decile and expected calibration error.
class Calibration {
 public:
  void Add(double confidence, bool accurate) {
    confidence = std::clamp(confidence, 0.0, 1.0);
    size_t b = std::min<size_t>(9, static_cast<size_t>(confidence * 10));
    ++count_[b];
    conf_sum_[b] += confidence;
    acc_sum_[b] += accurate;
    ++n_;
  }
  bool empty() const { return n_ == 0; }
  json::object Build() const {
    json::array buckets;
    double ece = 0;
    for (size_t b = 0; b < 10; ++b) {
      if (!count_[b]) continue;
      double acc = acc_sum_[b] / count_[b], conf = conf_sum_[b] / count_[b];
      ece += count_[b] / static_cast<double>(n_) * std::fabs(acc - conf);
      buckets.push_back(json::object{{"low", b / 10.0},
                                     {"high", (b + 1) / 10.0},
                                     {"count", count_[b]},
                                     {"accuracy", acc},
                                     {"meanConfidence", conf}});
    }
    return {{"count", n_}, {"buckets", std::move(buckets)}, {"ece", ece}};
  }

 private:
  size_t n_ = 0;
  size_t count_[10] = {};
  double conf_sum_[10] = {}, acc_sum_[10] = {};
};

struct FieldTally {
  size_t total = 0, present = 0, expected = 0, accurate = 0;
  double score = 0;
  double tp = 0, predicted = 0, positives = 0;  // precision/recall (score-weighted)
  Calibration calibration;
};

// Not clamped: every numerator counts a subset of its denominator, so a ratio above 1
// is a bug that the property tests must see.
void PutRatio(json::object& o, const char* key, double num, double den) {
  if (den > 0) o[key] = num / den;
}

// tp: true positives (both sides non-null and right; score-weighted for fields),
// predicted: non-null predictions, positives: non-null expected values. F1 is the
// harmonic mean of the precision and recall reported.
void PutPrf(json::object& o, double tp, double predicted, double positives) {
  PutRatio(o, "precision", tp, predicted);
  PutRatio(o, "recall", tp, positives);
  if (predicted > 0 && positives > 0) {
    double p = tp / predicted, r = tp / positives;
    o["f1"] = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
}

}  // namespace

// Extractor tallies, updated as items arrive: nothing per item is kept, so Add costs
// one pass over the result and memory does not grow with the run.
struct ExtractTallies {
  ExtractTallies(const json::object& config, const Options& opts) : options(opts), paths(FieldPaths(config)) {
    schemaless = paths.empty();
  }

  void Add(const json::object& item) {
    FieldRules rules(options);
    ++items;
    const json::object* fields = Obj(item, "fields");
    if (!fields) return;
    for (const auto& kv : *fields) {
      // Without a schema, the paths are the fields items report, in first-seen order.
      if (schemaless && seen.insert(std::string(kv.key())).second) paths.emplace_back(kv.key());
      if (!kv.value().is_object()) continue;
      const json::object& f = kv.value().as_object();
      std::string_view path = kv.key();
      if (Str(f, "verdict") == "excluded" || rules.IsExcluded(path)) continue;
      FieldTally& t = Tally(path);
      ++t.total;
      t.present += NonNull(f, "actual");
      if (Labelled(f)) {
        double s = Num(f, "score");
        ++t.expected;
        t.accurate += s >= 1.0;
        t.score += s;
        run_score += s;
        ++run_expected;
        bool pred = NonNull(f, "actual"), pos = NonNull(f, "expected");
        t.predicted += pred;
        t.positives += pos;
        if (pred && pos) t.tp += s;
        if (const json::value* c = f.if_contains("confidence"); c && c->is_number()) {
          t.calibration.Add(c->to_number<double>(), s >= 1.0);
        }
      }
      // Column cell metrics.
      if (const json::object* cols = Obj(f, "columns"); cols && Labelled(f)) {
        for (const auto& ckv : *cols) {
          if (!ckv.value().is_object()) continue;
          const json::object& c = ckv.value().as_object();
          FieldTally& ct = Tally(ckv.key());
          ct.total += static_cast<size_t>(Num(c, "cells"));
          ct.expected += static_cast<size_t>(Num(c, "expected"));
          ct.present += static_cast<size_t>(Num(c, "present"));
          ct.accurate += static_cast<size_t>(Num(c, "correct"));
          ct.score += Num(c, "correct");
          // Cells, like fields: a non-null prediction is a positive, a non-null expected
          // value a relevant item, a true positive both non-null and right (null = null
          // cells are correct but no true positive). Results stored before these counts
          // existed add nothing to precision and recall.
          if (c.contains("expectedNonNull") && c.contains("correctNonNull")) {
            ct.tp += Num(c, "correctNonNull");
            ct.predicted += Num(c, "present");
            ct.positives += Num(c, "expectedNonNull");
          }
        }
      }
    }
  }

  FieldTally& Tally(std::string_view path) {
    auto it = tallies.find(path);
    if (it == tallies.end()) it = tallies.emplace(std::string(path), FieldTally{}).first;
    return it->second;
  }

  json::object Build() const;

  Options options;
  std::vector<std::string> paths;  // schema order; schemaless: order first reported
  bool schemaless = false;
  std::set<std::string> seen;
  std::map<std::string, FieldTally, std::less<>> tallies;
  double run_score = 0;
  size_t run_expected = 0;
  size_t items = 0;
};

json::object ExtractTallies::Build() const {
  FieldRules rules(options);
  const FieldTally kNone;
  json::object field_metrics;
  for (const auto& path : paths) {
    if (rules.IsExcluded(path)) continue;
    size_t bracket = path.find("[].");
    if (bracket != std::string::npos && rules.IsExcluded(path.substr(0, bracket))) continue;
    auto found = tallies.find(path);
    const FieldTally& t = found == tallies.end() ? kNone : found->second;
    bool column = bracket != std::string::npos;
    json::object m;
    m["countTotal"] = column ? t.total : items;
    m["countPresent"] = t.present;
    m["countExpected"] = t.expected;
    m["countAccurate"] = t.accurate;
    PutRatio(m, "accuracy", static_cast<double>(t.accurate), static_cast<double>(t.expected));
    PutRatio(m, "score", t.score, column ? static_cast<double>(t.total) : static_cast<double>(t.expected));
    PutPrf(m, t.tp, t.predicted, t.positives);
    if (!t.calibration.empty()) m["calibration"] = t.calibration.Build();
    field_metrics[path] = std::move(m);
  }
  json::object out;
  out["type"] = "EXTRACT";
  PutRatio(out, "accuracy", run_score, static_cast<double>(run_expected));
  out["fieldMetrics"] = std::move(field_metrics);
  return out;
}

namespace {

std::string LabelOf(const json::object& field, const char* key) {
  const json::value* v = field.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "(none)";
}

json::object BuildClassify(const json::object& config, const std::vector<json::object>& items) {
  std::vector<std::string> labels;
  if (const json::value* list = config.if_contains("classifications"); list && list->is_array()) {
    for (const auto& c : list->as_array()) {
      if (c.is_object()) {
        if (const json::value* t = c.as_object().if_contains("type"); t && t->is_string())
          labels.emplace_back(t->as_string());
      }
    }
  }
  const size_t configured = labels.size();
  auto index = [&](const std::string& l) {
    auto it = std::find(labels.begin(), labels.end(), l);
    if (it != labels.end()) return static_cast<size_t>(it - labels.begin());
    labels.push_back(l);
    return labels.size() - 1;
  };
  std::vector<std::pair<size_t, size_t>> pairs;
  std::vector<size_t> hits;  // expected label of each correct item (an id mismatch is not one)
  Calibration calibration;
  size_t correct = 0;
  for (const auto& item : items) {
    const json::object* fields = Obj(item, "fields");
    const json::object* f = fields ? Obj(*fields, "classification") : nullptr;
    if (!f) continue;
    bool ok = Str(*f, "verdict") == "correct";
    correct += ok;
    pairs.emplace_back(index(LabelOf(*f, "expected")), index(LabelOf(*f, "actual")));
    if (ok) hits.push_back(pairs.back().first);
    if (const json::value* c = f->if_contains("confidence"); c && c->is_number())
      calibration.Add(c->to_number<double>(), ok);
  }
  std::vector<std::vector<int64_t>> counts(labels.size(), std::vector<int64_t>(labels.size(), 0));
  for (auto [e, a] : pairs) ++counts[e][a];
  json::object per_class;
  for (size_t k = 0; k < configured; ++k) {
    double expected = 0, predicted = 0, hit = static_cast<double>(std::count(hits.begin(), hits.end(), k));
    for (size_t j = 0; j < labels.size(); ++j) {
      expected += static_cast<double>(counts[k][j]);
      predicted += static_cast<double>(counts[j][k]);
    }
    json::object m{{"countExpected", static_cast<int64_t>(expected)},
                   {"countPredicted", static_cast<int64_t>(predicted)},
                   {"countCorrect", static_cast<int64_t>(hit)}};
    PutPrf(m, hit, predicted, expected);
    per_class[labels[k]] = std::move(m);
  }
  json::array label_arr, count_arr;
  for (const auto& l : labels) label_arr.emplace_back(l);
  for (const auto& row : counts) {
    json::array r;
    for (int64_t c : row) r.emplace_back(c);
    count_arr.push_back(std::move(r));
  }
  json::object out;
  out["type"] = "CLASSIFY";
  PutRatio(out, "accuracy", static_cast<double>(correct), static_cast<double>(pairs.size()));
  out["classificationMetrics"] = std::move(per_class);
  out["confusionMatrix"] = {{"labels", std::move(label_arr)}, {"counts", std::move(count_arr)}};
  if (!calibration.empty()) out["calibration"] = calibration.Build();
  return out;
}

json::object BuildSplit(const std::vector<json::object>& items) {
  double expected = 0, predicted = 0, correct = 0, pages_correct = 0, pages_total = 0;
  for (const auto& item : items) {
    const json::object* s = Obj(item, "splits");
    if (!s) continue;
    expected += Num(*s, "numSplitsExpected");
    predicted += Num(*s, "numSplitsPredicted");
    correct += Num(*s, "numSplitsCorrect");
    pages_correct += Num(*s, "pagesCorrect");
    pages_total += Num(*s, "pagesTotal");
  }
  json::object out;
  out["type"] = "SPLITTER";
  PutPrf(out, correct, predicted, expected);
  out["numSplitsExpected"] = static_cast<int64_t>(expected);
  out["numSplitsPredicted"] = static_cast<int64_t>(predicted);
  out["numSplitsCorrect"] = static_cast<int64_t>(correct);
  PutRatio(out, "pageAccuracy", pages_correct, pages_total);
  return out;
}

}  // namespace

MetricsBuilder::MetricsBuilder(Kind kind, const json::object& config, const Options& options)
    : kind_(kind), config_(config), options_(options), arena_(json::make_shared_resource<json::monotonic_resource>()) {
  if (kind == Kind::kExtractor) extract_ = std::make_unique<ExtractTallies>(config, options);
}

MetricsBuilder::~MetricsBuilder() = default;
MetricsBuilder::MetricsBuilder(MetricsBuilder&&) noexcept = default;
MetricsBuilder& MetricsBuilder::operator=(MetricsBuilder&&) noexcept = default;

// Keeps only what Build reads, so a run of many items holds no values or row detail:
// "expected"/"actual" become true (non-null) or null, and are absent when absent.
void MetricsBuilder::Add(const json::object& item_result) {
  if (extract_) {
    extract_->Add(item_result);
    return;
  }
  json::object slim(arena_);
  if (const json::value* c = item_result.if_contains("correct")) slim["correct"] = *c;
  if (const json::value* s = item_result.if_contains("splits")) slim["splits"] = *s;
  const json::object* fields = Obj(item_result, "fields");
  if (fields) {
    json::object out(arena_);
    for (const auto& kv : *fields) {
      if (!kv.value().is_object()) continue;
      const json::object& f = kv.value().as_object();
      json::object g(arena_);
      for (const char* key : {"verdict", "score", "confidence", "columns"}) {
        if (const json::value* v = f.if_contains(key)) g[key] = *v;
      }
      for (const char* key : {"expected", "actual"}) {
        const json::value* v = f.if_contains(key);
        if (!v) continue;
        // Classifier labels are needed for the confusion matrix; other values only as presence.
        if (kind_ == Kind::kClassifier || v->is_null()) g[key] = *v;
        else g[key] = true;
      }
      out[kv.key()] = std::move(g);
    }
    slim["fields"] = std::move(out);
  }
  items_.push_back(std::move(slim));
}

json::object MetricsBuilder::Build() const {
  switch (kind_) {
    case Kind::kExtractor: return extract_->Build();
    case Kind::kClassifier: return BuildClassify(config_, items_);
    case Kind::kSplitter: return BuildSplit(items_);
  }
  return {};
}

void SetFileCounts(json::object* metrics, int64_t total, int64_t scored, int64_t failed) {
  (*metrics)["numFilesTotal"] = total;
  (*metrics)["numFilesProcessed"] = scored + failed;
  (*metrics)["numFiles"] = scored + failed;
  (*metrics)["numFilesFailed"] = failed;
}

}  // namespace goldset::eval
