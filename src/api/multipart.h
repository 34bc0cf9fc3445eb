// multipart/form-data parsing (RFC 7578) for POST /files/upload.
// Pure; thread-safe. Parts reference the body: keep it alive while using them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace goldset::api {

struct MultipartPart {
  std::string name;
  std::string filename;        // empty when the part has no filename parameter
  bool has_filename = false;
  std::string content_type;
  std::string_view data;
};

// Extracts the boundary from a Content-Type header value. InvalidArgument if absent.
StatusOr<std::string> MultipartBoundary(std::string_view content_type);
StatusOr<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary);

}  // namespace goldset::api
