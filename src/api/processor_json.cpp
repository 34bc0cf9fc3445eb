#include "api/processor_json.h"

#include "common/clock.h"
#include "store/processor_store.h"

namespace goldset::api {

json::value CreatedByJson(const std::optional<std::string>& key_name) {
  if (!key_name) return nullptr;
  return json::object{{"type", "api_key"}, {"name", *key_name}};
}

json::object ProcessorSummaryJson(const model::Processor& p) {
  json::object o;
  o["object"] = model::KindInfo(p.kind).name;
  o["id"] = p.id;
  o["name"] = p.name;
  o["createdAt"] = FormatRfc3339(p.created_at);
  o["updatedAt"] = FormatRfc3339(p.updated_at);
  return o;
}

json::object ProcessorJson(const model::Processor& p) {
  json::object o = ProcessorSummaryJson(p);
  o["draftVersion"] = ProcessorVersionJson(store::ProcessorStore::DraftOf(p), /*with_config=*/true);
  return o;
}

json::object ProcessorVersionJson(const model::ProcessorVersion& v, bool with_config) {
  const auto& info = model::KindInfo(v.kind);
  json::object o;
  o["object"] = info.version_object;
  o["id"] = v.id;
  o[info.owner_field] = v.processor_id;
  o["version"] = v.version;
  if (v.description) o["description"] = *v.description;
  else o["description"] = nullptr;
  if (with_config) {
    // Stored configs were validated JSON objects when written; an unreadable one is
    // shown as {} rather than failing every read of the processor.
    auto parsed = ParseJson(v.config);
    o["config"] = parsed.ok() && parsed->is_object() ? std::move(*parsed) : json::value(json::object{});
  }
  o["createdAt"] = FormatRfc3339(v.created_at);
  o["createdBy"] = CreatedByJson(v.created_by);
  return o;
}

}  // namespace goldset::api
