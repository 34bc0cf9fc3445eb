// The release this binary is, as runs record it in their manifest (evaluationSetRunManifest
// goldsetVersion). Bump it with every release.
#pragma once

namespace goldset {

inline constexpr const char* kGoldsetVersion = "0.18.0";

}  // namespace goldset
