// Config, options and expectedOutput validation (contract §3.3, §4.4).
#include <cmath>
#include <set>

#include "eval/dates.h"
#include "eval/eval.h"
#include "eval/schema.h"
#include "eval/values.h"

namespace goldset::eval {
namespace {

Status Invalid(const std::string& what, const std::string& path) {
  return Status::InvalidArgument(what + "; Path: " + path);
}
Status Unprocessable(const std::string& what, const std::string& path) {
  return Status::Unprocessable(what + "; Path: " + path);
}

Status ValidateLabelList(const json::object& config, const char* key, bool allow_identifier) {
  const json::value* list = config.if_contains(key);
  std::string base = std::string("config.") + key;
  if (!list) return Invalid(std::string("`") + key + "` is required", base);
  // Empty is allowed: a new processor's draft starts with no classifications.
  if (!list->is_array()) return Invalid(std::string("`") + key + "` must be an array", base);
  std::set<std::string> ids, types;
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const json::value& c = list->as_array()[i];
    std::string p = base + "[" + std::to_string(i) + "]";
    if (!c.is_object()) return Invalid("Each entry must be an object", p);
    for (const char* field : {"id", "type", "description"}) {
      const json::value* v = c.as_object().if_contains(field);
      if (!v || !v->is_string()) return Invalid(std::string("`") + field + "` must be a string", p + "." + field);
      if (std::string_view(field) != "description" && v->as_string().empty()) {
        return Invalid(std::string("`") + field + "` must not be empty", p + "." + field);
      }
    }
    if (const json::value* k = c.as_object().if_contains("identifierKey")) {
      if (!allow_identifier) return Invalid("`identifierKey` is only valid for splitters", p + ".identifierKey");
      if (!k->is_string() && !k->is_null()) return Invalid("`identifierKey` must be a string", p + ".identifierKey");
    }
    if (!ids.insert(std::string(c.as_object().at("id").as_string())).second) return Invalid("Duplicate id", p + ".id");
    if (!types.insert(std::string(c.as_object().at("type").as_string())).second)
      return Invalid("Duplicate type", p + ".type");
  }
  return Status::OK();
}

// Which (id, type) pairs a classifier/splitter config defines.
bool KnownLabel(const json::object& config, const char* key, const json::value* id, const json::value* type) {
  const json::value* list = config.if_contains(key);
  if (!list || !list->is_array()) return false;
  for (const auto& c : list->as_array()) {
    if (!c.is_object()) continue;
    const json::value* cid = c.as_object().if_contains("id");
    const json::value* ctype = c.as_object().if_contains("type");
    if ((!id || (cid && *cid == *id)) && (!type || (ctype && *ctype == *type))) return true;
  }
  return false;
}

const char* TypeWord(FieldType t) {
  switch (t) {
    case FieldType::kString: return "a string";
    case FieldType::kNumber: return "a number";
    case FieldType::kInteger: return "an integer";
    case FieldType::kBoolean: return "a boolean";
    case FieldType::kEnum: return "one of the enum values";
    case FieldType::kDate: return "a date string";
    case FieldType::kCurrency: return "a currency object {amount, iso_4217_currency_code}";
    case FieldType::kObject: return "an object";
    case FieldType::kArray: return "an array";
    case FieldType::kAny: return "a value";
  }
  return "a value";
}

Status CheckValue(const FieldSpec& spec, const json::value& v, const std::string& path) {
  if (v.is_null()) return Status::OK();  // lenient: null is always "not in the document"
  auto bad = [&] { return Unprocessable("Expected " + std::string(TypeWord(spec.type)), path); };
  switch (spec.type) {
    case FieldType::kString: return v.is_string() ? Status::OK() : bad();
    case FieldType::kNumber: return ParseNumber(v) ? Status::OK() : bad();
    case FieldType::kInteger: {
      // Whole numbers of any size: int64 and uint64 values as sent, and integral doubles
      // (no cast to int64, which is undefined beyond its range).
      auto n = ParseNumber(v);
      return n && std::isfinite(*n) && std::floor(*n) == *n ? Status::OK() : bad();
    }
    case FieldType::kBoolean: return v.is_bool() ? Status::OK() : bad();
    case FieldType::kEnum: {
      if (!v.is_string()) return bad();
      for (const auto& e : spec.enum_values) {
        if (v.as_string() == e) return Status::OK();
      }
      return Unprocessable("Value \"" + std::string(v.as_string()) + "\" is not in the enum", path);
    }
    case FieldType::kDate:
      if (!v.is_string()) return bad();
      if (!ParseDate(std::string_view(v.as_string().data(), v.as_string().size()), spec.date_order)) {
        return Unprocessable("Not a recognised date: \"" + std::string(v.as_string()) + "\"", path);
      }
      return Status::OK();
    case FieldType::kCurrency: {
      if (!v.is_object()) return bad();
      for (const auto& kv : v.as_object()) {
        std::string key(kv.key());
        if (key == "amount") {
          if (!kv.value().is_null() && !ParseNumber(kv.value()))
            return Unprocessable("Expected a number", path + ".amount");
        } else if (key == "iso_4217_currency_code") {
          if (!kv.value().is_null() && !kv.value().is_string())
            return Unprocessable("Expected a string", path + "." + key);
        } else {
          return Unprocessable("Unknown key \"" + key + "\"", path + "." + key);
        }
      }
      return Status::OK();
    }
    case FieldType::kObject: {
      if (!v.is_object()) return bad();
      for (const auto& kv : v.as_object()) {
        std::string key(kv.key());
        const FieldSpec* child = nullptr;
        for (const auto& p : spec.properties) {
          if (p.name == key) child = &p.spec;
        }
        if (!child) return Unprocessable("Unknown key \"" + key + "\" (not in the extractor schema)", path + "." + key);
        GOLDSET_RETURN_IF_ERROR(CheckValue(*child, kv.value(), path + "." + key));
      }
      return Status::OK();
    }
    case FieldType::kArray: {
      if (!v.is_array()) return bad();
      const auto& a = v.as_array();
      for (size_t i = 0; i < a.size(); ++i) {
        GOLDSET_RETURN_IF_ERROR(CheckValue(spec.items[0], a[i], path + "[" + std::to_string(i) + "]"));
      }
      return Status::OK();
    }
    case FieldType::kAny: return Status::OK();
  }
  return Status::OK();
}

Status ValidateSplits(const json::object& config, const json::value& expected, std::optional<int> page_count) {
  const json::value* splits = expected.as_object().if_contains("splits");
  if (!splits || !splits->is_array()) return Unprocessable("`splits` must be an array", "expectedOutput.splits");
  for (size_t i = 0; i < splits->as_array().size(); ++i) {
    const json::value& s = splits->as_array()[i];
    std::string p = "expectedOutput.splits[" + std::to_string(i) + "]";
    if (!s.is_object()) return Unprocessable("Each split must be an object", p);
    const auto& o = s.as_object();
    const json::value* id = o.if_contains("classificationId");
    const json::value* type = o.if_contains("type");
    if (!id || !id->is_string()) return Unprocessable("`classificationId` must be a string", p + ".classificationId");
    if (!type || !type->is_string()) return Unprocessable("`type` must be a string", p + ".type");
    if (!KnownLabel(config, "splitClassifications", id, nullptr)) {
      return Unprocessable("Unknown classificationId \"" + std::string(id->as_string()) + "\"",
                           p + ".classificationId");
    }
    if (!KnownLabel(config, "splitClassifications", id, type)) {
      return Unprocessable("`type` does not match the split classification \"" + std::string(id->as_string()) + "\"",
                           p + ".type");
    }
    int64_t pages[2] = {0, 0};
    const char* names[2] = {"startPage", "endPage"};
    for (int k = 0; k < 2; ++k) {
      const json::value* n = o.if_contains(names[k]);
      if (!n || !n->is_int64() || n->as_int64() < 1) {
        if (!(n && n->is_uint64()))
          return Unprocessable(std::string("`") + names[k] + "` must be a positive integer", p + "." + names[k]);
        pages[k] = static_cast<int64_t>(n->as_uint64());
      } else {
        pages[k] = n->as_int64();
      }
    }
    if (pages[0] > pages[1]) return Unprocessable("`startPage` must not exceed `endPage`", p + ".startPage");
    if (page_count && pages[1] > *page_count) {
      return Unprocessable("`endPage` exceeds the file's " + std::to_string(*page_count) + " pages", p + ".endPage");
    }
  }
  return Status::OK();
}

}  // namespace

Status ValidateClassifyConfig(const json::object& config) {
  return ValidateLabelList(config, "classifications", false);
}
Status ValidateSplitConfig(const json::object& config) {
  return ValidateLabelList(config, "splitClassifications", true);
}

Status ValidateOptions(Kind kind, const json::object& config, const Options& options) {
  if (!(options.fuzzy_threshold > 0 && options.fuzzy_threshold <= 1)) {
    return Status::InvalidArgument("fuzzyThreshold must be in (0, 1]; Path: options.fuzzyThreshold");
  }
  if (kind != Kind::kExtractor) {
    if (!options.fuzzy_match_fields.empty())
      return Status::InvalidArgument("fuzzyMatchFields apply to extractors only; Path: options.fuzzyMatchFields");
    if (!options.exclude_fields.empty())
      return Status::InvalidArgument("excludeFields apply to extractors only; Path: options.excludeFields");
    return Status::OK();
  }
  std::vector<std::string> paths = FieldPaths(config);
  std::set<std::string> known(paths.begin(), paths.end());
  for (size_t i = 0; i < options.exclude_fields.size(); ++i) {
    if (!known.count(options.exclude_fields[i])) {
      return Status::InvalidArgument("Unknown field \"" + options.exclude_fields[i] +
                                     "\"; Path: options.excludeFields[" + std::to_string(i) + "]");
    }
  }
  // Fuzzy paths must be string fields: top-level leaves or array columns.
  FieldSpec root = SchemaOfConfig(config);
  std::set<std::string> strings;
  for (const Leaf& leaf : FlattenObject(root)) {
    if (leaf.spec->type == FieldType::kString) strings.insert(leaf.path);
    if (leaf.spec->type == FieldType::kArray) {
      const FieldSpec& item = leaf.spec->items[0];
      if (item.type == FieldType::kString) strings.insert(leaf.path);  // arrays of strings
      for (const Leaf& col : FlattenObject(item)) {
        if (col.spec->type == FieldType::kString) strings.insert(leaf.path + "[]." + col.path);
      }
    }
  }
  for (size_t i = 0; i < options.fuzzy_match_fields.size(); ++i) {
    const std::string& p = options.fuzzy_match_fields[i];
    std::string at = "; Path: options.fuzzyMatchFields[" + std::to_string(i) + "]";
    if (!known.count(p)) return Status::InvalidArgument("Unknown field \"" + p + "\"" + at);
    if (!strings.count(p))
      return Status::InvalidArgument("Fuzzy matching applies to string fields only: \"" + p + "\"" + at);
  }
  return Status::OK();
}

Status ValidateExpectedOutput(Kind kind, const json::object& config, const json::value& expected,
                              std::optional<int> page_count) {
  if (!expected.is_object()) return Unprocessable("expectedOutput must be an object", "expectedOutput");
  const auto& o = expected.as_object();
  switch (kind) {
    case Kind::kExtractor: {
      const json::value* value = o.if_contains("value");
      if (!value || !value->is_object())
        return Unprocessable("Extractor expectedOutput must be {\"value\": {...}}", "expectedOutput.value");
      FieldSpec root = SchemaOfConfig(config);
      if (root.properties.empty()) return Status::OK();  // no schema: nothing to conform to
      return CheckValue(root, *value, "expectedOutput.value");
    }
    case Kind::kClassifier: {
      const json::value* id = o.if_contains("id");
      const json::value* type = o.if_contains("type");
      if (!id || !id->is_string()) return Unprocessable("`id` must be a string", "expectedOutput.id");
      if (!type || !type->is_string()) return Unprocessable("`type` must be a string", "expectedOutput.type");
      if (!KnownLabel(config, "classifications", id, nullptr)) {
        return Unprocessable("Unknown classification id \"" + std::string(id->as_string()) + "\"", "expectedOutput.id");
      }
      if (!KnownLabel(config, "classifications", id, type)) {
        return Unprocessable("`type` does not match classification \"" + std::string(id->as_string()) + "\"",
                             "expectedOutput.type");
      }
      return Status::OK();
    }
    case Kind::kSplitter: return ValidateSplits(config, expected, page_count);
  }
  return Status::OK();
}

}  // namespace goldset::eval
