// EntityCatalog: what the evaluation API needs to know about processors — a summary for
// embedding (`entity`), and version resolution with the exact config to snapshot.
// Implemented over the processor store; kept as an interface so evaluation code does not
// depend on how processors are stored. Thread-safe.
#pragma once

#include <string>

#include "common/json.h"
#include "common/status.h"

namespace goldset::api {

struct ResolvedEntity {
  std::string kind;      // "extractor" | "classifier" | "splitter"
  json::object summary;  // {object, id, name, createdAt, updatedAt}
  json::object
      version;  // EvaluationSetRunEntityVersion: {object, id, version, description, <owner>Id, createdAt, createdBy}
  json::object config;  // the exact config of that version
};

class EntityCatalog {
 public:
  virtual ~EntityCatalog() = default;
  // NotFound when the processor does not exist in the workspace.
  virtual StatusOr<ResolvedEntity> Resolve(const std::string& workspace_id, const std::string& entity_id,
                                           const std::string& version) = 0;
  // Summary and kind only (cheap; used for embedding in sets).
  virtual StatusOr<ResolvedEntity> Describe(const std::string& workspace_id, const std::string& entity_id) = 0;
};

}  // namespace goldset::api
