#include "api/item_revisions.h"

#include "eval/run_options.h"

#include "api/processor_json.h"
#include "common/clock.h"
#include "eval/eval.h"
#include "jobs/run_metrics.h"

namespace goldset::api {

StatusOr<int64_t> ReviseExpected(RequestContext& ctx, const store::EvaluationSetRecord& set,
                                 const store::EvaluationItemRecord& item, const json::value& expected,
                                 const store::RevisionCause& cause) {
  auto resolved = ctx.svc.entities->Resolve(ctx.caller.workspace_id, set.entity_id, "draft");
  if (!resolved.ok()) {
    if (resolved.status().code() == Status::Code::kNotFound)
      return Status::InvalidArgument("The set's processor " + set.entity_id + " no longer exists");
    return resolved.status();
  }
  std::optional<int> page_count;
  if (item.file_id) {
    auto f = ctx.svc.files->Get(ctx.caller.workspace_id, *item.file_id);
    if (f.ok()) page_count = f->page_count;
  }
  Status st = eval::ValidateExpectedOutput(eval::KindOfEntity(set.entity_kind), resolved->config, expected, page_count);
  if (!st.ok()) return st;
  return ctx.svc.evaluations->UpdateItemExpected(ctx.caller.workspace_id, set.id, item.id, json::serialize(expected),
                                                 NowMillis(), cause);
}

store::RevisionCause CauseOf(const RequestContext& ctx, const std::string& reason) {
  store::RevisionCause cause;
  cause.reason = reason;
  cause.actor_type = "api_key";
  cause.actor_name = ctx.caller.key_name;
  return cause;
}

json::object SetVersionJson(const store::SetVersionRecord& v) {
  return json::object{
      {"object", "evaluation_set_version"},
      {"evaluationSetId", v.set_id},
      {"version", v.version},
      {"contentHash", v.content_hash},
      {"itemCount", v.item_count},
      {"createdAt", FormatRfc3339(v.created_at)},
      {"createdBy", CreatedByJson(v.created_by)},
      {"change", json::object{{"created", v.num_created}, {"updated", v.num_updated}, {"deleted", v.num_deleted}}}};
}

json::object ItemRevisionJson(const store::ItemRevisionRecord& r) {
  json::object o;
  o["object"] = "evaluation_set_item_revision";
  o["evaluationSetItemId"] = r.item_id;
  o["revision"] = r.revision;
  o["evaluationSetVersion"] = r.set_version;
  json::value expected = nullptr;
  if (r.expected_output) {
    auto v = ParseJson(*r.expected_output);
    if (v.ok()) expected = std::move(*v);
  }
  o["expectedOutput"] = std::move(expected);
  if (r.file_id) o["fileId"] = *r.file_id;
  if (!r.file_ids.empty()) {
    auto v = ParseJson(r.file_ids);
    o["fileIds"] = v.ok() ? *v : json::value(json::array{});
  }
  o["changedAt"] = FormatRfc3339(r.changed_at);
  o["changedBy"] = json::object{{"type", r.cause.actor_type},
                                {"name", r.cause.actor_name ? json::value(*r.cause.actor_name) : json::value(nullptr)}};
  o["reason"] = r.cause.reason;
  o["sourceRunId"] = r.cause.source_run_id ? json::value(*r.cause.source_run_id) : json::value(nullptr);
  return o;
}

}  // namespace goldset::api
