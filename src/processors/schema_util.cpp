#include "processors/schema_util.h"

#include <cctype>

namespace goldset::processors {

std::string PrimaryType(const json::object& prop) {
  const json::value* t = Find(prop, "type");
  if (!t) return "";
  if (t->is_string()) return std::string(t->as_string());
  if (t->is_array())
    for (const auto& e : t->as_array())
      if (e.is_string() && e.as_string() != "null") return std::string(e.as_string());
  return "";
}

std::string ExtendType(const json::object& prop) { return GetString(prop, "extend:type").value_or(""); }

std::vector<std::string> EnumOptions(const json::object& prop) {
  std::vector<std::string> out;
  const json::value* e = Find(prop, "enum");
  if (e && e->is_array())
    for (const auto& v : e->as_array())
      if (v.is_string()) out.emplace_back(v.as_string());
  return out;
}

const json::object* XRules(const json::object& o) {
  const json::value* v = Find(o, "x-rules");
  return v && v->is_object() ? &v->as_object() : nullptr;
}

std::string FieldWords(const std::string& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '_' || c == '-' || c == '.') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0 && std::islower(static_cast<unsigned char>(key[i - 1])))
      out.push_back(' ');
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

json::value StripExtensions(const json::value& schema) {
  if (schema.is_array()) {
    json::array out;
    for (const auto& v : schema.as_array()) out.push_back(StripExtensions(v));
    return out;
  }
  if (!schema.is_object()) return schema;
  json::object out;
  for (const auto& [k, v] : schema.as_object()) {
    if (k == "x-rules" || k.starts_with("extend:")) continue;
    out[k] = StripExtensions(v);
  }
  return out;
}

}  // namespace goldset::processors
