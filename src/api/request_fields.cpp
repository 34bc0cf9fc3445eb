#include "api/request_fields.h"

#include <charconv>
#include <cmath>

#include "common/encoding.h"

namespace goldset::api {

const json::value* OptionalField(const json::object& body, std::string_view key) {
  const json::value* v = Find(body, key);
  return v && !v->is_null() ? v : nullptr;
}

StatusOr<std::string> RequiredString(const json::object& body, std::string_view key, size_t max_bytes,
                                     std::string_view path) {
  const std::string name(path.empty() ? key : path);
  const json::value* v = OptionalField(body, key);
  if (!v) return Status::InvalidArgument(name + " is required");
  if (!v->is_string()) return Status::InvalidArgument(name + " must be a string");
  std::string s(v->as_string());
  if (s.empty()) return Status::InvalidArgument(name + " must not be empty");
  if (s.size() > max_bytes)
    return Status::InvalidArgument(name + " is longer than " + std::to_string(max_bytes) + " bytes");
  if (!IsValidUtf8(s)) return Status::InvalidArgument(name + " is not valid UTF-8");
  return s;
}

StatusOr<std::vector<std::string>> StringArray(const json::value& v, const std::string& path, bool allow_empty) {
  if (!v.is_array()) return Status::InvalidArgument(path + " must be an array of strings");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& e = v.as_array()[i];
    std::string p = path + "[" + std::to_string(i) + "]";
    if (!e.is_string() || e.as_string().empty()) return Status::InvalidArgument(p + " must be a non-empty string");
    if (!seen.insert(std::string(e.as_string())).second) return Status::InvalidArgument(p + ": duplicate value");
    out.emplace_back(e.as_string());
  }
  if (out.empty() && !allow_empty) return Status::InvalidArgument(path + " must not be empty");
  return out;
}

Status RejectUnknownFields(const json::object& body, const std::set<std::string>& allowed) {
  for (const auto& [k, v] : body)
    if (!allowed.count(std::string(k))) return Status::InvalidArgument("Unknown field '" + std::string(k) + "'");
  return Status::OK();
}

std::optional<double> QueryNumber(const Request& req, const std::string& name) {
  std::vector<std::string> values = req.QueryValues(name);
  if (values.empty()) return std::nullopt;
  const std::string& v = values.front();
  double x = std::nan("");
  if (values.size() == 1 && !v.empty() && v.size() <= 32) {
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x, std::chars_format::general);
    if (ec != std::errc() || end != v.data() + v.size()) x = std::nan("");
  }
  return x;
}

}  // namespace goldset::api
