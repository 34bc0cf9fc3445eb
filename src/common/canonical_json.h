// Canonical JSON text: one spelling per JSON value, so that a hash over it depends only
// on the value (never on key order, whitespace, backend or how a number was written).
// Pure functions; thread-safe.
//
// Rules: no whitespace; object keys sorted by their UTF-8 bytes; strings escaped as
// RFC 8259 requires and nothing more (", \, control characters as \n \t … or \u00XX;
// other characters as they are); a number whose value is an integer in ±2^53 is written
// as that integer (1, 1.0 and 1e0 are one value), any other number in the shortest form
// that round-trips (std::to_chars), with "e" for exponents.
#pragma once

#include <string>

#include "common/json.h"

namespace goldset {

std::string CanonicalJson(const json::value& v);
// Lowercase hex SHA-256 of CanonicalJson(v).
std::string CanonicalJsonSha256(const json::value& v);

}  // namespace goldset
