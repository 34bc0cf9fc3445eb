// Readers for the fields of a JSON request body, shared by every handler so that one field
// rule holds everywhere:
//   - A length limit is in bytes of UTF-8 (what is stored and what a column holds), and the
//     message says "bytes".
//   - A string must be valid UTF-8 (bodies are already parsed strictly by json::Parse; the
//     check also covers strings that reach a reader by another path).
//   - Explicit null counts as absent ("not given").
// Each field's limit is a named constant below, so the limit of a field is found in one place.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "common/json.h"
#include "common/status.h"

namespace goldset::api {

// Names of resources (processors, webhook endpoints) and opaque ids (contract: ids are at most
// 255 characters).
inline constexpr size_t kMaxNameBytes = 255;
inline constexpr size_t kMaxIdBytes = 255;
// Evaluation-set names and entity ids of a set have allowed 4,096 bytes since they shipped;
// lowering it would refuse names that stored sets already have.
inline constexpr size_t kMaxSetFieldBytes = 4096;
inline constexpr size_t kMaxUrlBytes = 2048;
inline constexpr size_t kMaxTokenBytes = 32;  // enum-like strings: an apiVersion, a resourceType

// The field `key` of `body`, or null when it is absent or JSON null.
const json::value* OptionalField(const json::object& body, std::string_view key);

// A required, non-empty string of at most `max_bytes` bytes of valid UTF-8. Errors name the
// field as `path` (default: the key itself).
StatusOr<std::string> RequiredString(const json::object& body, std::string_view key, size_t max_bytes,
                                     std::string_view path = {});

// A JSON array of distinct non-empty strings; empty only when `allow_empty`. `path` names it.
StatusOr<std::vector<std::string>> StringArray(const json::value& v, const std::string& path, bool allow_empty);

// InvalidArgument naming the first key of `body` that is not in `allowed`.
Status RejectUnknownFields(const json::object& body, const std::set<std::string>& allowed);

// Query parameter `name` as one plain number: nullopt when absent; NaN when repeated, empty,
// over 32 bytes or not a whole number text ("abc", "1x"), so the caller's range check refuses
// it with its one message.
std::optional<double> QueryNumber(const Request& req, const std::string& name);

}  // namespace goldset::api
