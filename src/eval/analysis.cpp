#include "eval/analysis.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "common/rng.h"
#include "eval/grits.h"
#include "eval/tree_edit.h"

namespace goldset::eval {
namespace {

void Ratio(json::object& o, const char* key, double num, double den) {
  if (den > 0) o[key] = num / den;
}

void PrecisionRecallF1(json::object& o, double tp, double predicted, double expected) {
  Ratio(o, "precision", tp, predicted);
  Ratio(o, "recall", tp, expected);
  if (predicted + expected > 0) o["f1"] = 2 * tp / (predicted + expected);
}

// A hash of a row consistent with json::value equality (keys in any order, numbers equal
// across int64/uint64): members combined by sum, scalars hashed from their bytes.
size_t RowHash(const json::value& row) {
  if (!row.is_object()) return std::hash<json::value>()(row);
  size_t h = row.as_object().size();
  for (const auto& kv : row.as_object()) {
    const json::value& v = kv.value();
    size_t x = std::hash<std::string_view>()(kv.key());
    if (v.is_string()) {
      x ^= std::hash<std::string_view>()(v.as_string()) * 0x9e3779b97f4a7c15ULL;
    } else if (v.is_double()) {
      x ^= std::hash<double>()(v.as_double()) + 1;
    } else if (v.is_int64() || (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX))) {
      x ^= std::hash<int64_t>()(v.is_int64() ? v.as_int64() : static_cast<int64_t>(v.as_uint64())) + 2;
    } else {
      x ^= std::hash<json::value>()(v) + 3;
    }
    h += x * 0xff51afd7ed558ccdULL;
  }
  return h;
}

// Rows equal to an earlier row (json::value equality: keys in any order): rows sorted by
// hash, each compared with the earlier rows of its hash only.
int64_t DuplicateRows(const json::array& rows) {
  std::vector<std::pair<size_t, size_t>> by_hash;  // (hash, index)
  by_hash.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) by_hash.emplace_back(RowHash(rows[i]), i);
  std::sort(by_hash.begin(), by_hash.end());
  int64_t duplicates = 0;
  for (size_t x = 0; x < by_hash.size();) {
    size_t end = x + 1;
    while (end < by_hash.size() && by_hash[end].first == by_hash[x].first) ++end;
    for (size_t y = x + 1; y < end; ++y) {
      for (size_t z = x; z < y; ++z) {
        if (rows[by_hash[y].second] == rows[by_hash[z].second]) {
          ++duplicates;
          break;
        }
      }
    }
    x = end;
  }
  return duplicates;
}

// The members of a field verdict the analysis reads, found in one pass over its keys.
struct FieldView {
  const json::value *category = nullptr, *confidence = nullptr, *correct_cells = nullptr, *total_cells = nullptr;
  const json::value *expected = nullptr, *actual = nullptr, *rows = nullptr, *columns = nullptr;
  explicit FieldView(const json::object& f) {
    for (const auto& kv : f) {
      const std::string_view k = kv.key();
      const json::value* v = &kv.value();
      if (k == "category") category = v;
      else if (k == "confidence") confidence = v;
      else if (k == "correctCells") correct_cells = v;
      else if (k == "totalCells") total_cells = v;
      else if (k == "expected") expected = v;
      else if (k == "actual") actual = v;
      else if (k == "rows") rows = v;
      else if (k == "columns") columns = v;
    }
  }
  bool IsTable() const {
    auto rows_of_objects = [](const json::value* v) {
      if (!v || !v->is_array()) return false;
      for (const auto& e : v->as_array())
        if (e.is_object()) return true;
      return false;
    };
    return total_cells && (columns || rows_of_objects(expected) || rows_of_objects(actual));
  }
};

// A member of `o` looked for at `slot` first: the scorer writes a row's members in one order.
const json::value& MemberAt(const json::object& o, size_t slot, std::string_view key) {
  if (slot < o.size() && (o.begin() + slot)->key() == key) return (o.begin() + slot)->value();
  return o.at(key);
}

double Percentile(std::vector<int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return static_cast<double>(v[rank == 0 ? 0 : rank - 1]);
}

// AUROC of confidence for correctness: P(conf of a correct > conf of an error), ties 1/2.
std::optional<double> Auroc(const std::vector<std::pair<double, bool>>& sorted) {
  double pos = 0, neg = 0, rank_sum = 0;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j].first == sorted[i].first) ++j;
    double mid_rank = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2;  // 1-based average rank
    for (size_t k = i; k < j; ++k) {
      if (sorted[k].second) {
        rank_sum += mid_rank;
        ++pos;
      } else {
        ++neg;
      }
    }
    i = j;
  }
  if (pos == 0 || neg == 0) return std::nullopt;
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

}  // namespace

Status ValidateAnalysisOptions(const AnalysisOptions& o) {
  if (!(o.target_precision > 0 && o.target_precision <= 1)) {
    return Status::InvalidArgument("targetPrecision must be in (0, 1]");
  }
  if (!(o.row_match_share > 0 && o.row_match_share <= 1)) {
    return Status::InvalidArgument("rowMatchShare must be in (0, 1]");
  }
  if (o.resamples < 1 || o.resamples > 100000) return Status::InvalidArgument("resamples must be in [1, 100000]");
  return Status::OK();
}

json::object CalibrationOf(std::vector<std::pair<double, bool>> samples, const AnalysisOptions& options) {
  json::object out;
  const size_t n = samples.size();
  out["numFields"] = static_cast<int64_t>(n);
  if (n == 0) return out;
  for (auto& s : samples) s.first = std::clamp(s.first, 0.0, 1.0);
  std::sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second < b.second);
  });
  // Reliability: 10 equal-width bins, [0.1k, 0.1(k+1)), the last closed.
  struct Bin {
    size_t count = 0, right = 0;
    double conf = 0;
  };
  Bin bins[10];
  double brier = 0;
  size_t errors = 0;
  for (const auto& [c, ok] : samples) {
    // k/10 belongs to bin k even where c * 10 rounds just below k.
    Bin& b = bins[std::min<size_t>(9, static_cast<size_t>(c * 10 + 1e-9))];
    ++b.count;
    b.right += ok;
    b.conf += c;
    brier += (c - (ok ? 1.0 : 0.0)) * (c - (ok ? 1.0 : 0.0));
    errors += !ok;
  }
  double ece = 0;
  json::array bin_list;
  for (int k = 0; k < 10; ++k) {
    const Bin& b = bins[k];
    if (b.count == 0) continue;
    double acc = static_cast<double>(b.right) / static_cast<double>(b.count);
    double mean = b.conf / static_cast<double>(b.count);
    ece += std::abs(acc - mean) * static_cast<double>(b.count) / static_cast<double>(n);
    bin_list.push_back(json::object{{"low", k / 10.0},
                                    {"high", (k + 1) / 10.0},
                                    {"count", static_cast<int64_t>(b.count)},
                                    {"accuracy", acc},
                                    {"meanConfidence", mean}});
  }
  out["ece"] = ece;
  out["brier"] = brier / static_cast<double>(n);
  if (auto a = Auroc(samples)) out["auroc"] = *a;
  out["bins"] = std::move(bin_list);
  // Errors caught by reviewing the lowest-confidence share of fields (ties: errors first,
  // as sorted): the share of all errors found there.
  if (errors > 0) {
    json::object caught;
    for (auto [label, share] : {std::pair{"5%", 0.05}, std::pair{"10%", 0.10}, std::pair{"20%", 0.20}}) {
      size_t k = static_cast<size_t>(std::ceil(share * static_cast<double>(n)));
      size_t found = 0;
      for (size_t i = 0; i < k; ++i) found += !samples[i].second;
      caught[label] = static_cast<double>(found) / static_cast<double>(errors);
    }
    out["errorsCaughtAt"] = std::move(caught);
  }
  // Auto-accept: the lowest threshold (a confidence seen) whose accepted fields
  // (confidence >= threshold) reach the target precision.
  json::value rec;
  size_t right_above = 0;
  for (const auto& s : samples) right_above += s.second;
  for (size_t i = 0; i < n;) {
    size_t accepted = n - i;
    double precision = static_cast<double>(right_above) / static_cast<double>(accepted);
    if (precision >= options.target_precision) {
      // Bootstrap the precision of the accepted fields.
      Rng rng(options.seed);
      std::vector<double> draws;
      draws.reserve(static_cast<size_t>(options.resamples));
      for (int r = 0; r < options.resamples; ++r) {
        size_t ok = 0;
        for (size_t d = 0; d < accepted; ++d) ok += samples[i + rng.Below(accepted)].second;
        draws.push_back(static_cast<double>(ok) / static_cast<double>(accepted));
      }
      std::sort(draws.begin(), draws.end());
      auto at = [&](double q) {
        size_t idx = static_cast<size_t>(std::floor(q * static_cast<double>(draws.size() - 1)));
        return draws[idx];
      };
      rec = json::object{{"targetPrecision", options.target_precision},
                         {"threshold", samples[i].first},
                         {"coverage", static_cast<double>(accepted) / static_cast<double>(n)},
                         {"precision", precision},
                         {"accepted", static_cast<int64_t>(accepted)},
                         {"ci95", json::array{at(0.025), at(0.975)}}};
      break;
    }
    double c = samples[i].first;
    while (i < n && samples[i].first == c) right_above -= samples[i++].second;
  }
  out["recommendedThreshold"] = std::move(rec);
  return out;
}

RunAnalysis::RunAnalysis(const AnalysisOptions& options) : options_(options) {}

bool RunAnalysis::Spend(uint64_t work) {
  if (options_.max_work != 0 && work > options_.max_work - work_) over_budget_ = true;
  if (over_budget_) return false;
  work_ += work;
  return true;
}

// The field's rows as grids over its scored columns (the result's `columns`, in schema
// order), or over the keys its rows hold when it has none.
void RunAnalysis::AddGrits(const std::string& path, const json::object& f, Rows& r) {
  if (over_budget_) return;
  std::vector<std::vector<std::string>> columns;
  const std::string prefix = path + "[].";
  if (const json::value* cols = f.if_contains("columns"); cols && cols->is_object()) {
    for (const auto& col : cols->as_object()) {
      std::string_view rest(col.key());
      if (rest.substr(0, prefix.size()) != prefix) continue;
      rest.remove_prefix(prefix.size());
      std::vector<std::string> keys;
      for (size_t dot; (dot = rest.find('.')) != std::string_view::npos; rest.remove_prefix(dot + 1))
        keys.emplace_back(rest.substr(0, dot));
      keys.emplace_back(rest);
      columns.push_back(std::move(keys));
    }
  } else {
    std::set<std::string> seen;
    for (const char* side : {"expected", "actual"}) {
      const json::value* rows = f.if_contains(side);
      if (!rows || !rows->is_array()) continue;
      for (const auto& row : rows->as_array()) {
        if (!row.is_object()) continue;
        for (const auto& kv : row.as_object())
          if (seen.insert(std::string(kv.key())).second) columns.push_back({std::string(kv.key())});
      }
    }
  }
  static const json::value kNone;
  const json::value* e = f.if_contains("expected");
  const json::value* a = f.if_contains("actual");
  auto g = GritsCon(GridOfRows(e ? *e : kNone, columns), GridOfRows(a ? *a : kNone, columns));
  if (!g.ok()) {
    ++r.grits_too_large;
    return;
  }
  // Charged after the fact: one field's work is bounded by GritsCon itself.
  if (!Spend(g->steps)) return;
  ++r.grits_items;
  r.grits += g->grits;
  r.grits_precision += g->precision;
  r.grits_recall += g->recall;
  r.grits_upper += g->upper_bound;
}

template <typename Value>
std::pair<std::string, Value*>& RunAnalysis::SlotOf(std::vector<std::pair<std::string, Value*>>& slots,
                                                    std::map<std::string, Value>& map, size_t index,
                                                    std::string_view key) {
  if (index >= slots.size()) slots.resize(index + 1);
  auto& slot = slots[index];
  if (slot.second && slot.first == key) return slot;
  slot.first.assign(key);
  slot.second = &map[slot.first];  // map nodes stay where they are
  return slot;
}

void RunAnalysis::Add(const json::object& result, const ItemCost& cost) {
  ++items_;
  if (const json::value* a = result.if_contains("anlsStar"); a && a->is_number()) {
    anls_sum_ += a->to_number<double>();
    ++anls_items_;
  }
  if (const json::value* keys = result.if_contains("anlsStarFields"); keys && keys->is_object()) {
    size_t index = 0;
    for (const auto& kv : keys->as_object()) {
      auto& sum = *SlotOf(anls_slots_, anls_fields_, index++, kv.key()).second;
      sum.first += kv.value().to_number<double>();
      ++sum.second;
    }
  }
  if (const json::value* fields = result.if_contains("fields"); fields && fields->is_object()) {
    size_t index = 0;
    for (const auto& kv : fields->as_object()) {
      if (!kv.value().is_object()) continue;
      const json::object& f = kv.value().as_object();
      const FieldView view(f);
      if (!view.category || !view.category->is_string()) continue;  // excluded, unlabeled
      const auto& [path, field] = SlotOf(field_slots_, fields_, index++, kv.key());
      Errors& e = field->errors;
      const json::string& c = view.category->as_string();
      bool ok = c == "correct";
      if (ok) ++e.correct, ++correct_fields_;
      else if (c == "missing") ++e.missing;
      else if (c == "hallucinated") ++e.hallucinated;
      else if (c == "format_only") ++e.format_only;
      else if (c == "near_miss") ++e.near_miss;
      else ++e.wrong_value;
      if (view.confidence && view.confidence->is_number())
        field->confidence.push_back({view.confidence->to_number<double>(), ok});
      if (view.IsTable()) {
        field->table = true;
        Rows& r = field->rows;
        if (view.correct_cells->is_number()) r.correct_cells += view.correct_cells->to_number<int64_t>();
        if (view.total_cells->is_number()) r.total_cells += view.total_cells->to_number<int64_t>();
        if (options_.grits) AddGrits(path, f, r);
        if (view.actual && view.actual->is_array()) r.duplicated += DuplicateRows(view.actual->as_array());
        if (view.rows && view.rows->is_array()) {
          for (const auto& rv : view.rows->as_array()) {
            const json::object& row = rv.as_object();  // array_scorer.cpp RowDetail's order
            bool has_e = !MemberAt(row, 0, "expectedIndex").is_null();
            bool has_a = !MemberAt(row, 1, "actualIndex").is_null();
            r.expected += has_e;
            r.actual += has_a;
            if (has_e && has_a) {
              double right = MemberAt(row, 2, "correctCells").to_number<double>();
              double total = MemberAt(row, 3, "totalCells").to_number<double>();
              if (total == 0 || right >= options_.row_match_share * total) ++r.matched;
            } else if (has_e) {
              ++r.dropped;
            } else {
              ++r.extra;
            }
          }
        }
        if (view.columns && view.columns->is_object()) {
          for (const auto& col : view.columns->as_object()) {
            const json::object& t = col.value().as_object();  // item_scorer.cpp's order
            r.tp += MemberAt(t, 4, "correctNonNull").to_number<int64_t>();
            r.expected_cells += MemberAt(t, 1, "expectedNonNull").to_number<int64_t>();
            r.predicted_cells += MemberAt(t, 2, "present").to_number<int64_t>();
          }
        }
      }
    }
  }
  if (options_.tree_edit && cost.expected && cost.actual && !over_budget_) {
    uint64_t cells = 0;
    auto ted = TreeEditAccuracy(*cost.expected, *cost.actual, 4'000'000, &cells);
    if (ted && !Spend(cells * kTreeEditCellWork)) ted.reset();
    if (ted) {
      ++ted_items_;
      ted_sum_ += ted->accuracy;
      ted_tp_ += ted->true_positives;
      ted_pred_ += ted->pred_fields;
      ted_gt_ += ted->gt_fields;
    }
  }
  if (cost.latency_ms) latencies_.push_back(*cost.latency_ms);
  if (cost.usage && cost.usage->is_object()) {
    const json::object& u = cost.usage->as_object();
    ++usage_items_;
    if (const json::value* v = u.if_contains("promptTokens"); v && v->is_number())
      prompt_tokens_ += v->to_number<int64_t>();
    if (const json::value* v = u.if_contains("completionTokens"); v && v->is_number()) {
      completion_tokens_ += v->to_number<int64_t>();
    }
    if (const json::value* v = u.if_contains("cost"); v && v->is_number()) {
      cost_ += v->to_number<double>();
      has_cost_ = true;
    }
    if (const json::value* v = u.if_contains("currency"); v && v->is_string()) currency_ = v->as_string();
  }
}

json::object RunAnalysis::Build() const {
  json::object out;
  out["scoringVersion"] = kAnalysisVersion;
  out["numItems"] = items_;
  json::object anls;
  if (anls_items_ > 0) anls["score"] = anls_sum_ / static_cast<double>(anls_items_);
  json::object anls_fields;
  for (const auto& [k, v] : anls_fields_) anls_fields[k] = v.first / static_cast<double>(v.second);
  anls["fields"] = std::move(anls_fields);
  out["anlsStar"] = std::move(anls);
  json::object ted{{"computed", options_.tree_edit}, {"numItems", ted_items_}};
  if (ted_items_ > 0) ted["score"] = ted_sum_ / static_cast<double>(ted_items_);
  // The reference's cal_f1: tp / (tp + (fn + fp) / 2), summed over items.
  if (ted_pred_ + ted_gt_ > 0)
    ted["fieldF1"] = 2.0 * static_cast<double>(ted_tp_) / static_cast<double>(ted_pred_ + ted_gt_);
  out["treeEditAccuracy"] = std::move(ted);

  json::object lines;
  for (const auto& [path, field] : fields_) {
    if (!field.table) continue;
    const Rows& r = field.rows;
    json::object o{{"rowsExpected", r.expected},
                   {"rowsActual", r.actual},
                   {"rowsMatched", r.matched},
                   {"dropped", r.dropped},
                   {"extra", r.extra},
                   {"duplicated", r.duplicated},
                   {"rowMatchShare", options_.row_match_share}};
    PrecisionRecallF1(o, static_cast<double>(r.matched), static_cast<double>(r.actual),
                      static_cast<double>(r.expected));
    json::object lir{{"truePositives", r.tp},
                     {"falsePositives", r.predicted_cells - r.tp},
                     {"falseNegatives", r.expected_cells - r.tp}};
    PrecisionRecallF1(lir, static_cast<double>(r.tp), static_cast<double>(r.predicted_cells),
                      static_cast<double>(r.expected_cells));
    o["lir"] = std::move(lir);
    Ratio(o, "cellAccuracy", static_cast<double>(r.correct_cells), static_cast<double>(r.total_cells));
    json::object grits{{"computed", options_.grits}, {"numItems", r.grits_items}};
    if (options_.grits) grits["numItemsTooLarge"] = r.grits_too_large;
    if (r.grits_items > 0) {
      const double n = static_cast<double>(r.grits_items);
      grits["score"] = r.grits / n;
      grits["precision"] = r.grits_precision / n;
      grits["recall"] = r.grits_recall / n;
      grits["upperBound"] = r.grits_upper / n;
    }
    o["gritsCon"] = std::move(grits);
    lines[path] = std::move(o);
  }
  out["lineItems"] = std::move(lines);

  json::object errors;
  for (const auto& [path, field] : fields_) {
    const Errors& e = field.errors;
    errors[path] = {{"correct", e.correct},
                    {"missing", e.missing},
                    {"hallucinated", e.hallucinated},
                    {"formatOnly", e.format_only},
                    {"nearMiss", e.near_miss},
                    {"wrongValue", e.wrong_value},
                    {"total", e.correct + e.missing + e.hallucinated + e.format_only + e.near_miss + e.wrong_value}};
  }
  out["errors"] = std::move(errors);

  json::object calibration;
  for (const auto& [path, field] : fields_) {
    const std::vector<Sample>& samples = field.confidence;
    if (samples.empty()) continue;
    std::vector<std::pair<double, bool>> s;
    s.reserve(samples.size());
    for (const auto& x : samples) s.emplace_back(x.confidence, x.correct);
    calibration[path] = CalibrationOf(std::move(s), options_);
  }
  out["calibration"] = std::move(calibration);

  json::object usage{{"itemsWithLatency", static_cast<int64_t>(latencies_.size())},
                     {"itemsWithUsage", usage_items_},
                     {"promptTokens", prompt_tokens_},
                     {"completionTokens", completion_tokens_}};
  if (!latencies_.empty()) {
    int64_t total = 0;
    for (int64_t l : latencies_) total += l;
    usage["latencyMs"] = {{"total", total},
                          {"mean", static_cast<double>(total) / static_cast<double>(latencies_.size())},
                          {"p50", Percentile(latencies_, 0.5)},
                          {"p95", Percentile(latencies_, 0.95)}};
  }
  if (has_cost_) {
    usage["cost"] = cost_;
    if (!currency_.empty()) usage["currency"] = currency_;
    Ratio(usage, "costPerItem", cost_, static_cast<double>(items_));
    Ratio(usage, "costPerCorrectField", cost_, static_cast<double>(correct_fields_));
  }
  out["usage"] = std::move(usage);
  return out;
}

}  // namespace goldset::eval
