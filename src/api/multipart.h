// multipart/form-data parsing (RFC 7578) for POST /files/upload.
//
// Bounded: at most `max_parts` parts and `max_header_bytes` of headers per part, so the
// parsed form of a body is a few hundred bytes per part beyond the body itself (part
// data is a view into the body, never copied). Linear time: delimiters are found with a
// Boyer-Moore searcher and no search restarts behind its last match.
// Pure; thread-safe. Parts reference the body: keep it alive while using them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace goldset::api {

struct MultipartPart {
  std::string name;
  std::string filename;  // empty when the part has no filename parameter
  bool has_filename = false;
  std::string content_type;
  std::string_view data;
};

struct MultipartLimits {
  int max_parts = 64;              // --max-multipart-parts
  size_t max_header_bytes = 8192;  // of one part's header block
};

// Extracts the boundary from a Content-Type header value. InvalidArgument if absent.
StatusOr<std::string> MultipartBoundary(std::string_view content_type);

// InvalidArgument for a malformed body or a part's headers over the limit; TooLarge for
// more than max_parts parts (checked as they are found: no more than max_parts are held).
StatusOr<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                    const MultipartLimits& limits = {});

}  // namespace goldset::api
