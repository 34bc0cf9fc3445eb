// Small readers over JSON Schema property objects shared by the engines. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace goldset::processors {

// The first non-"null" entry of `type` (a string or an array of strings); "" when absent.
std::string PrimaryType(const json::object& prop);
// "currency", "date", "signature" from "extend:type", else "".
std::string ExtendType(const json::object& prop);
// The non-null string options of `enum`.
std::vector<std::string> EnumOptions(const json::object& prop);
// The `x-rules` object of a property or classification, nullptr when absent.
const json::object* XRules(const json::object& o);
// "invoice_number" / "invoiceNumber" -> "invoice number".
std::string FieldWords(const std::string& key);
// `schema` without x-rules and extend:* keys, recursively (for an LLM's response_format).
json::value StripExtensions(const json::value& schema);

}  // namespace goldset::processors
