#include "web/assets.h"

#include <algorithm>

#include "web/assets_table.h"

namespace goldset::web {

const Asset* FindAsset(std::string_view path) {
  if (path.empty() || path == "/") path = "/index.html";
  // The generator emits the table sorted by path, so a binary search suffices.
  const Asset* begin = internal::kAssets;
  const Asset* end = internal::kAssets + internal::kAssetCount;
  const Asset* it = std::lower_bound(begin, end, path, [](const Asset& a, std::string_view p) { return a.path < p; });
  if (it == end || it->path != path) return nullptr;
  return it;
}

}  // namespace goldset::web
