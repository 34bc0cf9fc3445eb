#include "api/multipart.h"
#include "common/strings.h"

#include <algorithm>
#include <cctype>
#include <functional>

namespace goldset::api {

namespace {

// Reads `key=value` or `key="quoted value"` parameters after the first ';'.
std::string Param(std::string_view header_value, std::string_view key, bool* found) {
  *found = false;
  size_t pos = 0;
  while ((pos = header_value.find(';', pos)) != std::string_view::npos) {
    ++pos;
    size_t eq = header_value.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string k = AsciiLower(Trim(header_value.substr(pos, eq - pos), kHeaderSpace));
    size_t vstart = eq + 1;
    std::string value;
    size_t next;
    if (vstart < header_value.size() && header_value[vstart] == '"') {
      size_t i = vstart + 1;
      while (i < header_value.size() && header_value[i] != '"') {
        if (header_value[i] == '\\' && i + 1 < header_value.size()) ++i;
        value += header_value[i++];
      }
      next = i + 1;
    } else {
      next = header_value.find(';', vstart);
      value = std::string(
          Trim(header_value.substr(vstart, next == std::string_view::npos ? std::string_view::npos : next - vstart),
               kHeaderSpace));
    }
    if (k == key) {
      *found = true;
      return value;
    }
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return "";
}

// Content-Disposition (name, filename) and Content-Type of one part's header block.
void ReadPartHeaders(std::string_view headers, MultipartPart* part) {
  size_t line_start = 0;
  while (line_start <= headers.size()) {
    size_t line_end = headers.find("\r\n", line_start);
    if (line_end == std::string_view::npos) line_end = headers.size();
    std::string_view line = headers.substr(line_start, line_end - line_start);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string name = AsciiLower(Trim(line.substr(0, colon), kHeaderSpace));
      std::string_view value = Trim(line.substr(colon + 1), kHeaderSpace);
      if (name == "content-disposition") {
        bool found = false;
        part->name = Param(value, "name", &found);
        part->filename = Param(value, "filename", &part->has_filename);
      } else if (name == "content-type") {
        part->content_type = std::string(value);
      }
    }
    line_start = line_end + 2;
  }
}

}  // namespace

StatusOr<std::string> MultipartBoundary(std::string_view content_type) {
  std::string lower = AsciiLower(content_type);
  if (lower.rfind("multipart/form-data", 0) != 0)
    return Status::InvalidArgument("Content-Type must be multipart/form-data");
  bool found = false;
  std::string b = Param(content_type, "boundary", &found);
  if (!found || b.empty() || b.size() > 200)
    return Status::InvalidArgument("multipart/form-data Content-Type has no valid boundary");
  return b;
}

StatusOr<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                    const MultipartLimits& limits) {
  const Status bad = Status::InvalidArgument("Malformed multipart/form-data body");
  // "\r\n--boundary" ends each part's data; the first delimiter has no CRLF before it.
  const std::string delimiter = "\r\n--" + std::string(boundary);
  const std::string_view dash_boundary = std::string_view(delimiter).substr(2);
  const std::boyer_moore_searcher next_delimiter(delimiter.begin(), delimiter.end());
  const std::boyer_moore_searcher first_delimiter(dash_boundary.begin(), dash_boundary.end());
  auto found = std::search(body.begin(), body.end(), first_delimiter);
  if (found == body.end()) return bad;
  size_t pos = static_cast<size_t>(found - body.begin());
  std::vector<MultipartPart> parts;
  for (;;) {
    pos += dash_boundary.size();
    if (body.substr(pos, 2) == "--") break;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return bad;
    pos += 2;
    if (static_cast<int>(parts.size()) >= limits.max_parts)
      return Status::TooLarge("multipart/form-data body has more than " + std::to_string(limits.max_parts) +
                              " parts (the limit)");
    // The header block ends at the first empty line, within the header limit.
    size_t header_end = body.substr(pos, limits.max_header_bytes + 4).find("\r\n\r\n");
    if (header_end == std::string_view::npos) {
      if (body.size() - pos > limits.max_header_bytes + 4)
        return Status::InvalidArgument("A multipart part's headers exceed " + std::to_string(limits.max_header_bytes) +
                                       " bytes");
      return bad;
    }
    header_end += pos;
    MultipartPart part;
    ReadPartHeaders(body.substr(pos, header_end - pos), &part);
    const size_t data_start = header_end + 4;
    auto next = std::search(body.begin() + static_cast<std::ptrdiff_t>(data_start), body.end(), next_delimiter);
    if (next == body.end()) return bad;
    const size_t data_end = static_cast<size_t>(next - body.begin());
    part.data = body.substr(data_start, data_end - data_start);
    parts.push_back(std::move(part));
    pos = data_end + 2;
  }
  return parts;
}

}  // namespace goldset::api
