// libFuzzer target: processor config validation (extractor schemas, classifications,
// split classifications, the engine extension) through the functions the handlers call.
// Input: one byte choosing the kind, then the JSON config.
// Checks: validation never throws or crashes; the unknown-keys warning header value is
// printable ASCII whatever the keys are.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/processor_config.h"
#include "common/json.h"
#include "processors/engine_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace goldset;
  if (size < 1) return 0;
  static const model::ProcessorKind kKinds[] = {model::ProcessorKind::kExtractor, model::ProcessorKind::kClassifier,
                                                model::ProcessorKind::kSplitter};
  const model::ProcessorKind kind = kKinds[data[0] % 3];
  auto parsed = ParseJson(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if (!parsed.ok() || !parsed->is_object()) return 0;
  static const processors::EnginePolicy policy;  // the defaults: GOLDSET_LLM_* keys
  (void)api::ValidateProcessorConfig(kind, parsed->as_object(), policy);
  std::string warning = api::UnknownKeysWarning(api::UnknownConfigKeys(kind, parsed->as_object()));
  for (char c : warning)
    if (c < 0x20 || c > 0x7e) std::abort();
  return 0;
}
