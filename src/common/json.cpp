#include "common/json.h"

#include "common/encoding.h"

namespace goldset {

StatusOr<json::value> ParseJson(std::string_view text, int max_depth) {
  json::parse_options opts;
  opts.max_depth = static_cast<std::size_t>(max_depth);
  opts.allow_invalid_utf8 = false;
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, {}, opts);
  if (ec) {
    return Status::InvalidArgument("Request body is not valid JSON: " + ec.message());
  }
  return v;
}

std::string ToJson(const json::value& v) { return json::serialize(v); }

const json::value* Find(const json::object& o, std::string_view key) {
  return o.if_contains(json::string_view(key.data(), key.size()));
}

std::optional<std::string> GetString(const json::object& o, std::string_view key) {
  const json::value* v = Find(o, key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace goldset
