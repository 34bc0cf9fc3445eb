#include "store/s3/s3_options.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

namespace goldset::store {

namespace {

bool SafeKeyChars(std::string_view s, bool allow_slash) {
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || (allow_slash && c == '/');
    if (!ok) return false;
  }
  return true;
}

// Decodes %XX in a query value (endpoints such as http%3A%2F%2Fhost are common in URLs
// that went through a shell or a config tool).
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const std::string hex(s.substr(i + 1, 2));
    char* end = nullptr;
    const long v = std::strtol(hex.c_str(), &end, 16);
    if (hex.size() != 2 || *end) return std::nullopt;
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

}  // namespace

bool IsS3Url(const std::string& spec) { return spec.rfind("s3://", 0) == 0; }

StatusOr<S3Options> ParseS3Url(const std::string& spec) {
  if (!IsS3Url(spec)) return Status::InvalidArgument("blob store URL must start with s3://");
  S3Options o;
  std::string rest = spec.substr(5), query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  const size_t slash = rest.find('/');
  o.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) o.prefix = rest.substr(slash + 1);
  if (o.bucket.size() < 3 || o.bucket.size() > 63 || !SafeKeyChars(o.bucket, false))
    return Status::InvalidArgument("s3:// bucket must be 3-63 characters of [A-Za-z0-9._-]");
  while (!o.prefix.empty() && o.prefix.front() == '/') o.prefix.erase(0, 1);
  if (!SafeKeyChars(o.prefix, true) || o.prefix.find("//") != std::string::npos || o.prefix.size() > 512)
    return Status::InvalidArgument("s3:// prefix may hold only [A-Za-z0-9._-] and single '/'");
  if (!o.prefix.empty() && o.prefix.back() != '/') o.prefix += '/';
  std::map<std::string, std::string> params;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto value = PercentDecode(eq == std::string::npos ? "" : std::string_view(pair).substr(eq + 1));
    const std::string name = pair.substr(0, eq);
    if (!value) return Status::InvalidArgument("s3:// parameter " + name + " has a bad %-escape");
    if (name != "endpoint" && name != "region")
      return Status::InvalidArgument("unknown s3:// parameter " + name + " (known: endpoint, region)");
    params[name] = *value;
  }
  if (auto it = params.find("region"); it != params.end()) {
    if (it->second.empty() || !SafeKeyChars(it->second, false))
      return Status::InvalidArgument("s3:// region must be [A-Za-z0-9._-]");
    o.region = it->second;
  }
  if (auto it = params.find("endpoint"); it != params.end()) {
    o.endpoint = it->second;
  } else {
    o.endpoint = "https://s3." + o.region + ".amazonaws.com";
  }
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  const bool http = o.endpoint.rfind("http://", 0) == 0, https = o.endpoint.rfind("https://", 0) == 0;
  const std::string host = o.endpoint.substr(http ? 7 : https ? 8 : 0);
  if ((!http && !https) || host.empty() || host.find_first_of("/?#@ ") != std::string::npos)
    return Status::InvalidArgument("s3:// endpoint must be http(s)://HOST[:PORT] with no path");
  return o;
}

Status LoadS3Credentials(S3Options& options, const std::string& credentials_file) {
  std::map<std::string, std::string> values;
  if (!credentials_file.empty()) {
    std::ifstream in(credentials_file);
    if (!in) return Status::InvalidArgument("cannot read the S3 credentials file " + credentials_file);
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      const size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      values[line.substr(0, eq)] = line.substr(eq + 1);
    }
  } else {
    for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
      if (const char* v = std::getenv(name)) values[name] = v;
  }
  options.access_key = values["AWS_ACCESS_KEY_ID"];
  options.secret_key = values["AWS_SECRET_ACCESS_KEY"];
  options.session_token = values["AWS_SESSION_TOKEN"];
  if (options.access_key.empty() || options.secret_key.empty())
    return Status::InvalidArgument(
        std::string("S3 credentials missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") +
        (credentials_file.empty() ? " in the environment" : " in " + credentials_file));
  return Status::OK();
}

}  // namespace goldset::store
