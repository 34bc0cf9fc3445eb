#include "api/http.h"

#include "common/encoding.h"
#include "common/version.h"
#include "eval/eval.h"

namespace goldset::api {

const std::string& ServerHeader() {
  static const std::string kValue =
      std::string("goldset/") + kGoldsetVersion + " scoring/" + std::to_string(eval::kScoringVersion);
  return kValue;
}

const std::string* Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? nullptr : &it->second;
}

std::optional<std::string> Request::QueryValue(const std::string& key) const {
  auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Request::QueryValues(const std::string& key) const {
  std::vector<std::string> out;
  auto [b, e] = query.equal_range(key);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

Status ParseTarget(std::string_view target, Request* req) {
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  if (path.empty() || path[0] != '/') return Status::InvalidArgument("Request target must start with '/'");
  req->path = std::string(path);
  req->segments.clear();
  // Split first, decode second: an encoded '/' stays inside its segment (contract T5).
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto seg = PercentDecode(path.substr(start, end - start));
    if (!seg) return Status::InvalidArgument("Malformed percent-encoding in the request path");
    if (seg->find('\0') != std::string::npos) return Status::InvalidArgument("NUL byte in the request path");
    if (!IsValidUtf8(*seg)) return Status::InvalidArgument("The request path is not valid UTF-8 once decoded");
    req->segments.push_back(std::move(*seg));
    start = end + 1;
  }
  // "/files/" yields a trailing empty segment; drop it so "/files/" routes like "/files".
  if (req->segments.size() > 1 && req->segments.back().empty()) req->segments.pop_back();
  req->query.clear();
  if (q != std::string_view::npos) {
    std::string_view qs = target.substr(q + 1);
    size_t pos = 0;
    while (pos <= qs.size()) {
      size_t amp = qs.find('&', pos);
      if (amp == std::string_view::npos) amp = qs.size();
      std::string_view pair = qs.substr(pos, amp - pos);
      if (!pair.empty()) {
        size_t eq = pair.find('=');
        auto k = PercentDecode(pair.substr(0, eq));
        auto v = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!k || !v) return Status::InvalidArgument("Malformed percent-encoding in the query string");
        // Values reach SQL and JSON error messages: text only.
        if (!IsValidUtf8(*k) || !IsValidUtf8(*v) || k->find('\0') != std::string::npos ||
            v->find('\0') != std::string::npos)
          return Status::InvalidArgument("Query parameters must be UTF-8 text without NUL bytes");
        req->query.emplace(std::move(*k), std::move(*v));
      }
      pos = amp + 1;
    }
  }
  return Status::OK();
}

}  // namespace goldset::api
