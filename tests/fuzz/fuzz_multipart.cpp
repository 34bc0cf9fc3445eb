// libFuzzer target: the multipart/form-data parser of POST /files/upload.
// Input: a Content-Type header value, '\n', then the body.
// Checks: every part's data lies inside the body; never more parts than the limit.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view body = in.substr(nl + 1);
  auto boundary = goldset::api::MultipartBoundary(in.substr(0, nl));
  if (!boundary.ok()) return 0;
  goldset::api::MultipartLimits limits;
  limits.max_parts = 8;
  limits.max_header_bytes = 256;
  auto parts = goldset::api::ParseMultipart(body, *boundary, limits);
  if (!parts.ok()) return 0;
  if (parts->size() > 8) std::abort();
  for (const auto& p : *parts)
    if (p.data.data() < body.data() || p.data.data() + p.data.size() > body.data() + body.size()) std::abort();
  return 0;
}
