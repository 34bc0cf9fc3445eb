// Public face of the web module: the dashboard's static files, compiled into the binary.
#pragma once

#include <string_view>

namespace goldset::web {

struct Asset {
  std::string_view path;          // "/index.html", "/app.js", "/pages/run.js", ...
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;          // exact file bytes
  std::string_view etag;          // strong validator, quoted: "\"3f2a...\""
};

// Finds the asset for a request path (query string already removed).
// "/" maps to "/index.html". Returns nullptr when no such asset exists.
const Asset* FindAsset(std::string_view path);

}  // namespace goldset::web
