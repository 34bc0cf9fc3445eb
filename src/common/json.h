// Boost.JSON conveniences shared by every module. Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace goldset {

namespace json = boost::json;

// Parses `text` as one JSON value. Malformed JSON, trailing garbage, invalid UTF-8 or
// nesting deeper than `max_depth` -> InvalidArgument naming the problem.
StatusOr<json::value> ParseJson(std::string_view text, int max_depth = 64);

// Compact serialization.
std::string ToJson(const json::value& v);

// Field accessors that return nullptr / nullopt when absent or of another type.
const json::value* Find(const json::object& o, std::string_view key);
std::optional<std::string> GetString(const json::object& o, std::string_view key);

// The JSON stored in `text` (a column written by this server), or null when there is none
// or it does not parse.
json::value ParsedOrNull(const std::optional<std::string>& text);

}  // namespace goldset
