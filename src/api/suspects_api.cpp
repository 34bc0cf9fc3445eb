// Suspect labels (extension, docs/evaluation.md § Suspect labels):
// GET /evaluation_sets/{id}/suspects?runs=bpr_a,bpr_b,… ranks the set's item/field labels
// by how likely they are wrong, from runs that agree with each other and not with the label
// (eval/suspects.h). A run's verdict on an item counts only when the run scored it against
// the item's current expected output.
#include <charconv>
#include <set>

#include "api/app.h"
#include "common/canonical_json.h"
#include "eval/suspects.h"

namespace goldset::api {

namespace {

constexpr size_t kMaxSuspectRuns = 10;

StatusOr<std::vector<std::string>> RunIds(const Request& req) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const std::string& value : req.QueryValues("runs")) {
    size_t start = 0;
    for (;;) {
      size_t comma = value.find(',', start);
      std::string id = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (id.empty() || id.size() > 64)
        return Status::InvalidArgument("runs must be a comma-separated list of run ids");
      if (seen.insert(id).second) ids.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (ids.empty())
    return Status::InvalidArgument("runs is required: the ids of 1 to 10 runs of this set, comma-separated");
  if (ids.size() > kMaxSuspectRuns)
    return Status::InvalidArgument("runs names " + std::to_string(ids.size()) + " runs; at most 10 are accepted");
  return ids;
}

StatusOr<int> Limit(const Request& req) {
  auto v = req.QueryValue("maxPageSize");
  if (!v) return 100;
  int n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || ptr != v->data() + v->size() || n < 1 || n > 1000)
    return Status::InvalidArgument("maxPageSize must be an integer from 1 to 1000");
  return n;
}

// Only what the ranking reads of a result (verdict, expected, actual per field): rows,
// columns and reasons of large array fields are dropped as each result is read.
json::object Verdicts(const json::object& result) {
  json::object fields;
  if (const json::value* f = result.if_contains("fields"); f && f->is_object()) {
    for (const auto& kv : f->as_object()) {
      if (!kv.value().is_object()) continue;
      json::object v;
      for (const char* key : {"verdict", "expected", "actual"})
        if (const json::value* x = kv.value().as_object().if_contains(key)) v[key] = *x;
      fields[kv.key()] = std::move(v);
    }
  }
  return json::object{{"fields", std::move(fields)}};
}

StatusOr<Response> Suspects(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto set, ctx.svc.evaluations->GetSet(ctx.caller.workspace_id, ctx.Param("id")));
  GOLDSET_ASSIGN_OR_RETURN(auto ids, RunIds(ctx.req));
  GOLDSET_ASSIGN_OR_RETURN(auto limit, Limit(ctx.req));
  std::vector<store::RunRecord> runs;
  for (const std::string& id : ids) {
    GOLDSET_ASSIGN_OR_RETURN(auto run, ctx.svc.runs->GetRun(ctx.caller.workspace_id, id));
    if (run.set_id != set.id)
      return Status::InvalidArgument("Run " + id + " is a run of evaluation set " + run.set_id + ", not of " + set.id);
    runs.push_back(std::move(run));
  }
  int64_t results = 0;
  for (const auto& run : runs) results += run.num_items;
  if (results > ctx.svc.config.max_suspect_results)
    return Status::InvalidArgument("runs hold " + std::to_string(results) + " item results together; at most " +
                                   std::to_string(ctx.svc.config.max_suspect_results) +
                                   " are ranked per request (--max-suspect-results): name fewer runs");
  // The current labels, canonical, to keep only verdicts made against them.
  std::map<std::string, std::string> current;
  store::PageRequest page;
  page.sort_column = "created_at";
  page.descending = false;
  page.limit = 1000;
  for (;;) {
    GOLDSET_ASSIGN_OR_RETURN(auto items, ctx.svc.evaluations->ListItems(ctx.caller.workspace_id, set.id, page));
    for (const auto& it : items.items) {
      auto v = ParseJson(it.expected_output);
      if (v.ok()) current[it.id] = CanonicalJson(*v);
    }
    if (!items.next) break;
    page.after = items.next;
  }
  std::vector<eval::SuspectRun> inputs;
  json::array used;
  for (const auto& run : runs) {
    eval::SuspectRun in;
    in.run_id = run.id;
    Status st = ctx.svc.runs->ForEachFinishedItem(run.id, [&](const store::RunItemRecord& item) {
      if (item.status != model::ItemStatus::kProcessed || !item.result) return;
      auto label = current.find(item.item_id);
      if (label == current.end()) return;
      auto expected = ParseJson(item.expected_output);
      if (!expected.ok() || CanonicalJson(*expected) != label->second) return;
      auto result = ParseJson(*item.result);
      if (result.ok() && result->is_object()) in.results.emplace(item.item_id, Verdicts(result->as_object()));
    });
    if (!st.ok()) return st;
    used.push_back(json::object{{"id", run.id}, {"itemsUsed", in.results.size()}});
    inputs.push_back(std::move(in));
  }
  std::vector<eval::Suspect> ranked = eval::RankSuspects(inputs);
  json::array data;
  for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(limit); ++i) {
    const auto& s = ranked[i];
    json::array agreeing;
    for (const auto& r : s.agreeing_runs) agreeing.emplace_back(r);
    data.push_back(json::object{{"object", "evaluation_set_suspect"},
                                {"itemId", s.item_id},
                                {"fieldPath", s.field_path},
                                {"expected", s.expected},
                                {"consensus", s.consensus},
                                {"agreeingRuns", std::move(agreeing)},
                                {"score", s.score}});
  }
  json::object out{
      {"object", "list"},
      {"data", std::move(data)},
      {"nextPageToken", nullptr},
      {"totalSuspects", ranked.size()},
      {"runs", std::move(used)},
      {"reliability", eval::SuspectReliabilities(inputs)},
      {"method", "one-coin Dawid-Skene vote, leave-one-out run reliability per field (docs/evaluation.md)"}};
  return JsonResponse(out);
}

}  // namespace

void RegisterSuspectRoutes(Router& r) {
  r.Add({"GET", "/evaluation_sets/{id}/suspects", Suspects, true, RateCategory::kGet});
}

}  // namespace goldset::api
