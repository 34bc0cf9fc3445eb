// Files in the API: the contract's FileSummary and File objects, presigned URLs, and
// storing a new file.
#pragma once

#include "api/services.h"
#include "common/json.h"
#include "model/records.h"

namespace goldset::api {

json::object FileSummaryJson(const model::File& f);
// File = FileSummary + presignedUrl (time-limited, HMAC-signed) + contents (deprecated; null).
json::object FileJson(const model::File& f, const Services& svc, bool with_url);
// "expires=...&signature=..." for /files/{id}/content, valid for `ttl_seconds`.
// Full presigned download URL for a file, valid 15 minutes.
std::string PresignedFileUrl(const Services& svc, const std::string& file_id);
std::string SignFileUrl(const Services& svc, const std::string& file_id, int64_t expires_unix);
// The name a new file is stored under, for uploads and for `file: {text, name}` alike:
// the client's name without any directory part ("" "." ".." -> "blob"); InvalidArgument
// for invalid UTF-8, control characters, or more than 255 bytes.
StatusOr<std::string> CleanFileName(const std::string& raw);
// Stores `bytes` in the blob store and inserts `f` (content_sha256 is set here). Safe
// against a concurrent delete of the last other file with the same bytes.
Status StoreNewFile(const Services& svc, model::File& f, std::string_view bytes);

}  // namespace goldset::api
