// EntityCatalog over the processor store: what evaluation sets and runs need to know
// about extractors, classifiers and splitters.
#include "api/processor_catalog.h"

#include "api/processor_json.h"

namespace goldset::api {

namespace {

class ProcessorCatalog final : public EntityCatalog {
 public:
  explicit ProcessorCatalog(store::ProcessorStore& store) : store_(store) {}

  StatusOr<ResolvedEntity> Describe(const std::string& workspace_id, const std::string& entity_id) override {
    auto p = store_.Find(workspace_id, entity_id);
    if (!p.ok()) return p.status();
    ResolvedEntity e;
    e.kind = model::KindInfo(p->kind).name;
    e.summary = ProcessorSummaryJson(*p);
    return e;
  }

  StatusOr<ResolvedEntity> Resolve(const std::string& workspace_id, const std::string& entity_id,
                                   const std::string& version) override {
    auto p = store_.Find(workspace_id, entity_id);
    if (!p.ok()) return p.status();
    auto v = store_.ResolveVersion(workspace_id, p->kind, p->id, version, /*allow_id=*/false);
    if (!v.ok()) return v.status();
    auto config = ParseJson(v->config);
    if (!config.ok() || !config->is_object())
      return Status::Internal("version " + v->id + " has a config that is not a JSON object");
    ResolvedEntity e;
    e.kind = model::KindInfo(p->kind).name;
    e.summary = ProcessorSummaryJson(*p);
    e.version = ProcessorVersionJson(*v, /*with_config=*/false);
    e.config = std::move(config->as_object());
    return e;
  }

 private:
  store::ProcessorStore& store_;
};

}  // namespace

std::unique_ptr<EntityCatalog> MakeProcessorCatalog(store::ProcessorStore& store) {
  return std::make_unique<ProcessorCatalog>(store);
}

}  // namespace goldset::api
