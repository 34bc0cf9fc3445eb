#include "evalcli/eval_flags.h"

#include <cctype>
#include <cmath>
#include <set>
#include <sstream>
#include <vector>

namespace goldset::evalcli {
namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool ParseDouble(const std::string& s, double* out) {
  try {
    size_t pos = 0;
    *out = std::stod(s, &pos);
    return pos == s.size() && std::isfinite(*out);
  } catch (...) {
    return false;
  }
}

// Run ids as the server issues them (bpr_ + URL-safe base64): nothing to escape in a path.
bool PlainId(const std::string& id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

const std::set<std::string> kFolderFlags = {"--config", "--expected", "--actual",          "--baseline",      "--kind",
                                            "--fuzzy",  "--exclude",  "--fuzzy-threshold", "--max-array-rows"};
const std::set<std::string> kServerFlags = {"--run", "--baseline-run", "--wait"};
const std::set<std::string> kCompareFlags = {"--alpha", "--margin", "--effect"};

}  // namespace

const char* FailOnName(FailOn f) {
  switch (f) {
    case FailOn::kRegression: return "regression";
    case FailOn::kFieldRegression: return "field-regression";
    case FailOn::kNonInferiority: return "non-inferiority";
    case FailOn::kNever: break;
  }
  return "never";
}

std::string ParseFlags(int argc, char** argv, Flags* f) {
  std::set<std::string> given;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string val;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      val = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (arg == "--help" || arg == "-h") {
      f->help = true;
      return "";
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      return "missing value for " + arg;
    }
    given.insert(arg);
    double x = 0;
    if (arg == "--config") f->config = val;
    else if (arg == "--expected") f->expected = val;
    else if (arg == "--actual") f->actual = val;
    else if (arg == "--baseline") f->baseline = val;
    else if (arg == "--kind") f->kind = val;
    else if (arg == "--format") f->format = val;
    else if (arg == "--out") f->out = val;
    else if (arg == "--server") f->server = val;
    else if (arg == "--run") f->run = val;
    else if (arg == "--baseline-run") f->baseline_run = val;
    else if (arg == "--fuzzy") f->options.fuzzy_match_fields = SplitList(val);
    else if (arg == "--exclude") f->options.exclude_fields = SplitList(val);
    else if (arg == "--fuzzy-threshold") {
      if (!ParseDouble(val, &x)) return "--fuzzy-threshold needs a number";
      f->options.fuzzy_threshold = x;
    } else if (arg == "--max-array-rows") {
      if (!ParseDouble(val, &x) || x < 1 || x > 1e6 || x != static_cast<double>(static_cast<size_t>(x))) {
        return "--max-array-rows needs a whole number in [1, 1000000]";
      }
      f->options.max_array_rows = static_cast<size_t>(x);
    } else if (arg == "--min-accuracy") {
      if (!ParseDouble(val, &x) || x < 0 || x > 1) return "--min-accuracy needs a number in [0, 1]";
      f->min_accuracy = x;
    } else if (arg == "--alpha" || arg == "--margin" || arg == "--effect") {
      if (!ParseDouble(val, &x)) x = std::nan("");
      (arg == "--alpha" ? f->compare.alpha : arg == "--margin" ? f->compare.margin : f->compare.effect) = x;
    } else if (arg == "--wait") {
      if (!ParseDouble(val, &x) || x < 0 || x > 86400 || x != std::floor(x))
        return "--wait needs whole seconds in [0, 86400]";
      f->wait_seconds = static_cast<int>(x);
    } else if (arg == "--fail-on") {
      if (val == "regression") f->fail_on = FailOn::kRegression;
      else if (val == "field-regression") f->fail_on = FailOn::kFieldRegression;
      else if (val == "non-inferiority") f->fail_on = FailOn::kNonInferiority;
      else if (val == "never") f->fail_on = FailOn::kNever;
      else return "--fail-on must be regression, field-regression, non-inferiority or never";
    } else {
      return "unknown flag " + arg;
    }
  }
  if (f->server_mode()) {
    for (const std::string& flag : kFolderFlags)
      if (given.count(flag)) return flag + " scores folders; with --server the runs are already scored";
    if (f->run.empty()) return "--server needs --run (the id of the run to gate on)";
    if (!PlainId(f->run) || (given.count("--baseline-run") && !PlainId(f->baseline_run)))
      return "--run and --baseline-run take run ids such as bpr_...";
  } else {
    for (const std::string& flag : kServerFlags)
      if (given.count(flag)) return flag + " needs --server";
    if (f->config.empty() || f->expected.empty() || f->actual.empty())
      return "--config, --expected and --actual are required";
    if (given.count("--baseline") && f->baseline.empty()) return "--baseline needs a folder";
  }
  if (f->format != "table" && f->format != "json" && f->format != "csv" && f->format != "markdown" &&
      f->format != "junit")
    return "--format must be table, json, csv, markdown or junit";
  if (!f->kind.empty() && f->kind != "extract" && f->kind != "classify" && f->kind != "split") {
    return "--kind must be extract, classify or split";
  }
  if (!f->has_baseline()) {
    for (const std::string& flag : kCompareFlags)
      if (given.count(flag)) return flag + " applies to a comparison: pass --baseline (or --baseline-run)";
    if (f->fail_on && *f->fail_on != FailOn::kNever)
      return std::string("--fail-on ") + FailOnName(*f->fail_on) +
             " needs a baseline: pass --baseline (or --baseline-run)";
  } else {
    if (Status st = eval::ValidateCompareOptions(f->compare); !st.ok()) return "--" + st.message();
    if (!f->fail_on) f->fail_on = FailOn::kRegression;
  }
  return "";
}

}  // namespace goldset::evalcli
