// Per-item results of a run (extensions, docs/decisions.md §5): GET /evaluation_set_runs/{id}/results,
// GET /evaluation_set_runs/{id}/results.csv (streamed), GET /evaluation_set_runs/{id}/compare,
// GET /evaluation_set_runs/{id}/summary.
#include <cctype>
#include <charconv>
#include <cmath>
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "api/app.h"
#include "api/request_fields.h"
#include "api/errors.h"
#include "api/evaluation_json.h"
#include "api/file_json.h"
#include "api/stored_answer.h"
#include "common/canonical_json.h"
#include "common/clock.h"
#include "eval/eval.h"
#include "eval/run_options.h"
#include "store/comparison_store.h"

namespace goldset::api {

namespace {

StatusOr<Response> ListResults(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams(/*allow_sort_by=*/false));
  int64_t after = page.after ? page.after->sort_value : 0;
  GOLDSET_ASSIGN_OR_RETURN(auto items, ctx.svc.runs->ListItems(run.id, after, page.limit + 1));
  std::optional<store::Cursor> next;
  if (static_cast<int>(items.size()) > page.limit) {
    items.resize(static_cast<size_t>(page.limit));
    next = store::Cursor{items.back().seq, items.back().item_id};
  }
  FileMemo files(ctx.svc, ctx.caller.workspace_id);
  std::vector<std::string> file_ids;
  for (const auto& it : items)
    if (it.file_id) file_ids.push_back(*it.file_id);
  (void)files.Prefetch(file_ids);  // on failure each row looks its file up itself
  json::array data;
  for (const auto& it : items) data.push_back(RunResultJson(ctx.svc, it, &files));
  return ListResponse(std::move(data), page, next);
}

StatusOr<Response> GetResult(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto item, ctx.svc.runs->GetItem(run.id, ctx.Param("itemId")));
  return JsonResponse(RunResultJson(ctx.svc, item));
}

// A cell that is only a number ("-12.5", "+3", "1e-9"): a spreadsheet reads it as that
// number and never as a formula, so it is exported as it is (F18; docs/evaluation.md).
bool IsPlainNumber(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
  size_t digits = 0, dots = 0;
  for (; i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.'); ++i)
    (v[i] == '.' ? dots : digits)++;
  if (digits == 0 || dots > 1) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    size_t exp_digits = 0;
    for (; i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])); ++i) ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == v.size();
}

// RFC 4180: quote when the value holds a comma, quote or line break; double the quotes.
// Formula injection (F18, as OWASP recommends): a cell that starts with = + - @, a tab or
// a CR is what spreadsheets evaluate (=HYPERLINK(…), -1+1, @SUM(…)), so it gets a leading
// apostrophe and is shown as text; plain numbers are left alone (IsPlainNumber).
std::string CsvField(std::string_view v) {
  std::string cell;
  if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos && !IsPlainNumber(v))
    cell = "'";
  cell += v;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvValue(const json::value* v) {
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

std::string CsvRows(Services& svc, const store::RunItemRecord& item) {
  std::string file_name;
  if (item.file_id) {
    auto f = svc.files->Get(item.workspace_id, *item.file_id);
    if (f.ok()) file_name = f->name;
  }
  const std::string prefix = CsvField(item.item_id) + "," + CsvField(file_name) + ",";
  std::string out;
  if (item.status != model::ItemStatus::kProcessed) {
    out += prefix + ",,," + CsvField(item.status == model::ItemStatus::kFailed ? "error" : "not_run") + ",," +
           CsvField(item.error_message.value_or(model::ToString(item.status))) + ",\r\n";
    return out;
  }
  auto result = item.result ? ParseJson(*item.result) : StatusOr<json::value>(Status::NotFound(""));
  if (!result.ok() || !result->is_object()) return out;
  const json::value* fields = result->as_object().if_contains("fields");
  if (!fields || !fields->is_object()) return out;
  for (const auto& [path, verdict] : fields->as_object()) {
    if (!verdict.is_object()) continue;
    const auto& v = verdict.as_object();
    std::string score = v.contains("score") ? json::serialize(v.at("score")) : "";
    out += prefix + CsvField(std::string(path)) + "," + CsvField(CsvValue(v.if_contains("expected"))) + "," +
           CsvField(CsvValue(v.if_contains("actual"))) + "," + CsvField(CsvValue(v.if_contains("verdict"))) + "," +
           score + "," + CsvField(CsvValue(v.if_contains("reason"))) + "," +
           CsvField(CsvValue(v.if_contains("category"))) + "\r\n";
  }
  return out;
}

StatusOr<Response> ExportCsv(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + run.id + "-results.csv\"");
  // State lives in the writer: each call streams one page of run items.
  struct Cursor {
    int64_t after = 0;
    bool header_sent = false;
  };
  auto cursor = std::make_shared<Cursor>();
  Services* svc = &ctx.svc;
  std::string run_id = run.id;
  r.stream = [svc, run_id, cursor](const std::function<void(std::string_view)>& sink) {
    if (!cursor->header_sent) {
      sink("itemId,fileName,fieldPath,expected,actual,verdict,score,reason,category\r\n");
      cursor->header_sent = true;
    }
    auto items = svc->runs->ListItems(run_id, cursor->after, 200);
    if (!items.ok() || items->empty()) return false;
    std::string chunk;
    for (const auto& it : *items) {
      chunk += CsvRows(*svc, it);
      cursor->after = it.seq;
    }
    sink(chunk);
    return true;
  };
  return r;
}

// ?alpha=&margin=&effect= of the compare endpoint; absent -> eval's defaults. A value that
// is not one plain number (repeated, empty, "abc", "inf") fails with the range message.
StatusOr<eval::CompareOptions> CompareOptionsOf(const Request& req) {
  eval::CompareOptions o;
  for (auto [name, slot] : {std::pair{"alpha", &o.alpha}, {"margin", &o.margin}, {"effect", &o.effect}}) {
    if (std::optional<double> x = QueryNumber(req, name)) *slot = *x;
  }
  GOLDSET_RETURN_IF_ERROR(eval::ValidateCompareOptions(o));
  return o;
}

// Scored items of a run (failed and unscored items are not compared), and the canonical
// expected output of every finished item (to align runs on different set versions).
Status CollectScored(Services& svc, const store::RunRecord& run, std::vector<eval::ComparedItem>* out,
                     std::map<std::string, std::string>* expected) {
  return svc.runs->ForEachFinishedItem(run.id, [&](const store::RunItemRecord& item) {
    auto e = ParseJson(item.expected_output);
    (*expected)[item.item_id] = e.ok() ? CanonicalJson(*e) : item.expected_output;
    if (item.status != model::ItemStatus::kProcessed || !item.result) return;
    auto v = ParseJson(*item.result);
    if (v.ok() && v->is_object()) out->push_back({item.item_id, std::move(v->as_object())});
  });
}

std::optional<int64_t> ScoringVersionOf(const store::RunRecord& run) {
  if (!run.manifest) return std::nullopt;
  auto m = ParseJson(*run.manifest);
  if (!m.ok() || !m->is_object()) return std::nullopt;
  const json::value* v = m->as_object().if_contains("scoringVersion");
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

// Runs on different set versions (docs/evaluation.md § Versions, history and re-scoring):
// items are aligned by id; items only one run has, and items whose expected output
// differs between the runs, are listed and left out of the statistics. Removes the
// changed items from both lists and returns the response's alignment fields.
json::object AlignVersions(const store::RunRecord& baseline, const store::RunRecord& candidate,
                           const std::map<std::string, std::string>& base_expected,
                           const std::map<std::string, std::string>& cand_expected,
                           std::vector<eval::ComparedItem>* base_items, std::vector<eval::ComparedItem>* cand_items) {
  constexpr size_t kMaxListed = 1000;
  json::array only_base, only_cand, changed;
  size_t n_only_base = 0, n_only_cand = 0, n_changed = 0;
  std::set<std::string> changed_ids;
  for (const auto& [id, e] : base_expected) {
    auto it = cand_expected.find(id);
    if (it == cand_expected.end()) {
      if (n_only_base++ < kMaxListed) only_base.emplace_back(id);
    } else if (it->second != e) {
      changed_ids.insert(id);
      if (n_changed++ < kMaxListed) changed.emplace_back(id);
    }
  }
  for (const auto& [id, e] : cand_expected)
    if (!base_expected.count(id) && n_only_cand++ < kMaxListed) only_cand.emplace_back(id);
  auto drop = [&](std::vector<eval::ComparedItem>* items) {
    items->erase(std::remove_if(items->begin(), items->end(),
                                [&](const eval::ComparedItem& i) { return changed_ids.count(i.item_id) > 0; }),
                 items->end());
  };
  drop(base_items);
  drop(cand_items);
  std::set<std::string> in_base;
  for (const auto& i : *base_items) in_base.insert(i.item_id);
  size_t compared = 0;
  for (const auto& i : *cand_items) compared += in_base.count(i.item_id);
  auto version = [](const store::RunRecord& r) {
    return r.set_version ? json::value(*r.set_version) : json::value(nullptr);
  };
  auto scoring = [](const store::RunRecord& r) {
    auto v = ScoringVersionOf(r);
    return v ? json::value(*v) : json::value(nullptr);
  };
  auto sb = ScoringVersionOf(baseline), sc = ScoringVersionOf(candidate);
  json::object out;
  out["itemsOnlyInBaseline"] = std::move(only_base);
  out["itemsOnlyInCandidate"] = std::move(only_cand);
  out["itemsWithChangedExpected"] = std::move(changed);
  out["alignment"] = json::object{
      {"baselineSetVersion", version(baseline)},
      {"candidateSetVersion", version(candidate)},
      {"sameSetVersion", baseline.set_version == candidate.set_version},
      {"numItemsOnlyInBaseline", n_only_base},
      {"numItemsOnlyInCandidate", n_only_cand},
      {"numItemsWithChangedExpected", n_changed},
      {"numItemsCompared", compared},
      {"statisticsOn", "items both runs scored against the same expected output"},
      {"baselineScoringVersion", scoring(baseline)},
      {"candidateScoringVersion", scoring(candidate)},
      {"scoringComparable", sb == sc},
  };
  return out;
}

StatusOr<Response> Compare(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  auto baseline_id = ctx.req.QueryValue("baseline");
  if (!baseline_id || baseline_id->empty())
    return Status::InvalidArgument("baseline is required: the id of the run to compare against");
  GOLDSET_ASSIGN_OR_RETURN(auto options, CompareOptionsOf(ctx.req));
  GOLDSET_ASSIGN_OR_RETURN(auto baseline, ctx.svc.runs->GetRun(ctx.caller.workspace_id, *baseline_id));
  if (baseline.set_id != run.set_id)
    return Status::InvalidArgument("Runs of different evaluation sets cannot be compared (" + run.set_id + " vs " +
                                   baseline.set_id + ")");
  // Finished runs never change, so neither does their comparison: it is computed once
  // (10,000 bootstrap resamples per request were a cheap way to load the handler pool,
  // F25a) and then served as stored, per parameter set (alpha, margin, effect), up to
  // --max-stored-comparisons sets per pair. x-goldset-cache says which: hit, miss
  // (computed and stored) or bypass (a run is still going, or the pair has its maximum
  // of stored sets; computed, not stored).
  const bool cacheable = run.finished() && baseline.finished();
  const store::ComparisonKey key{ctx.caller.workspace_id, run.id, baseline.id,
                                 eval::CompareRunsParameters(options) + ";align=1"};
  return ServeStoredAnswer(ctx, key, cacheable, [&]() -> StatusOr<std::string> {
    std::vector<eval::ComparedItem> base_items, cand_items;
    std::map<std::string, std::string> base_expected, cand_expected;
    GOLDSET_RETURN_IF_ERROR(CollectScored(ctx.svc, baseline, &base_items, &base_expected));
    GOLDSET_RETURN_IF_ERROR(CollectScored(ctx.svc, run, &cand_items, &cand_expected));
    json::object alignment = AlignVersions(baseline, run, base_expected, cand_expected, &base_items, &cand_items);
    json::object out = eval::CompareRuns(eval::KindOfEntity(run.entity_kind), base_items, cand_items, options);
    for (auto& kv : alignment) out[kv.key()] = std::move(kv.value());
    out["object"] = "evaluation_set_run_comparison";
    out["runId"] = run.id;
    out["baselineRunId"] = baseline.id;
    return json::serialize(out);
  });
}

// Accuracies of the run's scored items with Wilson 95% intervals (eval::ResultsSummary).
StatusOr<Response> Summary(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, ctx.Param("id")));
  eval::ResultsSummary summary(eval::KindOfEntity(run.entity_kind));
  size_t failed = 0;
  Status st = ctx.svc.runs->ForEachFinishedItem(run.id, [&](const store::RunItemRecord& item) {
    if (item.status == model::ItemStatus::kFailed) ++failed;
    if (item.status != model::ItemStatus::kProcessed || !item.result) return;
    auto v = ParseJson(*item.result);
    if (v.ok() && v->is_object()) summary.Add(v->as_object());
  });
  if (!st.ok()) return st;
  json::object out{
      {"object", "evaluation_set_run_summary"}, {"runId", run.id}, {"status", model::ToString(run.status)}};
  for (auto& kv : summary.Build()) out[kv.key()] = std::move(kv.value());
  out["numItemsFailed"] = failed;
  return JsonResponse(out);
}

}  // namespace

void RegisterRunResultRoutes(Router& r) {
  r.Add({"GET", "/evaluation_set_runs/{id}/results", ListResults, true, RateCategory::kGet});
  r.Add({"GET", "/evaluation_set_runs/{id}/results.csv", ExportCsv, true, RateCategory::kGet});
  r.Add({"GET", "/evaluation_set_runs/{id}/summary", Summary, true, RateCategory::kGet});
  r.Add({"GET", "/evaluation_set_runs/{id}/results/{itemId}", GetResult, true, RateCategory::kGet, BodyKind::kNone,
         Dispatch::kInline});
  r.Add({"GET", "/evaluation_set_runs/{id}/compare", Compare, true, RateCategory::kGet});
}

}  // namespace goldset::api
