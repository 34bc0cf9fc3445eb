// Identifiers: prefix + 22 characters of URL-safe base64 from a CSPRNG (docs/decisions.md §2).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace goldset {

// Returns e.g. "ev_2LcgeY_mp2T5yPaEuq5Lw" for prefix "ev_".
std::string NewId(std::string_view prefix);

// "req_" + 22 URL-safe base64 characters from a per-thread generator seeded by the CSPRNG:
// unique with overwhelming probability and cheap enough for every request, but
// predictable from earlier ids, so never use it for anything secret.
std::string NewRequestId();

// `n` random bytes from the CSPRNG, encoded as URL-safe base64 without padding.
std::string RandomToken(int n_bytes);

}  // namespace goldset
