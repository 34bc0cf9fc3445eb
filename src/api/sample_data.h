// Sample data for a first look (`goldset demo`, the dashboard's empty state, POST
// /sample_data): generated invoices (text PDFs, and scans made from them as page
// images) and document-type PDFs bundled under web/demo/, an invoice extractor with two
// published versions (1.0 without its x-rules hints, deliberately weaker; 2.0 with them),
// a classifier, an evaluation set for each, and runs of both extractor versions and of
// the classifier. Everything is named "Sample: …" (files "sample-…") and is created
// through the API's own handlers, so it is exactly what a client could have made.
// Loading is idempotent (a second load finds the sample sets and creates nothing);
// RemoveSampleData deletes it all, the user's own data untouched.
// Thread-safety: as the handlers (any thread).
#pragma once

#include <string>
#include <vector>

#include "api/context.h"
#include "api/services.h"

namespace goldset::api {

struct SampleData {
  bool created = false;  // false: it was already there
  std::vector<std::string> set_ids;
  std::vector<std::string> run_ids;  // extractor 1.0, extractor 2.0, classifier 1.0
};

StatusOr<SampleData> LoadSampleData(Services& svc, const Caller& caller);
// The sample sets, runs and items, then the sample processors and files; NotFound-free
// (nothing to remove is fine). Returns how many objects were removed.
StatusOr<int> RemoveSampleData(Services& svc, const Caller& caller);

}  // namespace goldset::api
