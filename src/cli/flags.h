// Minimal flag parsing: `--name value` or `--name=value`, with GOLDSET_NAME environment
// fallbacks (dashes become underscores). Unknown flags are errors.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace goldset::cli {

// The environment variable that sets a flag: "data-dir" -> "GOLDSET_DATA_DIR".
std::string FlagEnvName(const std::string& flag);

class Flags {
 public:
  // `known` lists value flags; `switches` lists boolean flags (no value).
  static StatusOr<Flags> Parse(int argc, char** argv, int first, const std::set<std::string>& known,
                               const std::set<std::string>& switches = {});
  std::optional<std::string> Get(const std::string& name) const;  // flag, else env GOLDSET_*
  std::string GetOr(const std::string& name, const std::string& fallback) const;
  bool Has(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> switches_;
  std::vector<std::string> positional_;
};

}  // namespace goldset::cli
