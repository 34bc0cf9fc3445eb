// JSON mapping of processors: the contract's Extractor / Classifier / Splitter objects,
// their summaries (also the `entity` of evaluation sets and runs), and version objects
// (extractor_version, ...; the summary form, without config, is also a run's
// entityVersion). Pure functions; thread-safe.
#pragma once

#include "common/json.h"
#include "model/processor.h"

namespace goldset::api {

// {object, id, name, createdAt, updatedAt}
json::object ProcessorSummaryJson(const model::Processor& p);
// The summary plus draftVersion (with its config).
json::object ProcessorJson(const model::Processor& p);
// {object, id, <owner>Id, version, description, config?, createdAt, createdBy}
json::object ProcessorVersionJson(const model::ProcessorVersion& v, bool with_config);
// {type:"api_key", name} or null.
json::value CreatedByJson(const std::optional<std::string>& key_name);

}  // namespace goldset::api
