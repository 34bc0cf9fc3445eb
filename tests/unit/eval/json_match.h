// Partial JSON matching for tests: every key of `want` must be in `got` with a
// matching value; arrays match element-wise with equal length; numbers within 1e-4.
// The string "$absent" as a wanted value requires the key to be missing.
#pragma once

#include <cmath>
#include <string>

#include "common/json.h"

namespace goldset::eval::testing {

inline bool PartialMatch(const json::value& want, const json::value& got, const std::string& path, std::string* why) {
  if (want.is_number() && got.is_number()) {
    double w = want.to_number<double>(), g = got.to_number<double>();
    if (std::fabs(w - g) <= 1e-4) return true;
    *why = path + ": want " + json::serialize(want) + ", got " + json::serialize(got);
    return false;
  }
  if (want.is_object() && got.is_object()) {
    for (const auto& kv : want.as_object()) {
      std::string p = path + "." + std::string(kv.key());
      const json::value* g = got.as_object().if_contains(kv.key());
      bool want_absent = kv.value().is_string() && kv.value().as_string() == "$absent";
      if (want_absent) {
        if (g) {
          *why = p + ": want absent, got " + json::serialize(*g);
          return false;
        }
        continue;
      }
      if (!g) {
        *why = p + ": missing";
        return false;
      }
      if (!PartialMatch(kv.value(), *g, p, why)) return false;
    }
    return true;
  }
  if (want.is_array() && got.is_array()) {
    const auto &w = want.as_array(), &g = got.as_array();
    if (w.size() != g.size()) {
      *why = path + ": want " + std::to_string(w.size()) + " elements, got " + json::serialize(got);
      return false;
    }
    for (size_t i = 0; i < w.size(); ++i) {
      if (!PartialMatch(w[i], g[i], path + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (want == got) return true;
  *why = path + ": want " + json::serialize(want) + ", got " + json::serialize(got);
  return false;
}

}  // namespace goldset::eval::testing
