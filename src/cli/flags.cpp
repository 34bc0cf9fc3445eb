#include "cli/flags.h"

#include <cstdlib>

namespace goldset::cli {

std::string FlagEnvName(const std::string& flag) {
  std::string out = "GOLDSET_";
  for (char c : flag) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

StatusOr<Flags> Flags::Parse(int argc, char** argv, int first, const std::set<std::string>& known,
                             const std::set<std::string>& switches) {
  Flags f;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      f.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches.count(name)) {
      f.switches_.insert(name);
      continue;
    }
    if (!known.count(name)) return Status::InvalidArgument("unknown flag --" + name);
    if (!has_value) {
      if (i + 1 >= argc) return Status::InvalidArgument("flag --" + name + " needs a value");
      value = argv[++i];
    }
    f.values_[name] = value;
  }
  return f;
}

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  if (const char* env = std::getenv(FlagEnvName(name).c_str())) return std::string(env);
  return std::nullopt;
}

std::string Flags::GetOr(const std::string& name, const std::string& fallback) const {
  return Get(name).value_or(fallback);
}

bool Flags::Has(const std::string& name) const {
  if (switches_.count(name)) return true;
  const char* env = std::getenv(FlagEnvName(name).c_str());
  return env && (std::string(env) == "1" || std::string(env) == "true");
}

}  // namespace goldset::cli
