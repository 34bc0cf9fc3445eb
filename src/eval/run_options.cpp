#include "eval/run_options.h"

#include "model/processor.h"

namespace goldset::eval {

Kind KindOfEntity(std::string_view entity_kind) { return model::KindFromName(entity_kind).value_or(Kind::kExtractor); }

Options OptionsFromJson(const json::object& o) {
  Options opts;
  auto strings = [&](const char* key, std::vector<std::string>* out) {
    if (auto* v = o.if_contains(key); v && v->is_array())
      for (const auto& e : v->as_array())
        if (e.is_string()) out->emplace_back(e.as_string());
  };
  strings("fuzzyMatchFields", &opts.fuzzy_match_fields);
  strings("excludeFields", &opts.exclude_fields);
  if (auto* v = o.if_contains("fuzzyThreshold"); v && v->is_number()) opts.fuzzy_threshold = v->to_number<double>();
  return opts;
}

}  // namespace goldset::eval
