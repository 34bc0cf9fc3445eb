// Per-path scoring options (fuzzy, excluded) resolved from eval::Options.
// Plain value; thread-safe for reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eval/eval.h"

namespace goldset::eval {

class FieldRules {
 public:
  explicit FieldRules(const Options& options) : options_(options) {}
  bool IsExcluded(std::string_view path) const { return Contains(options_.exclude_fields, path); }
  // The threshold when `path` is fuzzy-matched.
  std::optional<double> FuzzyThreshold(std::string_view path) const {
    if (!Contains(options_.fuzzy_match_fields, path)) return std::nullopt;
    return options_.fuzzy_threshold;
  }

 private:
  static bool Contains(const std::vector<std::string>& v, std::string_view p) {
    for (const auto& s : v) {
      if (s == p) return true;
    }
    return false;
  }
  const Options& options_;
};

}  // namespace goldset::eval
