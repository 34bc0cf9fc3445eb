#include "common/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "common/crypto.h"

namespace goldset {

namespace {

constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53

void AppendString(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {  // JSON has no such number; parsers never produce one
    *out += "null";
    return;
  }
  if (d == std::floor(d) && std::fabs(d) <= kExactIntegerLimit) {
    *out += std::to_string(static_cast<int64_t>(d));
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out->append(buf, ec == std::errc() ? end : buf);
}

void Append(const json::value& v, std::string* out) {
  switch (v.kind()) {
    case json::kind::null: *out += "null"; break;
    case json::kind::bool_: *out += v.get_bool() ? "true" : "false"; break;
    case json::kind::int64: {
      int64_t i = v.get_int64();
      constexpr int64_t kLimit = int64_t{1} << 53;
      if (i > kLimit || i < -kLimit) AppendDouble(static_cast<double>(i), out);
      else *out += std::to_string(i);
      break;
    }
    case json::kind::uint64: {
      uint64_t u = v.get_uint64();
      if (u > (uint64_t{1} << 53)) AppendDouble(static_cast<double>(u), out);
      else *out += std::to_string(u);
      break;
    }
    case json::kind::double_: AppendDouble(v.get_double(), out); break;
    case json::kind::string: AppendString(v.get_string(), out); break;
    case json::kind::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out->push_back(',');
        first = false;
        Append(e, out);
      }
      out->push_back(']');
      break;
    }
    case json::kind::object: {
      std::vector<const json::key_value_pair*> members;
      for (const auto& kv : v.get_object()) members.push_back(&kv);
      std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out->push_back('{');
      bool first = true;
      for (const auto* kv : members) {
        if (!first) out->push_back(',');
        first = false;
        AppendString(kv->key(), out);
        out->push_back(':');
        Append(kv->value(), out);
      }
      out->push_back('}');
      break;
    }
  }
}

}  // namespace

std::string CanonicalJson(const json::value& v) {
  std::string out;
  Append(v, &out);
  return out;
}

std::string CanonicalJsonSha256(const json::value& v) { return Sha256Hex(CanonicalJson(v)); }

}  // namespace goldset
