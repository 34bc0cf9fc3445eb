// JSON mapping of files: the contract's FileSummary and File objects.
#pragma once

#include "api/services.h"
#include "common/json.h"
#include "model/records.h"

namespace goldset::api {

json::object FileSummaryJson(const model::File& f);
// File = FileSummary + presignedUrl (time-limited, HMAC-signed) + contents (deprecated; null).
json::object FileJson(const model::File& f, const Services& svc, bool with_url);
// "expires=...&signature=..." for /files/{id}/content, valid for `ttl_seconds`.
std::string SignFileUrl(const Services& svc, const std::string& file_id, int64_t expires_unix);

}  // namespace goldset::api
