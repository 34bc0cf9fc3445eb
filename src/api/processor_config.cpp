#include "api/processor_config.h"

#include "eval/eval.h"
#include "processors/processors.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>

namespace goldset::api {

namespace {

using model::ProcessorKind;

constexpr int kMaxNesting = 5;  // non-root object levels (contract 4.4)

Status Bad(const std::string& what, const std::string& path) {
  return Status::InvalidArgument(what + "; Path: " + path);
}

// A JSON string literal made of printable ASCII only (safe in messages and headers).
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      // Decode one UTF-8 sequence (input is valid UTF-8: it came from the JSON parser).
      uint32_t cp = c;
      int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
      if (extra) cp = c & (0x3f >> extra);
      for (int k = 0; k < extra && i + 1 < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3f);
      char buf[16];
      if (cp >= 0x10000) {
        cp -= 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      }
      out += buf;
    }
  }
  return out + "\"";
}

const char* TypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

Status ExpectKind(const json::object& o, std::string_view key, json::kind kind, const char* want,
                  const std::string& path) {
  const json::value* v = Find(o, key);
  if (!v) return Status::OK();
  bool ok = v->kind() == kind;
  if (!ok) return Bad(std::string(key) + " must be " + want + ", not " + TypeName(*v), path + "." + std::string(key));
  return Status::OK();
}
Status OptString(const json::object& o, std::string_view key, const std::string& path) {
  return ExpectKind(o, key, json::kind::string, "a string", path);
}
Status OptObject(const json::object& o, std::string_view key, const std::string& path) {
  return ExpectKind(o, key, json::kind::object, "an object", path);
}

bool IsValidKey(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

bool IsTypeName(std::string_view t) {
  return t == "string" || t == "number" || t == "integer" || t == "boolean" || t == "object" || t == "array";
}

// The `type` of a schema node: the base type and whether null is allowed.
struct NodeType {
  std::string base;  // "" when `type` is absent
  bool nullable = false;
};

StatusOr<NodeType> ReadType(const json::object& node, const std::string& path) {
  NodeType t;
  const json::value* v = Find(node, "type");
  if (!v) return t;
  const std::string tp = path + ".type";
  const std::string want = "type must be one of string, number, integer, boolean, object, array, or [<type>, \"null\"]";
  if (v->is_string()) {
    t.base = std::string(v->as_string());
    if (t.base == "null") return Bad("type \"null\" alone is not allowed; use [<type>, \"null\"]", tp);
    if (!IsTypeName(t.base)) return Bad(want + ", not " + Quote(t.base), tp);
    return t;
  }
  if (v->is_array()) {
    const auto& a = v->as_array();
    std::vector<std::string> names;
    for (const auto& e : a) {
      if (!e.is_string()) return Bad(want + "; the array holds " + TypeName(e), tp);
      names.emplace_back(e.as_string());
    }
    if (names.size() == 2 && (names[0] == "null") != (names[1] == "null")) {
      t.base = names[0] == "null" ? names[1] : names[0];
      t.nullable = true;
      if (!IsTypeName(t.base)) return Bad(want + ", not " + Quote(t.base), tp);
      return t;
    }
    return Bad(want + "; a type array must hold exactly one type and \"null\"", tp);
  }
  return Bad(want + ", not " + TypeName(*v), tp);
}

Status CheckObjectBody(const json::object& node, const std::string& path, int depth);

// One field of a schema (a property, or an array's items when in_items).
Status CheckField(const json::value& value, const std::string& path, int depth, bool in_items) {
  if (!value.is_object()) return Bad(std::string("A schema field must be an object, not ") + TypeName(value), path);
  const json::object& node = value.as_object();
  for (const char* unsupported : {"$ref", "anyOf", "oneOf", "allOf", "not"}) {
    if (Find(node, unsupported))
      return Bad(std::string(unsupported) + " is not supported; use type [<type>, \"null\"] and nested properties",
                 path + "." + unsupported);
  }
  GOLDSET_RETURN_IF_ERROR(OptString(node, "description", path));
  GOLDSET_RETURN_IF_ERROR(OptString(node, "format", path));
  GOLDSET_RETURN_IF_ERROR(OptString(node, "extend:name", path));
  GOLDSET_RETURN_IF_ERROR(OptString(node, "title", path));
  GOLDSET_RETURN_IF_ERROR(OptObject(node, "x-rules", path));
  auto type = ReadType(node, path);
  if (!type.ok()) return type.status();
  std::string base = type->base;

  if (const json::value* e = Find(node, "enum")) {
    const std::string ep = path + ".enum";
    if (!e->is_array() || e->as_array().empty()) return Bad("enum must be a non-empty array of strings (and null)", ep);
    std::set<std::string> seen;
    size_t i = 0;
    for (const auto& opt : e->as_array()) {
      if (!opt.is_string() && !opt.is_null())
        return Bad(std::string("enum values must be strings or null, not ") + TypeName(opt),
                   ep + "[" + std::to_string(i) + "]");
      if (opt.is_string() && !seen.insert(std::string(opt.as_string())).second)
        return Bad("Duplicate enum value " + Quote(opt.as_string()), ep + "[" + std::to_string(i) + "]");
      ++i;
    }
    if (base.empty()) base = "string";
    if (base != "string") return Bad("An enum field must have type string, not " + Quote(base), path + ".type");
  }
  if (base.empty()) return Bad("A schema field needs a type (or an enum)", path + ".type");

  std::string extend_type;
  if (const json::value* x = Find(node, "extend:type")) {
    if (!x->is_string()) return Bad("extend:type must be a string", path + ".extend:type");
    extend_type = std::string(x->as_string());
    if (extend_type != "currency" && extend_type != "date" && extend_type != "signature")
      return Bad("extend:type must be \"currency\", \"date\" or \"signature\", not " + Quote(extend_type),
                 path + ".extend:type");
  }
  if ((extend_type == "date" || GetString(node, "format") == std::optional<std::string>("date")) && base != "string")
    return Bad("A date field must have type string or [\"string\", \"null\"], not " + Quote(base), path + ".type");
  if ((extend_type == "currency" || extend_type == "signature") && base != "object")
    return Bad("A " + extend_type + " field must have type object, not " + Quote(base), path + ".type");

  if (base == "array") {
    if (in_items) return Bad("Array items must be objects or primitives, not arrays", path + ".type");
    const json::value* items = Find(node, "items");
    if (!items) return Bad("An array field needs items (an object or primitive schema)", path + ".items");
    return CheckField(*items, path + ".items", depth, /*in_items=*/true);
  }
  if (Find(node, "items")) return Bad("items is only allowed on array fields", path + ".items");
  if (base == "object") {
    if (depth + 1 > kMaxNesting)
      return Bad("Schema nesting is deeper than " + std::to_string(kMaxNesting) + " object levels", path);
    GOLDSET_RETURN_IF_ERROR(CheckObjectBody(node, path, depth + 1));
    if (extend_type == "currency") {
      const auto& props = node.at("properties").as_object();
      auto field_type = [&](const char* key) -> std::string {
        const json::value* f = Find(props, key);
        if (!f || !f->is_object()) return "";
        auto t = ReadType(f->as_object(), path);
        return t.ok() ? t->base : "";
      };
      std::string amount = field_type("amount"), code = field_type("iso_4217_currency_code");
      if (!(amount == "number" || amount == "integer") || code != "string")
        return Bad(
            "A currency field needs properties amount ([\"number\", \"null\"]) and iso_4217_currency_code "
            "([\"string\", \"null\"])",
            path + ".properties");
    }
  } else if (Find(node, "properties")) {
    return Bad("properties is only allowed on object fields", path + ".properties");
  }
  return Status::OK();
}

// properties / required / additionalProperties of an object node (root or nested).
Status CheckObjectBody(const json::object& node, const std::string& path, int depth) {
  const json::value* props = Find(node, "properties");
  if (!props) return Bad("An object needs a properties object", path + ".properties");
  if (!props->is_object())
    return Bad(std::string("properties must be an object, not ") + TypeName(*props), path + ".properties");
  for (const auto& kv : props->as_object()) {
    std::string_view key(kv.key().data(), kv.key().size());
    if (!IsValidKey(key))
      return Bad("Property key " + Quote(key) + " may contain only letters, digits, _ and -", path + ".properties");
    GOLDSET_RETURN_IF_ERROR(CheckField(kv.value(), path + ".properties." + std::string(key), depth, false));
  }
  if (const json::value* req = Find(node, "required")) {
    const std::string rp = path + ".required";
    if (!req->is_array()) return Bad("required must be an array of property names", rp);
    std::set<std::string> seen;
    size_t i = 0;
    for (const auto& r : req->as_array()) {
      const std::string ip = rp + "[" + std::to_string(i++) + "]";
      if (!r.is_string()) return Bad(std::string("required entries must be strings, not ") + TypeName(r), ip);
      std::string name(r.as_string());
      if (!props->as_object().contains(name))
        return Bad("required names " + Quote(name) + ", which is not a property", ip);
      if (!seen.insert(name).second) return Bad("required lists " + Quote(name) + " twice", ip);
    }
  }
  GOLDSET_RETURN_IF_ERROR(ExpectKind(node, "additionalProperties", json::kind::bool_, "a boolean", path));
  return Status::OK();
}

Status CheckSchema(const json::value& schema, const std::string& path) {
  if (!schema.is_object())
    return Bad(std::string("schema must be a JSON Schema object, not ") + TypeName(schema), path);
  const json::object& root = schema.as_object();
  const json::value* type = Find(root, "type");
  if (!type || !type->is_string() || type->as_string() != "object")
    return Bad("The root of schema must have type \"object\"", path + ".type");
  for (const char* unsupported : {"$ref", "anyOf", "oneOf", "allOf", "not"}) {
    if (Find(root, unsupported)) return Bad(std::string(unsupported) + " is not supported", path + "." + unsupported);
  }
  GOLDSET_RETURN_IF_ERROR(OptString(root, "description", path));
  return CheckObjectBody(root, path, 0);
}

// classifications / splitClassifications: [{id, type, description, ...}], ids and types unique.
Status CheckClassifications(const json::object& config, const char* key, bool split) {
  const std::string path = std::string("config.") + key;
  const json::value* v = Find(config, key);
  if (!v) return Bad(std::string(key) + " is required: an array of {id, type, description}", path);
  if (!v->is_array()) return Bad(std::string(key) + " must be an array, not " + TypeName(*v), path);
  std::set<std::string> ids, types;
  size_t i = 0;
  for (const auto& c : v->as_array()) {
    const std::string ip = path + "[" + std::to_string(i++) + "]";
    if (!c.is_object()) return Bad(std::string("A classification must be an object, not ") + TypeName(c), ip);
    const json::object& o = c.as_object();
    for (const char* field : {"id", "type"}) {
      const json::value* f = Find(o, field);
      if (!f || !f->is_string() || f->as_string().empty())
        return Bad(std::string(field) + " is required and must be a non-empty string", ip + "." + field);
    }
    GOLDSET_RETURN_IF_ERROR(OptString(o, "description", ip));
    if (split) GOLDSET_RETURN_IF_ERROR(OptString(o, "identifierKey", ip));
    GOLDSET_RETURN_IF_ERROR(OptObject(o, "x-rules", ip));
    std::string id(o.at("id").as_string()), type(o.at("type").as_string());
    if (!ids.insert(id).second) return Bad("Duplicate classification id " + Quote(id), ip + ".id");
    if (!types.insert(type).second) return Bad("Duplicate classification type " + Quote(type), ip + ".type");
  }
  return Status::OK();
}

bool IsHttpUrl(std::string_view s) {
  auto rest = s.substr(0, 7) == "http://"    ? s.substr(7)
              : s.substr(0, 8) == "https://" ? s.substr(8)
                                             : std::string_view();
  return !rest.empty() && rest.front() != '/';
}

Status CheckPositiveInt(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = Find(o, key);
  if (!v) return Status::OK();
  bool ok = (v->is_int64() && v->as_int64() > 0) || (v->is_uint64() && v->as_uint64() > 0);
  if (!ok) return Bad(std::string(key) + " must be a positive integer", path + "." + std::string(key));
  return Status::OK();
}

Status CheckEngine(const json::value& v) {
  const std::string path = "config.engine";
  if (!v.is_object()) return Bad(std::string("engine must be an object, not ") + TypeName(v), path);
  const json::object& e = v.as_object();
  std::string type = "rules";
  if (const json::value* t = Find(e, "type")) {
    if (!t->is_string()) return Bad("engine.type must be \"rules\", \"llm\" or \"http\"", path + ".type");
    type = std::string(t->as_string());
  }
  if (type == "llm") {
    auto base = GetString(e, "baseUrl");
    if (!base || !IsHttpUrl(*base))
      return Bad("An llm engine needs baseUrl, an http:// or https:// URL", path + ".baseUrl");
    auto model = GetString(e, "model");
    if (!model || model->empty()) return Bad("An llm engine needs model, a non-empty string", path + ".model");
    GOLDSET_RETURN_IF_ERROR(OptString(e, "apiKeyEnv", path));
    GOLDSET_RETURN_IF_ERROR(CheckPositiveInt(e, "maxInputChars", path));
  } else if (type == "http") {
    auto url = GetString(e, "url");
    if (!url || !IsHttpUrl(*url)) return Bad("An http engine needs url, an http:// or https:// URL", path + ".url");
    if (const json::value* h = Find(e, "headers")) {
      if (!h->is_object()) return Bad("headers must be an object of strings", path + ".headers");
      for (const auto& kv : h->as_object())
        if (!kv.value().is_string())
          return Bad("header values must be strings", path + ".headers." + std::string(kv.key()));
    }
  } else if (type != "rules") {
    return Bad("engine.type must be \"rules\", \"llm\" or \"http\", not " + Quote(type), path + ".type");
  }
  GOLDSET_RETURN_IF_ERROR(CheckPositiveInt(e, "timeoutMs", path));
  return Status::OK();
}

const std::vector<std::string>& KnownKeys(ProcessorKind kind) {
  static const std::vector<std::string> extractor{"baseProcessor",   "baseVersion", "extractionRules", "schema",
                                                  "advancedOptions", "parseConfig", "engine"};
  static const std::vector<std::string> classifier{
      "baseProcessor",   "baseVersion", "classifications", "classificationRules",
      "advancedOptions", "parseConfig", "engine"};
  static const std::vector<std::string> splitter{
      "baseProcessor", "baseVersion", "splitClassifications", "splitRules", "advancedOptions", "parseConfig", "engine"};
  switch (kind) {
    case ProcessorKind::kExtractor: return extractor;
    case ProcessorKind::kClassifier: return classifier;
    case ProcessorKind::kSplitter: return splitter;
  }
  return extractor;
}

}  // namespace

namespace {
// "...; Path: schema.x" -> "...; Path: config.schema.x" (paths already anchored stay).
std::string AnchorPath(const std::string& message) {
  const std::string marker = "; Path: ";
  size_t at = message.rfind(marker);
  if (at == std::string::npos) return message;
  std::string path = message.substr(at + marker.size());
  if (path.rfind("config", 0) == 0) return message;
  return message.substr(0, at + marker.size()) + "config." + path;
}
}  // namespace

Status ValidateProcessorConfig(ProcessorKind kind, const json::object& config, const processors::EnginePolicy& policy) {
  const std::string root = "config";
  GOLDSET_RETURN_IF_ERROR(OptString(config, "baseProcessor", root));
  GOLDSET_RETURN_IF_ERROR(OptString(config, "baseVersion", root));
  GOLDSET_RETURN_IF_ERROR(OptObject(config, "advancedOptions", root));
  GOLDSET_RETURN_IF_ERROR(OptObject(config, "parseConfig", root));
  switch (kind) {
    case ProcessorKind::kExtractor:
      GOLDSET_RETURN_IF_ERROR(OptString(config, "extractionRules", root));
      // A missing schema is allowed: Extend infers one; Goldset's engines then find nothing.
      if (const json::value* s = Find(config, "schema")) GOLDSET_RETURN_IF_ERROR(CheckSchema(*s, "config.schema"));
      break;
    case ProcessorKind::kClassifier:
      GOLDSET_RETURN_IF_ERROR(OptString(config, "classificationRules", root));
      GOLDSET_RETURN_IF_ERROR(CheckClassifications(config, "classifications", false));
      break;
    case ProcessorKind::kSplitter:
      GOLDSET_RETURN_IF_ERROR(OptString(config, "splitRules", root));
      GOLDSET_RETURN_IF_ERROR(CheckClassifications(config, "splitClassifications", true));
      break;
  }
  if (const json::value* e = Find(config, "engine")) GOLDSET_RETURN_IF_ERROR(CheckEngine(*e));
  // The deeper checks of the scorer (what it can compare) and of the engines (RE2
  // patterns, engine fields) report paths relative to the config; anchor them at `config`.
  Status deeper;
  switch (kind) {
    case ProcessorKind::kExtractor:
      if (const json::value* s = Find(config, "schema")) deeper = eval::ValidateExtractorSchema(*s);
      break;
    case ProcessorKind::kClassifier: deeper = eval::ValidateClassifyConfig(config); break;
    case ProcessorKind::kSplitter: deeper = eval::ValidateSplitConfig(config); break;
  }
  if (deeper.ok()) {
    deeper = processors::ValidateEngineConfig(kind, config, policy);
  }
  if (!deeper.ok()) {
    const bool refused = deeper.code() == Status::Code::kUnprocessable;
    return Status(refused ? Status::Code::kUnprocessable : Status::Code::kInvalidArgument,
                  AnchorPath(deeper.message()));
  }
  return Status::OK();
}

std::vector<std::string> UnknownConfigKeys(ProcessorKind kind, const json::object& config) {
  const auto& known = KnownKeys(kind);
  std::vector<std::string> out;
  for (const auto& kv : config) {
    std::string key(kv.key());
    if (std::find(known.begin(), known.end(), key) == known.end()) out.push_back(std::move(key));
  }
  return out;
}

json::object DefaultProcessorConfig(ProcessorKind kind) {
  switch (kind) {
    case ProcessorKind::kExtractor:
      return json::object{{"schema", json::object{{"type", "object"}, {"properties", json::object{}}}}};
    case ProcessorKind::kClassifier: return json::object{{"classifications", json::array{}}};
    case ProcessorKind::kSplitter: return json::object{{"splitClassifications", json::array{}}};
  }
  return {};
}

std::string UnknownKeysWarning(const std::vector<std::string>& keys) {
  constexpr size_t kMaxListed = 10;
  std::string out;
  for (size_t i = 0; i < keys.size() && i < kMaxListed; ++i) {
    if (!out.empty()) out += "; ";
    std::string key = keys[i].size() > 100 ? keys[i].substr(0, 100) + "..." : keys[i];
    out += "unknown config key " + Quote(key) + " kept as given";
  }
  if (keys.size() > kMaxListed)
    out += "; and " + std::to_string(keys.size() - kMaxListed) + " more unknown config keys";
  return out;
}

}  // namespace goldset::api
