// Transport-neutral HTTP request/response, so handlers never include Boost.Beast.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace goldset::api {

struct Request {
  std::string method;                             // "GET", "POST", ...
  std::string target;                             // raw target as received
  std::string path;                               // raw path (no query), still percent-encoded
  std::vector<std::string> segments;              // path split on '/' first, then each percent-decoded
  std::multimap<std::string, std::string> query;  // decoded; '+' stays '+'
  std::map<std::string, std::string> headers;     // names lower-cased; first value wins
  std::string body;
  std::string remote_address;

  const std::string* Header(const std::string& lower_name) const;
  std::optional<std::string> QueryValue(const std::string& key) const;  // first value
  std::vector<std::string> QueryValues(const std::string& key) const;
};

// A response body produced piece by piece (CSV exports, large downloads). The writer is
// called repeatedly with a sink; it returns false when done.
using BodyWriter = std::function<bool(const std::function<void(std::string_view)>& sink)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  BodyWriter stream;   // when set, sent with chunked encoding instead of `body`
  bool close = false;  // close the connection after this response
};

// The `Server` header of every response: "goldset/<version> scoring/<scoring version>".
const std::string& ServerHeader();

// Splits a raw target into path segments and query. InvalidArgument on bad escapes.
Status ParseTarget(std::string_view target, Request* req);

}  // namespace goldset::api
