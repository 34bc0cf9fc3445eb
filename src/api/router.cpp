#include "api/router.h"

namespace goldset::api {

void Router::Add(Route route) {
  Compiled c;
  std::string p = route.pattern;
  size_t start = 1;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    c.parts.push_back(p.substr(start, end - start));
    start = end + 1;
  }
  c.route = std::move(route);
  routes_.push_back(std::move(c));
}

RouteMatch Router::Match(const std::string& method, const std::vector<std::string>& segments) const {
  RouteMatch result;
  for (const Compiled& c : routes_) {
    if (c.parts.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < c.parts.size() && ok; ++i) {
      const std::string& part = c.parts[i];
      if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        if (segments[i].empty()) ok = false;
        else params[part.substr(1, part.size() - 2)] = segments[i];
      } else if (part != segments[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (c.route.method != method) {
      result.method_mismatch = true;
      continue;
    }
    result.route = &c.route;
    result.params = std::move(params);
    result.method_mismatch = false;
    return result;
  }
  return result;
}

std::vector<std::pair<std::string, std::string>> Router::List() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Compiled& c : routes_) out.emplace_back(c.route.method, c.route.pattern);
  return out;
}

}  // namespace goldset::api
