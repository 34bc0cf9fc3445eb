#include "evalcli/folder_scoring.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "eval/analysis.h"
#include "model/statuses.h"

namespace goldset::evalcli {
namespace {

namespace fs = std::filesystem;
using eval::Kind;

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
  if (flag == "extract") return Kind::kExtractor;
  if (flag == "classify") return Kind::kClassifier;
  if (flag == "split") return Kind::kSplitter;
  if (config.contains("schema")) return Kind::kExtractor;
  if (config.contains("classifications")) return Kind::kClassifier;
  if (config.contains("splitClassifications")) return Kind::kSplitter;
  return std::nullopt;
}

StatusOr<std::map<std::string, fs::path>> ListJson(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("not a directory: " + dir);
  std::map<std::string, fs::path> out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out[e.path().stem().string()] = e.path();
  }
  if (ec) return Status::InvalidArgument(dir + ": " + ec.message());
  return out;
}

// A run object ({output, status}) or an output; nullopt for a failed run.
std::optional<json::value> UnwrapActual(const json::value& v) {
  if (!v.is_object()) return v;
  const auto& o = v.as_object();
  if (const json::value* st = o.if_contains("status"); st && st->is_string() && o.contains("id")) {
    const json::value* out = o.if_contains("output");
    if (model::ParseProcessorRunStatus(st->as_string()) != model::ProcessorRunStatus::kProcessed || !out ||
        out->is_null())
      return std::nullopt;
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

}  // namespace

StatusOr<ExpectedSet> LoadExpected(const Flags& flags) {
  ExpectedSet set;
  auto files = ListJson(flags.expected);
  if (!files.ok()) return files.status();
  auto config_json = ReadJsonFile(flags.config);
  if (!config_json.ok()) return config_json.status();
  if (!config_json->is_object()) return Status::InvalidArgument(flags.config + ": the config must be a JSON object");
  set.config = UnwrapConfig(config_json->as_object());
  std::optional<Kind> kind = InferKind(flags.kind, set.config);
  if (!kind) return Status::InvalidArgument("cannot infer the processor kind from " + flags.config + "; pass --kind");
  set.kind = *kind;
  set.options = flags.options;
  Status st;
  if (set.kind == Kind::kExtractor && set.config.contains("schema"))
    st = eval::ValidateExtractorSchema(set.config.at("schema"));
  if (set.kind == Kind::kClassifier) st = eval::ValidateClassifyConfig(set.config);
  if (set.kind == Kind::kSplitter) st = eval::ValidateSplitConfig(set.config);
  if (st.ok()) st = eval::ValidateOptions(set.kind, set.config, set.options);
  if (!st.ok()) return Status::InvalidArgument(flags.config + ": " + st.message());
  if (files->empty()) return Status::InvalidArgument("no NAME.json files in " + flags.expected);
  for (const auto& [name, path] : *files) {
    auto e = ReadJsonFile(path);
    if (!e.ok()) return e.status();
    json::value expected = UnwrapExpected(*e);
    if (Status vs = eval::ValidateExpectedOutput(set.kind, set.config, expected, std::nullopt); !vs.ok())
      return Status::InvalidArgument(path.string() + ": " + vs.message());
    set.expected.emplace(name, std::move(expected));
  }
  set.expected_dir = flags.expected;
  return set;
}

StatusOr<ScoredFolder> ScoreFolder(const ExpectedSet& set, const std::string& dir, Progress* progress) {
  auto actual_files = ListJson(dir);
  if (!actual_files.ok()) return actual_files.status();
  std::string unpaired;
  for (const auto& [name, e] : set.expected) {
    if (!actual_files->count(name))
      unpaired +=
          "no actual output for " + (fs::path(set.expected_dir) / (name + ".json")).string() + " in " + dir + "\n";
  }
  for (const auto& [name, path] : *actual_files) {
    if (!set.expected.count(name)) unpaired += "no expected output for " + path.string() + "\n";
  }
  if (!unpaired.empty()) {
    unpaired.pop_back();
    return Status::InvalidArgument(unpaired);
  }
  ScoredFolder out;
  eval::MetricsBuilder builder(set.kind, set.config, set.options);
  const eval::ItemScorer scorer(set.kind, set.config, set.options);  // config compiled once for all files
  size_t failed = 0;
  for (const auto& [name, expected] : set.expected) {
    auto a = ReadJsonFile(actual_files->at(name));
    if (!a.ok()) return a.status();
    std::optional<json::value> actual = UnwrapActual(*a);
    json::object item{{"name", name}};
    if (!actual) {
      ++failed;
      item["failed"] = true;
    } else if (auto result = scorer.Score(expected, *actual); !result.ok()) {
      progress->Interrupt();
      std::fprintf(stderr, "goldset eval: %s: %s\n", actual_files->at(name).string().c_str(),
                   result.status().message().c_str());
      ++failed;
      item["failed"] = true;
      item["error"] = result.status().message();
    } else {
      builder.Add(*result);
      out.scored.push_back({name, *result});
      item["result"] = std::move(*result);
    }
    out.items.push_back(std::move(item));
    progress->Advance();
  }
  out.metrics = builder.Build();
  // Every file is finished here: scored or failed (the server counts the same way).
  const auto total = static_cast<int64_t>(set.expected.size());
  eval::SetFileCounts(&out.metrics, total, total - static_cast<int64_t>(failed), static_cast<int64_t>(failed));
  return out;
}

StatusOr<Report> ReportFromFolders(const Flags& flags) {
  auto set = LoadExpected(flags);
  if (!set.ok()) return set.status();
  Progress progress(set->expected.size() * (flags.has_baseline() ? 2 : 1));
  auto candidate = ScoreFolder(*set, flags.actual, &progress);
  if (!candidate.ok()) return candidate.status();
  Report r;
  r.kind = set->kind;
  r.metrics = std::move(candidate->metrics);
  r.items = std::move(candidate->items);
  if (r.kind == eval::Kind::kExtractor) {
    eval::RunAnalysis analysis;
    for (const auto& item : candidate->scored) analysis.Add(item.result);
    r.analysis = analysis.Build();
  }
  if (flags.has_baseline()) {
    auto baseline = ScoreFolder(*set, flags.baseline, &progress);
    if (!baseline.ok()) return baseline.status();
    r.baseline_metrics = std::move(baseline->metrics);
    r.comparison = eval::CompareRuns(set->kind, baseline->scored, candidate->scored, flags.compare);
  }
  r.gate = EvaluateGate(r.kind, r.metrics, r.comparison ? &*r.comparison : nullptr, flags.fail_on, flags.min_accuracy);
  return r;
}

}  // namespace goldset::evalcli
