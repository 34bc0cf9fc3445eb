// Internal: the table written by embed_assets (generated at build time into the build tree).
#pragma once

#include <cstddef>

#include "web/assets.h"

namespace goldset::web::internal {

extern const Asset kAssets[];  // sorted by path
extern const std::size_t kAssetCount;

}  // namespace goldset::web::internal
