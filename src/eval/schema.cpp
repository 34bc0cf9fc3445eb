#include "eval/schema.h"

#include <cctype>
#include <set>

#include "eval/eval.h"

namespace goldset::eval {
namespace {

// Reads `type` as a string or [T, "null"]; returns the non-null type name.
std::string TypeName(const json::object& o, bool* nullable) {
  *nullable = false;
  const json::value* t = o.if_contains("type");
  if (!t) return "";
  if (t->is_string()) return std::string(t->as_string());
  std::string name;
  if (t->is_array()) {
    for (const auto& e : t->as_array()) {
      if (!e.is_string()) continue;
      if (e.as_string() == "null") *nullable = true;
      else if (name.empty()) name = std::string(e.as_string());
    }
  }
  return name;
}

bool IsCurrencyShape(const json::object& o) {
  const json::value* props = o.if_contains("properties");
  if (!props || !props->is_object()) return false;
  const auto& p = props->as_object();
  return p.size() == 2 && p.contains("amount") && p.contains("iso_4217_currency_code");
}

std::string ExtendType(const json::object& o) {
  const json::value* v = o.if_contains("extend:type");
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

DateOrder ReadDateOrder(const json::object& o) {
  const json::value* rules = o.if_contains("x-rules");
  if (!rules || !rules->is_object()) return DateOrder::kDefault;
  const json::value* d = rules->as_object().if_contains("dateOrder");
  if (!d || !d->is_string()) return DateOrder::kDefault;
  if (d->as_string() == "DMY") return DateOrder::kDMY;
  if (d->as_string() == "MDY") return DateOrder::kMDY;
  if (d->as_string() == "YMD") return DateOrder::kYMD;
  return DateOrder::kDefault;
}

FieldSpec Parse(const json::value& v, int depth) {
  FieldSpec spec;
  if (!v.is_object() || depth > 32) return spec;
  const auto& o = v.as_object();
  std::string type = TypeName(o, &spec.nullable);
  std::string ext = ExtendType(o);
  spec.date_order = ReadDateOrder(o);
  const json::value* fmt = o.if_contains("format");
  if (const json::value* en = o.if_contains("enum"); en && en->is_array()) {
    spec.type = FieldType::kEnum;
    for (const auto& e : en->as_array()) {
      if (e.is_string()) spec.enum_values.emplace_back(e.as_string());
      else if (e.is_null()) spec.nullable = true;
    }
  } else if (ext == "currency" || (type == "object" && IsCurrencyShape(o))) {
    spec.type = FieldType::kCurrency;
  } else if (ext == "date" || (fmt && fmt->is_string() && fmt->as_string() == "date")) {
    spec.type = FieldType::kDate;
  } else if (type == "string") {
    spec.type = FieldType::kString;
  } else if (type == "number") {
    spec.type = FieldType::kNumber;
  } else if (type == "integer") {
    spec.type = FieldType::kInteger;
  } else if (type == "boolean") {
    spec.type = FieldType::kBoolean;
  } else if (type == "object") {
    spec.type = FieldType::kObject;
    if (const json::value* props = o.if_contains("properties"); props && props->is_object()) {
      for (const auto& kv : props->as_object()) {
        spec.properties.push_back({std::string(kv.key()), Parse(kv.value(), depth + 1)});
      }
    }
  } else if (type == "array") {
    spec.type = FieldType::kArray;
    const json::value* items = o.if_contains("items");
    spec.items.push_back(items ? Parse(*items, depth + 1) : FieldSpec{});
  }
  return spec;
}

void Flatten(const FieldSpec& spec, std::vector<std::string>& keys, std::vector<Leaf>& out) {
  for (const auto& p : spec.properties) {
    keys.push_back(p.name);
    if (p.spec.type == FieldType::kObject) {
      Flatten(p.spec, keys, out);
    } else {
      std::string path;
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i) path.push_back('.');
        path.append(keys[i]);
      }
      out.push_back({path, keys, &p.spec});
    }
    keys.pop_back();
  }
}

}  // namespace

FieldSpec ParseSchema(const json::value& schema) { return Parse(schema, 0); }

FieldSpec SchemaOfConfig(const json::object& config) {
  const json::value* s = config.if_contains("schema");
  FieldSpec spec = s ? ParseSchema(*s) : FieldSpec{};
  if (spec.type != FieldType::kObject) {
    spec = FieldSpec{};
    spec.type = FieldType::kObject;
  }
  return spec;
}

std::vector<Leaf> FlattenObject(const FieldSpec& object_spec) {
  std::vector<Leaf> out;
  std::vector<std::string> keys;
  Flatten(object_spec, keys, out);
  return out;
}

std::vector<std::string> FieldPaths(const json::object& extractor_config) {
  std::vector<std::string> paths;
  FieldSpec root = SchemaOfConfig(extractor_config);
  for (const Leaf& leaf : FlattenObject(root)) {
    paths.push_back(leaf.path);
    if (leaf.spec->type == FieldType::kArray && leaf.spec->items[0].type == FieldType::kObject) {
      for (const Leaf& col : FlattenObject(leaf.spec->items[0])) paths.push_back(leaf.path + "[]." + col.path);
    }
  }
  return paths;
}

// ---- Validation -------------------------------------------------------------------

namespace {

Status SchemaError(const std::string& what, const std::string& path) {
  return Status::InvalidArgument(what + "; Path: " + path);
}

bool ValidKey(const std::string& k) {
  if (k.empty()) return false;
  for (unsigned char c : k) {
    if (!(std::isalnum(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

Status ValidateNode(const json::value& v, const std::string& path, int object_depth) {
  if (!v.is_object()) return SchemaError("Schema node must be an object", path);
  const auto& o = v.as_object();
  static const std::set<std::string> kTypes = {"string", "number", "integer", "boolean", "object", "array"};
  const json::value* t = o.if_contains("type");
  // An enum may omit `type` (the SDK's zod converter writes enums that way); it is a string.
  if (!t && !o.contains("enum")) return SchemaError("Schema node is missing `type`", path + ".type");
  bool nullable = false;
  std::string type = t ? TypeName(o, &nullable) : "string";
  if (t && t->is_array()) {
    const auto& a = t->as_array();
    size_t non_null = 0;
    for (const auto& e : a) {
      if (!e.is_string()) return SchemaError("`type` entries must be strings", path + ".type");
      if (e.as_string() != "null") ++non_null;
    }
    if (non_null != 1) return SchemaError("`type` must name one type, optionally with \"null\"", path + ".type");
  } else if (t && !t->is_string()) {
    return SchemaError("`type` must be a string or an array", path + ".type");
  }
  if (!kTypes.count(type)) return SchemaError("Unsupported type \"" + type + "\"", path + ".type");
  if (const json::value* d = o.if_contains("description"); d && !d->is_string()) {
    return SchemaError("`description` must be a string", path + ".description");
  }
  if (const json::value* r = o.if_contains("x-rules"); r && !r->is_object()) {
    return SchemaError("`x-rules` must be an object", path + ".x-rules");
  } else if (r) {
    if (const json::value* d = r->as_object().if_contains("dateOrder")) {
      if (!d->is_string() || (d->as_string() != "DMY" && d->as_string() != "MDY" && d->as_string() != "YMD")) {
        return SchemaError("`x-rules.dateOrder` must be \"DMY\", \"MDY\" or \"YMD\"", path + ".x-rules.dateOrder");
      }
    }
  }
  if (const json::value* en = o.if_contains("enum")) {
    if (!en->is_array() || en->as_array().empty())
      return SchemaError("`enum` must be a non-empty array", path + ".enum");
    for (size_t i = 0; i < en->as_array().size(); ++i) {
      const auto& e = en->as_array()[i];
      if (!e.is_string() && !e.is_null()) {
        return SchemaError("`enum` values must be strings or null", path + ".enum[" + std::to_string(i) + "]");
      }
    }
  }
  if (const json::value* et = o.if_contains("extend:type")) {
    if (!et->is_string() ||
        (et->as_string() != "currency" && et->as_string() != "date" && et->as_string() != "signature")) {
      return SchemaError("`extend:type` must be \"currency\", \"date\" or \"signature\"", path + ".extend:type");
    }
  }
  if (type == "object") {
    if (object_depth > 5) return SchemaError("Schema nesting exceeds 5 levels", path);
    const json::value* props = o.if_contains("properties");
    if (props && !props->is_object()) return SchemaError("`properties` must be an object", path + ".properties");
    if (props) {
      for (const auto& kv : props->as_object()) {
        std::string key(kv.key());
        std::string child = path + ".properties." + key;
        if (!ValidKey(key)) return SchemaError("Property keys may contain letters, digits, '_' and '-'", child);
        GOLDSET_RETURN_IF_ERROR(ValidateNode(kv.value(), child, object_depth + 1));
      }
    }
    if (const json::value* req = o.if_contains("required")) {
      if (!req->is_array()) return SchemaError("`required` must be an array", path + ".required");
      for (size_t i = 0; i < req->as_array().size(); ++i) {
        const auto& r = req->as_array()[i];
        std::string rp = path + ".required[" + std::to_string(i) + "]";
        if (!r.is_string()) return SchemaError("`required` entries must be strings", rp);
        if (!props || !props->as_object().contains(r.as_string())) {
          return SchemaError("`required` names an unknown property \"" + std::string(r.as_string()) + "\"", rp);
        }
      }
    }
  } else if (type == "array") {
    const json::value* items = o.if_contains("items");
    if (!items) return SchemaError("Array schema is missing `items`", path + ".items");
    GOLDSET_RETURN_IF_ERROR(ValidateNode(*items, path + ".items", object_depth));
  }
  return Status::OK();
}

}  // namespace

Status ValidateExtractorSchema(const json::value& schema) {
  if (!schema.is_object()) return SchemaError("Schema must be a JSON object", "schema");
  const auto& o = schema.as_object();
  bool nullable = false;
  if (TypeName(o, &nullable) != "object" || nullable) {
    return SchemaError("The root of the schema must have type \"object\"", "schema.type");
  }
  return ValidateNode(schema, "schema", 0);
}

}  // namespace goldset::eval
