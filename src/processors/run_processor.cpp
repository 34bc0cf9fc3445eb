// RunProcessor: dispatch on the config's engine type.
#include "processors/http_engine.h"
#include "processors/llm_engine.h"
#include "processors/processors.h"
#include "processors/rules_classify.h"
#include "processors/rules_extract.h"

namespace goldset::processors {

StatusOr<json::value> RunProcessor(Kind kind, const json::object& config, const parse::Document& doc,
                                   const FileRef& file, const EngineContext& ctx) {
  if (!ctx.policy) return Status::Internal("no engine policy configured");
  // Again at call time: a config stored before the operator tightened the policy (or
  // before this check existed) must not get past it.
  GOLDSET_RETURN_IF_ERROR(ValidateEngineConfig(kind, config, *ctx.policy));
  std::string type = "rules";
  if (const json::value* e = Find(config, "engine")) type = GetString(e->as_object(), "type").value_or("rules");
  if (type == "http") return RunHttpEngine(kind, config, doc, file, ctx);
  if (type == "llm") return RunLlmEngine(kind, config, doc, file, ctx);
  switch (kind) {
    case Kind::kExtractor: return RulesExtract(config, doc);
    case Kind::kClassifier: return RulesClassify(config, doc);
    case Kind::kSplitter: return RulesSplit(config, doc, file.id);
  }
  return Status::Internal("unknown processor kind");
}

}  // namespace goldset::processors
