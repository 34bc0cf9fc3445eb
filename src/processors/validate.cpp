// ValidateEngineConfig: the `engine` key and the `x-rules` hints of a processor config.
#include <re2/re2.h>

#include <cstdint>

#include "outbound/header_rules.h"
#include "processors/processors.h"

namespace goldset::processors {

namespace {

Status Bad(const std::string& path, const std::string& why) { return Status::InvalidArgument(path + " " + why); }

// A well-formed config the operator's policy refuses (422), in the "; Path: " form the
// API's validator uses.
Status Refused(const std::string& path, const std::string& why) {
  return Status::Unprocessable(why + "; Path: " + path);
}

bool IsHttpUrl(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

Status CheckTimeout(const json::object& engine) {
  if (const json::value* t = Find(engine, "timeoutMs")) {
    if (!t->is_int64() && !t->is_uint64()) return Bad("config.engine.timeoutMs", "must be an integer");
    // A uint64 holds only values above INT64_MAX (smaller ones parse as int64).
    const int64_t v = t->is_uint64() ? INT64_MAX : t->as_int64();
    if (v < 1 || v > 600000) return Bad("config.engine.timeoutMs", "must be between 1 and 600000");
  }
  return Status::OK();
}

Status CheckHeaders(const json::object& engine) {
  const json::value* h = Find(engine, "headers");
  if (!h) return Status::OK();
  if (!h->is_object()) return Bad("config.engine.headers", "must be an object of strings");
  for (const auto& [k, v] : h->as_object())
    if (!v.is_string()) return Bad("config.engine.headers." + std::string(k), "must be a string");
  if (h->as_object().size() > outbound::kMaxConfiguredHeaders)
    return Refused("config.engine.headers",
                   "engine.headers has more than " + std::to_string(outbound::kMaxConfiguredHeaders) + " entries");
  for (const auto& [k, v] : h->as_object())
    if (auto why = outbound::ConfiguredHeaderProblem(k, v.as_string()))
      return Refused("config.engine.headers." + std::string(k), "engine.headers: '" + std::string(k) + "' " + *why);
  return Status::OK();
}

Status CheckEngine(const json::object& config, const EnginePolicy& policy) {
  const json::value* e = Find(config, "engine");
  if (!e) return Status::OK();
  if (!e->is_object()) return Bad("config.engine", "must be an object");
  const json::object& engine = e->as_object();
  // No type means the default engine, as RunProcessor reads it.
  if (const json::value* t = Find(engine, "type"); t && !t->is_string())
    return Bad("config.engine.type", "must be one of rules, llm, http");
  auto type = GetString(engine, "type");
  if (!type || *type == "rules") return Status::OK();
  if (*type == "http") {
    auto url = GetString(engine, "url");
    if (!url || !IsHttpUrl(*url)) return Bad("config.engine.url", "must be an http(s) URL");
    GOLDSET_RETURN_IF_ERROR(CheckHeaders(engine));
    return CheckTimeout(engine);
  }
  if (*type == "llm") {
    auto base = GetString(engine, "baseUrl");
    if (!base || !IsHttpUrl(*base)) return Bad("config.engine.baseUrl", "must be an http(s) URL");
    auto model = GetString(engine, "model");
    if (!model || model->empty()) return Bad("config.engine.model", "must be a non-empty string");
    if (const json::value* k = Find(engine, "apiKeyEnv")) {
      static const RE2 kEnvName("[A-Za-z_][A-Za-z0-9_]*");
      if (!k->is_string() || !RE2::FullMatch(std::string(k->as_string()), kEnvName))
        return Bad("config.engine.apiKeyEnv", "must be an environment variable name");
      // By name only: whether the variable is set is never consulted here.
      if (!policy.key_env_allow.Allows(k->as_string()))
        return Status::Unprocessable(ApiKeyUnavailableMessage(k->as_string(), policy.key_env_allow));
    }
    // Optional prices: {promptPer1M, completionPer1M, currency?} turn reported tokens into cost.
    if (const json::value* pr = Find(engine, "pricing")) {
      if (!pr->is_object())
        return Bad("config.engine.pricing", "must be an object {promptPer1M, completionPer1M, currency?}");
      for (const char* key : {"promptPer1M", "completionPer1M"}) {
        const json::value* v = Find(pr->as_object(), key);
        if (!v || !v->is_number() || !(v->to_number<double>() >= 0) || v->to_number<double>() > 1e9)
          return Bad(std::string("config.engine.pricing.") + key, "must be a number between 0 and 1e9");
      }
      if (const json::value* c = Find(pr->as_object(), "currency")) {
        static const RE2 kCode("[A-Z]{3}");
        if (!c->is_string() || !RE2::FullMatch(std::string(c->as_string()), kCode))
          return Bad("config.engine.pricing.currency", "must be an ISO 4217 code such as USD");
      }
    }
    if (const json::value* m = Find(engine, "maxInputChars")) {
      if (!m->is_uint64() && (!m->is_int64() || m->as_int64() < kMinLlmInputChars))
        return Status::InvalidArgument("engine.maxInputChars must be an integer of at least " +
                                       std::to_string(kMinLlmInputChars) +
                                       " (smaller chunks would multiply the calls made per document); "
                                       "Path: config.engine.maxInputChars");
    }
    return CheckTimeout(engine);
  }
  return Bad("config.engine.type", "must be one of rules, llm, http (got '" + *type + "')");
}

Status CheckStringArray(const json::object& rules, const char* key, const std::string& path) {
  const json::value* v = Find(rules, key);
  if (!v) return Status::OK();
  if (!v->is_array()) return Bad(path + "." + key, "must be an array of strings");
  size_t i = 0;
  for (const auto& s : v->as_array()) {
    if (!s.is_string()) return Bad(path + "." + key + "[" + std::to_string(i) + "]", "must be a string");
    ++i;
  }
  return Status::OK();
}

Status CheckFieldRules(const json::value& rv, const std::string& path) {
  if (!rv.is_object()) return Bad(path, "must be an object");
  const json::object& rules = rv.as_object();
  GOLDSET_RETURN_IF_ERROR(CheckStringArray(rules, "patterns", path));
  if (const json::value* p = Find(rules, "patterns")) {
    size_t i = 0;
    for (const auto& s : p->as_array()) {
      std::string at = path + ".patterns[" + std::to_string(i++) + "]";
      RE2 re(std::string(s.as_string()), RE2::Quiet);
      if (!re.ok()) return Bad(at, "does not compile: " + re.error());
      if (re.NumberOfCapturingGroups() != 1) return Bad(at, "must have exactly one capture group");
    }
  }
  GOLDSET_RETURN_IF_ERROR(CheckStringArray(rules, "labels", path));
  if (const json::value* d = Find(rules, "dateOrder")) {
    if (!d->is_string() || (d->as_string() != "DMY" && d->as_string() != "MDY" && d->as_string() != "YMD"))
      return Bad(path + ".dateOrder", "must be DMY, MDY or YMD");
  }
  if (const json::value* r = Find(rules, "rowPattern")) {
    if (!r->is_string()) return Bad(path + ".rowPattern", "must be a string");
    RE2 re(std::string(r->as_string()), RE2::Quiet);
    if (!re.ok()) return Bad(path + ".rowPattern", "does not compile: " + re.error());
    if (re.NamedCapturingGroups().empty()) return Bad(path + ".rowPattern", "must have named groups");
  }
  if (const json::value* c = Find(rules, "defaultCurrency")) {
    if (!c->is_string() || c->as_string().size() != 3)
      return Bad(path + ".defaultCurrency", "must be an ISO 4217 code");
  }
  return Status::OK();
}

Status CheckSchema(const json::value& schema, const std::string& path, int depth) {
  if (depth > 16 || !schema.is_object()) return Status::OK();
  const json::object& o = schema.as_object();
  if (const json::value* r = Find(o, "x-rules")) GOLDSET_RETURN_IF_ERROR(CheckFieldRules(*r, path + ".x-rules"));
  if (const json::value* props = Find(o, "properties"); props && props->is_object())
    for (const auto& [k, v] : props->as_object())
      GOLDSET_RETURN_IF_ERROR(CheckSchema(v, path + ".properties." + std::string(k), depth + 1));
  if (const json::value* items = Find(o, "items"))
    GOLDSET_RETURN_IF_ERROR(CheckSchema(*items, path + ".items", depth + 1));
  return Status::OK();
}

Status CheckClassRules(const json::object& config, const char* key, bool splitter) {
  const json::value* list = Find(config, key);
  if (!list || !list->is_array()) return Status::OK();  // the contract validator reports it
  size_t i = 0;
  for (const auto& c : list->as_array()) {
    std::string path = std::string("config.") + key + "[" + std::to_string(i++) + "].x-rules";
    if (!c.is_object()) continue;
    const json::value* r = Find(c.as_object(), "x-rules");
    if (!r) continue;
    if (!r->is_object()) return Bad(path, "must be an object");
    GOLDSET_RETURN_IF_ERROR(CheckStringArray(r->as_object(), "keywords", path));
    if (splitter) GOLDSET_RETURN_IF_ERROR(CheckStringArray(r->as_object(), "startKeywords", path));
    if (const json::value* id = Find(r->as_object(), "identifier"); id && splitter)
      GOLDSET_RETURN_IF_ERROR(CheckFieldRules(*id, path + ".identifier"));
  }
  return Status::OK();
}

}  // namespace

Status ValidateEngineConfig(Kind kind, const json::object& config, const EnginePolicy& policy) {
  GOLDSET_RETURN_IF_ERROR(CheckEngine(config, policy));
  switch (kind) {
    case Kind::kExtractor:
      if (const json::value* s = Find(config, "schema")) return CheckSchema(*s, "config.schema", 0);
      return Status::OK();
    case Kind::kClassifier: return CheckClassRules(config, "classifications", false);
    case Kind::kSplitter: return CheckClassRules(config, "splitClassifications", true);
  }
  return Status::OK();
}

}  // namespace goldset::processors
