// The extractor schema as the scorer sees it: a tree of typed fields.
//
// Parsed leniently from the JSON Schema subset of docs/decisions.md §2-3; validation
// (with error paths) lives in ValidateExtractorSchema. Plain values; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace goldset::eval {

enum class FieldType { kString, kNumber, kInteger, kBoolean, kEnum, kDate, kCurrency, kObject, kArray, kAny };
// How ambiguous numeric dates (01/02/2024) are read; from x-rules.dateOrder.
enum class DateOrder { kDefault, kDMY, kMDY, kYMD };

struct Property;

struct FieldSpec {
  FieldType type = FieldType::kAny;
  bool nullable = false;
  DateOrder date_order = DateOrder::kDefault;
  std::vector<std::string> enum_values;  // kEnum
  std::vector<Property> properties;      // kObject, in schema order
  std::vector<FieldSpec> items;          // kArray: exactly one element (the item spec)
};

struct Property {
  std::string name;
  FieldSpec spec;
};

// Builds the spec tree. Unknown or missing types become kAny (compared as normalized
// JSON). Never fails; call ValidateExtractorSchema first for diagnostics.
FieldSpec ParseSchema(const json::value& schema);

// The config's `schema` parsed, or an empty object spec when absent.
FieldSpec SchemaOfConfig(const json::object& extractor_config);

// True for types scored as one value (everything but kObject and kArray).
inline bool IsScalar(FieldType t) { return t != FieldType::kObject && t != FieldType::kArray; }

// A leaf of a flattened object: its dot path relative to the object and its spec.
struct Leaf {
  std::string path;               // "vendor.name"
  std::vector<std::string> keys;  // {"vendor","name"}
  const FieldSpec* spec;          // scalar or array
};
// Flattens nested objects (not arrays, not currency) into leaves, in schema order.
std::vector<Leaf> FlattenObject(const FieldSpec& object_spec);

}  // namespace goldset::eval
