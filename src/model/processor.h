// Processors (extractors, classifiers, splitters) and their versions, as stored.
// Plain records plus the per-kind names the wire format uses; no behaviour beyond
// lookups. Thread-safe (immutable tables).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goldset::model {

// The one kind enum: the API's processors, the engines that run them (processors::Kind) and
// the scorers that judge their output (eval::Kind) all use it.
enum class ProcessorKind { kExtractor, kClassifier, kSplitter };

// Everything that differs between the three kinds on the wire: the one string mapping.
struct ProcessorKindInfo {
  ProcessorKind kind;
  const char* name;            // "extractor": the `object` value, the stored kind
  const char* collection;      // "extractors": the route segment
  const char* title;           // "Extractor": for messages
  const char* id_prefix;       // "ex_"
  const char* version_prefix;  // "exv_"
  const char* version_object;  // "extractor_version"
  const char* owner_field;     // "extractorId" in version objects
  const char* clone_field;     // "cloneExtractorId" in create bodies
  const char* verb;            // "extract": an http engine request's `kind`, the LLM schema name
  const char* output_type;     // "ExtractOutput": the output shape, in engine error messages
  const char* metrics_type;    // "EXTRACT": a run's metrics `type`
};

inline const ProcessorKindInfo& KindInfo(ProcessorKind k) {
  static const ProcessorKindInfo kInfo[] = {
      {ProcessorKind::kExtractor, "extractor", "extractors", "Extractor", "ex_", "exv_", "extractor_version",
       "extractorId", "cloneExtractorId", "extract", "ExtractOutput", "EXTRACT"},
      {ProcessorKind::kClassifier, "classifier", "classifiers", "Classifier", "cl_", "clv_", "classifier_version",
       "classifierId", "cloneClassifierId", "classify", "ClassifyOutput", "CLASSIFY"},
      {ProcessorKind::kSplitter, "splitter", "splitters", "Splitter", "spl_", "splv_", "splitter_version", "splitterId",
       "cloneSplitterId", "split", "SplitOutput", "SPLITTER"},
  };
  return kInfo[static_cast<int>(k)];
}

inline std::optional<ProcessorKind> KindFromName(std::string_view name) {
  for (auto k : {ProcessorKind::kExtractor, ProcessorKind::kClassifier, ProcessorKind::kSplitter})
    if (name == KindInfo(k).name) return k;
  return std::nullopt;
}

// The kind an id belongs to, judged by its prefix ("ex_…" -> extractor); nullopt otherwise.
inline std::optional<ProcessorKind> KindFromId(std::string_view id) {
  for (auto k : {ProcessorKind::kExtractor, ProcessorKind::kClassifier, ProcessorKind::kSplitter})
    if (id.substr(0, std::string_view(KindInfo(k).id_prefix).size()) == KindInfo(k).id_prefix) return k;
  return std::nullopt;
}

// A processor with its editable draft. The draft is a version too: it has a stable id
// (draft_version_id) and the version string "draft".
struct Processor {
  std::string id;
  std::string workspace_id;
  ProcessorKind kind = ProcessorKind::kExtractor;
  std::string name;
  std::string draft_version_id;
  std::string draft_config;                     // JSON object text, kept as given
  std::optional<std::string> draft_updated_by;  // key name of the last draft edit
  int64_t draft_updated_at = 0;
  std::optional<std::string> created_by;  // key name
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A version: either the draft (is_draft, version "draft", mutable through the processor)
// or a published version ("1.0", ...), which never changes once written.
struct ProcessorVersion {
  std::string id;
  std::string processor_id;
  ProcessorKind kind = ProcessorKind::kExtractor;
  std::string version;  // "draft" or "MAJOR.MINOR"
  bool is_draft = false;
  int major = 0;  // 0.0 for the draft
  int minor = 0;
  std::optional<std::string> description;
  std::string config;  // JSON object text
  std::optional<std::string> created_by;
  int64_t created_at = 0;
};

}  // namespace goldset::model
