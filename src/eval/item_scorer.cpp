#include "eval/item_scorer.h"

#include <memory>

#include "eval/anls_star.h"
#include "eval/array_scorer.h"
#include "eval/comparators.h"
#include "eval/error_taxonomy.h"
#include "eval/field_rules.h"
#include "eval/schema.h"

namespace goldset::eval {
namespace {

const json::value kNullValue;

// Walks `keys`; a null intermediate object makes the leaf null (labelled "absent"),
// a missing one makes it missing.
const json::value* Lookup(const json::value& root, const std::vector<std::string>& keys) {
  const json::value* cur = &root;
  for (const auto& k : keys) {
    if (cur->is_null()) return &kNullValue;
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(k);
    if (!cur) return nullptr;
  }
  return cur;
}

std::optional<double> ConfidenceOf(const json::value& actual, const std::string& path) {
  if (!actual.is_object()) return std::nullopt;
  const json::value* meta = actual.as_object().if_contains("metadata");
  if (!meta || !meta->is_object()) return std::nullopt;
  const json::value* m = meta->as_object().if_contains(path);
  if (!m || !m->is_object()) return std::nullopt;
  for (const char* key : {"logprobsConfidence", "ocrConfidence"}) {
    const json::value* c = m->as_object().if_contains(key);
    if (c && c->is_number()) return c->to_number<double>();
  }
  return std::nullopt;
}

// A spec inferred from the expected value, for configs without a schema.
FieldSpec InferSpec(const json::value& v) {
  FieldSpec s;
  if (v.is_string()) s.type = FieldType::kString;
  else if (v.is_number()) s.type = FieldType::kNumber;
  else if (v.is_bool()) s.type = FieldType::kBoolean;
  else if (v.is_object()) {
    const auto& o = v.as_object();
    if (o.size() == 2 && o.contains("amount") && o.contains("iso_4217_currency_code")) {
      s.type = FieldType::kCurrency;
      return s;
    }
    s.type = FieldType::kObject;
    for (const auto& kv : o) s.properties.push_back({std::string(kv.key()), InferSpec(kv.value())});
  } else if (v.is_array()) {
    s.type = FieldType::kArray;
    FieldSpec item;
    for (const auto& e : v.as_array()) {
      if (e.is_null()) continue;
      FieldSpec cand = InferSpec(e);
      if (cand.type == FieldType::kObject && item.type == FieldType::kObject) {
        for (auto& p : cand.properties) {
          bool known = false;
          for (const auto& q : item.properties) known = known || q.name == p.name;
          if (!known) item.properties.push_back(std::move(p));
        }
      } else if (item.type == FieldType::kAny) {
        item = std::move(cand);
      }
    }
    s.items.push_back(std::move(item));
  }
  return s;
}

}  // namespace

const json::value& ExtractedValue(const json::value& output) {
  if (output.is_object()) {
    const auto& o = output.as_object();
    const json::value* v = o.if_contains("value");
    if (v && (v->is_object() || v->is_null()) && (o.size() == 1 || o.contains("metadata"))) return *v;
  }
  return output;
}

ExtractPlan::ExtractPlan(const json::object& config, const Options& opts) : ExtractPlan(SchemaOfConfig(config), opts) {}

ExtractPlan::ExtractPlan(FieldSpec root_spec, const Options& opts) : options(opts), root(std::move(root_spec)) {
  FieldRules rules(options);
  for (Leaf& leaf : FlattenObject(root)) {
    bool excluded = rules.IsExcluded(leaf.path);
    std::optional<double> fuzzy =
        leaf.spec->type == FieldType::kString ? rules.FuzzyThreshold(leaf.path) : std::nullopt;
    RowColumns columns;
    if (leaf.spec->type == FieldType::kArray && !leaf.spec->items.empty()) {
      columns = PlanRowColumns(leaf.spec->items[0], rules, leaf.path);
    }
    leaves.push_back({std::move(leaf), excluded, fuzzy, std::move(columns)});
  }
}

StatusOr<json::object> ScoreExtractItem(const ExtractPlan& plan, const json::value& expected,
                                        const json::value& actual) {
  const json::value& exp_value = ExtractedValue(expected);
  const json::value& act_value = ExtractedValue(actual);
  // Without a schema, the fields come from this item's expected value.
  std::unique_ptr<ExtractPlan> inferred;
  if (plan.root.properties.empty()) {
    inferred = std::make_unique<ExtractPlan>(InferSpec(exp_value.is_object() ? exp_value : json::value(json::object())),
                                             plan.options);
  }
  const ExtractPlan& p = inferred ? *inferred : plan;
  FieldRules rules(p.options);  // for array columns
  // One arena for the whole result: it is built once, read, and freed at once. Sized
  // for a typical document (a few dozen fields, one table) so it is one allocation.
  json::storage_ptr sp = json::make_shared_resource<json::monotonic_resource>(32 * 1024);
  json::object fields(sp);
  fields.reserve(p.leaves.size());
  double score_sum = 0;
  size_t scored = 0;
  bool all_correct = true;
  for (const ExtractPlan::PlannedLeaf& planned : p.leaves) {
    const Leaf& leaf = planned.leaf;
    json::object f(10, sp);
    const json::value* e = Lookup(exp_value, leaf.keys);
    const json::value* a = act_value.is_object() || act_value.is_null() ? Lookup(act_value, leaf.keys) : nullptr;
    if (e) f.emplace("expected", *e);  // copied into the result's arena
    if (a) f.emplace("actual", *a);
    if (planned.excluded) {
      f["verdict"] = "excluded";
      f["score"] = 0.0;
      f["reason"] = "excluded";
      fields[leaf.path] = std::move(f);
      continue;
    }
    if (!e) {
      f["verdict"] = "unlabeled";
      f["score"] = 0.0;
      f["reason"] = "no_expected_value";
      fields[leaf.path] = std::move(f);
      continue;
    }
    Verdict v;
    double cell_share = -1;
    if (leaf.spec->type == FieldType::kArray) {
      // A missing array is scored like null (every expected cell expected and wrong),
      // so its column cells count exactly as they would for null; only the verdict's
      // reason says "missing".
      ArrayBudget budget(p.options.max_array_rows);
      ArrayScore as =
          ScoreArray(*leaf.spec, *e, a ? *a : kNullValue, rules, leaf.path, true, budget, sp, &planned.columns);
      if (budget.exhausted()) return budget.status();
      v = as.verdict;
      if (!a && !e->is_null() && !(e->is_array() && e->as_array().empty())) v = {0, "missing"};
      cell_share =
          as.total_cells ? static_cast<double>(as.correct_cells) / static_cast<double>(as.total_cells) : v.score;
      f["correctCells"] = static_cast<int64_t>(as.correct_cells);
      f["totalCells"] = static_cast<int64_t>(as.total_cells);
      if (!as.rows.empty()) f["rows"] = std::move(as.rows);
      if (!as.columns.empty()) {
        json::object cols(sp);
        for (const ColumnTally& t : as.columns) {
          cols[t.path] = {{"expected", t.expected}, {"expectedNonNull", t.expected_non_null}, {"present", t.present},
                          {"correct", t.correct},   {"correctNonNull", t.correct_non_null},   {"cells", t.cells}};
        }
        f["columns"] = std::move(cols);
      }
    } else {
      const std::optional<double>& fuzzy = planned.fuzzy;
      v = CompareCanonical(*leaf.spec, Canonicalize(*leaf.spec, e, fuzzy.has_value()),
                           Canonicalize(*leaf.spec, a, fuzzy.has_value()), fuzzy);
    }
    bool ok = v.score >= 1.0;
    f["verdict"] = ok ? "correct" : "incorrect";
    f["score"] = v.score;
    f["reason"] = v.reason;
    f["category"] = FieldCategory(*leaf.spec, e, a, v.score, cell_share);
    if (v.similarity >= 0) f["similarity"] = v.similarity;
    if (auto c = ConfidenceOf(actual, leaf.path)) f["confidence"] = *c;
    score_sum += v.score;
    ++scored;
    all_correct = all_correct && ok;
    fields[leaf.path] = std::move(f);
  }
  json::object result(sp);
  result["correct"] = all_correct;
  result["score"] = scored ? score_sum / static_cast<double>(scored) : 1.0;
  result["fields"] = std::move(fields);
  // ANLS* of the whole value objects; omitted when it would exceed its work budget.
  if (auto anls = AnlsStarWithKeys(exp_value, act_value); anls.ok()) {
    result["anlsStar"] = anls->score;
    json::object keys(sp);
    for (auto& [k, v] : anls->keys) keys[k] = v;
    result["anlsStarFields"] = std::move(keys);
  }
  return result;
}

ItemScorer::ItemScorer(Kind kind, const json::object& config, const Options& options)
    : kind_(kind),
      extract_(kind == Kind::kExtractor ? std::make_shared<const ExtractPlan>(config, options) : nullptr) {}

StatusOr<json::object> ItemScorer::Score(const json::value& expected, const json::value& actual) const {
  switch (kind_) {
    case Kind::kExtractor: return ScoreExtractItem(*extract_, expected, actual);
    case Kind::kClassifier: return ScoreClassifyItem(expected, actual);
    case Kind::kSplitter: return ScoreSplitItem(expected, actual);
  }
  return json::object();
}

StatusOr<json::object> ScoreItem(Kind kind, const json::object& config, const json::value& expected,
                                 const json::value& actual, const Options& options) {
  return ItemScorer(kind, config, options).Score(expected, actual);
}

}  // namespace goldset::eval
