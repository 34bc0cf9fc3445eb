#include "evalcli/eval_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "eval/eval.h"

namespace goldset::evalcli {
namespace {

namespace fs = std::filesystem;
using eval::Kind;

constexpr int kOk = 0, kBelowThreshold = 1, kBadInput = 2;
constexpr size_t kProgressMinFiles = 200;

const char* kUsage =
    "usage: goldset eval --config CONFIG.json --expected DIR --actual DIR\n"
    "                    [--kind extract|classify|split] [--fuzzy PATH,...] [--exclude PATH,...]\n"
    "                    [--fuzzy-threshold X] [--min-accuracy X] [--format table|json|csv]\n"
    "                    [--max-array-rows N]\n"
    "Pairs NAME.json in both folders. An item over --max-array-rows (default 5000 rows per\n"
    "array) counts as failed, with the reason. Exit: 0 ok, 1 accuracy below --min-accuracy,\n"
    "2 bad input.\n";

struct Flags {
  std::string config, expected, actual, kind, format = "table";
  eval::Options options;
  std::optional<double> min_accuracy;
};

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
    return pos == s.size();
  } catch (...) {
    return false;
  }
}

// Returns an error message, empty on success.
std::string ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string val;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      val = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (arg == "--help" || arg == "-h") {
      return "help";
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      return "missing value for " + arg;
    }
    double x = 0;
    if (arg == "--config") f->config = val;
    else if (arg == "--expected") f->expected = val;
    else if (arg == "--actual") f->actual = val;
    else if (arg == "--kind") f->kind = val;
    else if (arg == "--format") f->format = val;
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
    } else {
      return "unknown flag " + arg;
    }
  }
  if (f->config.empty() || f->expected.empty() || f->actual.empty()) return "--config, --expected and --actual are required";
  if (f->format != "table" && f->format != "json" && f->format != "csv") return "--format must be table, json or csv";
  if (!f->kind.empty() && f->kind != "extract" && f->kind != "classify" && f->kind != "split") {
    return "--kind must be extract, classify or split";
  }
  return "";
}

StatusOr<json::value> ReadJsonFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::InvalidArgument(p.string() + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  auto v = ParseJson(ss.str());
  if (!v.ok()) return Status::InvalidArgument(p.string() + ": " + v.status().message());
  return v;
}

// A processor, version or bare config: the config object.
json::object UnwrapConfig(const json::object& o) {
  if (o.contains("schema") || o.contains("classifications") || o.contains("splitClassifications")) return o;
  if (const json::value* c = o.if_contains("config"); c && c->is_object()) return c->as_object();
  if (const json::value* d = o.if_contains("draftVersion"); d && d->is_object()) {
    if (const json::value* c = d->as_object().if_contains("config"); c && c->is_object()) return c->as_object();
  }
  return o;
}

std::optional<Kind> InferKind(const std::string& flag, const json::object& config) {
  if (flag == "extract") return Kind::kExtract;
  if (flag == "classify") return Kind::kClassify;
  if (flag == "split") return Kind::kSplit;
  if (config.contains("schema")) return Kind::kExtract;
  if (config.contains("classifications")) return Kind::kClassify;
  if (config.contains("splitClassifications")) return Kind::kSplit;
  return std::nullopt;
}

std::map<std::string, fs::path> ListJson(const fs::path& dir) {
  std::map<std::string, fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out[e.path().stem().string()] = e.path();
  }
  return out;
}

// A run object ({output, status}) or an output; nullopt for a failed run.
std::optional<json::value> UnwrapActual(const json::value& v) {
  if (!v.is_object()) return v;
  const auto& o = v.as_object();
  if (const json::value* st = o.if_contains("status"); st && st->is_string() && o.contains("id")) {
    const json::value* out = o.if_contains("output");
    if (st->as_string() != "PROCESSED" || !out || out->is_null()) return std::nullopt;
    return *out;
  }
  if (const json::value* out = o.if_contains("output"); out && out->is_object()) return *out;
  return v;
}

json::value UnwrapExpected(const json::value& v) {
  if (v.is_object()) {
    if (const json::value* e = v.as_object().if_contains("expectedOutput")) return *e;
  }
  return v;
}

void Progress(size_t done, size_t total) {
  const int width = 40;
  int filled = static_cast<int>(width * done / total);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu", std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(width - filled), ' ').c_str(), done, total);
  if (done == total) std::fputc('\n', stderr);
}

std::string Fmt(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_number()) return "-";
  char buf[32];
  if (v->is_double()) std::snprintf(buf, sizeof(buf), "%.4f", v->as_double());
  else std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(v->to_number<double>()));
  return buf;
}

void PrintRows(const std::string& format, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows) {
  if (format == "csv") {
    for (size_t i = 0; i < header.size(); ++i) std::cout << (i ? "," : "") << header[i];
    std::cout << "\n";
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) {
        std::string cell = r[i];
        if (cell.find_first_of(",\"\n") != std::string::npos) {
          std::string q = "\"";
          for (char c : cell) q += c == '"' ? std::string("\"\"") : std::string(1, c);
          cell = q + "\"";
        }
        std::cout << (i ? "," : "") << cell;
      }
      std::cout << "\n";
    }
    return;
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      std::cout << (i ? "  " : "") << r[i] << std::string(width[i] - r[i].size(), ' ');
    }
    std::cout << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

void PrintReport(Kind kind, const std::string& format, const json::object& metrics) {
  std::vector<std::vector<std::string>> rows;
  if (kind == Kind::kExtract) {
    for (const auto& kv : metrics.at("fieldMetrics").as_object()) {
      const json::object& m = kv.value().as_object();
      rows.push_back({std::string(kv.key()), Fmt(m, "countTotal"), Fmt(m, "countExpected"), Fmt(m, "countPresent"),
                      Fmt(m, "countAccurate"), Fmt(m, "accuracy"), Fmt(m, "score"), Fmt(m, "precision"), Fmt(m, "recall")});
    }
    PrintRows(format, {"field", "countTotal", "countExpected", "countPresent", "countAccurate", "accuracy", "score", "precision", "recall"}, rows);
  } else if (kind == Kind::kClassify) {
    for (const auto& kv : metrics.at("classificationMetrics").as_object()) {
      const json::object& m = kv.value().as_object();
      rows.push_back({std::string(kv.key()), Fmt(m, "countExpected"), Fmt(m, "countPredicted"), Fmt(m, "countCorrect"),
                      Fmt(m, "precision"), Fmt(m, "recall"), Fmt(m, "f1")});
    }
    PrintRows(format, {"classification", "countExpected", "countPredicted", "countCorrect", "precision", "recall", "f1"}, rows);
  } else {
    for (const char* k : {"numSplitsExpected", "numSplitsPredicted", "numSplitsCorrect", "precision", "recall", "f1", "pageAccuracy"}) {
      rows.push_back({k, Fmt(metrics, k)});
    }
    PrintRows(format, {"metric", "value"}, rows);
  }
}

}  // namespace

int RunEvalCommand(int argc, char** argv) {
  Flags flags;
  std::string err = ParseFlags(argc, argv, &flags);
  if (err == "help") {
    std::cout << kUsage;
    return kOk;
  }
  if (!err.empty()) {
    std::cerr << "goldset eval: " << err << "\n" << kUsage;
    return kBadInput;
  }
  for (const std::string& dir : {flags.expected, flags.actual}) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      std::cerr << "goldset eval: not a directory: " << dir << "\n";
      return kBadInput;
    }
  }
  auto config_json = ReadJsonFile(flags.config);
  if (!config_json.ok()) {
    std::cerr << "goldset eval: " << config_json.status().message() << "\n";
    return kBadInput;
  }
  if (!config_json->is_object()) {
    std::cerr << "goldset eval: " << flags.config << ": the config must be a JSON object\n";
    return kBadInput;
  }
  json::object config = UnwrapConfig(config_json->as_object());
  std::optional<Kind> kind = InferKind(flags.kind, config);
  if (!kind) {
    std::cerr << "goldset eval: cannot infer the processor kind from " << flags.config << "; pass --kind\n";
    return kBadInput;
  }
  Status st;
  if (*kind == Kind::kExtract && config.contains("schema")) st = eval::ValidateExtractorSchema(config.at("schema"));
  if (*kind == Kind::kClassify) st = eval::ValidateClassifyConfig(config);
  if (*kind == Kind::kSplit) st = eval::ValidateSplitConfig(config);
  if (st.ok()) st = eval::ValidateOptions(*kind, config, flags.options);
  if (!st.ok()) {
    std::cerr << "goldset eval: " << flags.config << ": " << st.message() << "\n";
    return kBadInput;
  }

  std::map<std::string, fs::path> expected_files = ListJson(flags.expected), actual_files = ListJson(flags.actual);
  bool unpaired = false;
  for (const auto& [name, path] : expected_files) {
    if (!actual_files.count(name)) {
      std::cerr << "goldset eval: no actual output for " << path.string() << "\n";
      unpaired = true;
    }
  }
  for (const auto& [name, path] : actual_files) {
    if (!expected_files.count(name)) {
      std::cerr << "goldset eval: no expected output for " << path.string() << "\n";
      unpaired = true;
    }
  }
  if (unpaired) return kBadInput;
  if (expected_files.empty()) {
    std::cerr << "goldset eval: no NAME.json files in " << flags.expected << "\n";
    return kBadInput;
  }

  eval::MetricsBuilder builder(*kind, config, flags.options);
  const eval::ItemScorer scorer(*kind, config, flags.options);  // config compiled once for all files
  json::array items;
  size_t failed = 0, done = 0;
  const bool progress = isatty(STDERR_FILENO) && expected_files.size() >= kProgressMinFiles;
  for (const auto& [name, path] : expected_files) {
    auto e = ReadJsonFile(path);
    auto a = ReadJsonFile(actual_files.at(name));
    for (const auto* r : {&e, &a}) {
      if (!r->ok()) {
        if (progress) std::fputc('\n', stderr);
        std::cerr << "goldset eval: " << r->status().message() << "\n";
        return kBadInput;
      }
    }
    json::value expected = UnwrapExpected(*e);
    if (Status vs = eval::ValidateExpectedOutput(*kind, config, expected, std::nullopt); !vs.ok()) {
      if (progress) std::fputc('\n', stderr);
      std::cerr << "goldset eval: " << path.string() << ": " << vs.message() << "\n";
      return kBadInput;
    }
    std::optional<json::value> actual = UnwrapActual(*a);
    json::object item{{"name", name}};
    if (!actual) {
      ++failed;
      item["failed"] = true;
    } else if (auto result = scorer.Score(expected, *actual); !result.ok()) {
      if (progress) std::fputc('\n', stderr);
      std::cerr << "goldset eval: " << path.string() << ": " << result.status().message() << "\n";
      ++failed;
      item["failed"] = true;
      item["error"] = result.status().message();
    } else {
      builder.Add(*result);
      item["result"] = std::move(*result);
    }
    items.push_back(std::move(item));
    if (progress) Progress(++done, expected_files.size());
  }
  json::object metrics = builder.Build();
  metrics["numFilesTotal"] = expected_files.size();
  metrics["numFilesProcessed"] = expected_files.size() - failed;
  metrics["numFilesFailed"] = failed;
  const char* headline = *kind == Kind::kSplit ? "f1" : "accuracy";
  const json::value* acc = metrics.if_contains(headline);
  double accuracy = acc && acc->is_number() ? acc->to_number<double>() : 0.0;

  if (flags.format == "json") {
    std::cout << json::serialize(json::object{{"metrics", metrics}, {"items", items}}) << "\n";
  } else {
    PrintReport(*kind, flags.format, metrics);
    if (flags.format == "table") {
      char value[32] = "n/a";
      if (acc) std::snprintf(value, sizeof(value), "%.4f", accuracy);
      std::printf("\n%s: %s over %zu files (%zu failed)\n", *kind == Kind::kSplit ? "Split F1" : "Overall accuracy", value,
                  expected_files.size(), failed);
    }
  }
  if (flags.min_accuracy && (!acc || accuracy < *flags.min_accuracy)) {
    std::cerr << "goldset eval: " << headline << " " << (acc ? std::to_string(accuracy) : "n/a") << " is below --min-accuracy "
              << *flags.min_accuracy << "\n";
    return kBelowThreshold;
  }
  return kOk;
}

}  // namespace goldset::evalcli
