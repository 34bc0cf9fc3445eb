#include "api/run_manifest.h"

#include "common/canonical_json.h"
#include "common/version.h"
#include "eval/eval.h"

namespace goldset::api {

json::object RunManifestBase(const json::object& config) {
  std::string engine = "rules";
  if (const json::value* e = config.if_contains("engine"); e && e->is_object())
    if (const json::value* t = e->as_object().if_contains("type"); t && t->is_string())
      engine = std::string(t->as_string());
  return json::object{{"configHash", CanonicalJsonSha256(config)},
                      {"scoringVersion", eval::kScoringVersion},
                      {"goldsetVersion", kGoldsetVersion},
                      {"engine", engine}};
}

}  // namespace goldset::api
