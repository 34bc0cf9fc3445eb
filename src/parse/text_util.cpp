#include "parse/text_util.h"

#include <cstdint>

#include "common/encoding.h"

namespace goldset::parse {

namespace {

struct NamedEntity {
  std::string_view name, utf8;
};

constexpr NamedEntity kNamed[] = {{"amp", "&"},
                                  {"lt", "<"},
                                  {"gt", ">"},
                                  {"quot", "\""},
                                  {"apos", "'"},
                                  {"nbsp", " "},
                                  {"euro", "\xE2\x82\xAC"},
                                  {"pound", "\xC2\xA3"},
                                  {"copy", "\xC2\xA9"},
                                  {"reg", "\xC2\xAE"},
                                  {"trade", "\xE2\x84\xA2"},
                                  {"cent", "\xC2\xA2"},
                                  {"yen", "\xC2\xA5"},
                                  {"sect", "\xC2\xA7"},
                                  {"deg", "\xC2\xB0"},
                                  {"times", "\xC3\x97"},
                                  {"middot", "\xC2\xB7"},
                                  {"bull", "\xE2\x80\xA2"},
                                  {"lsquo", "\xE2\x80\x98"},
                                  {"rsquo", "\xE2\x80\x99"},
                                  {"ldquo", "\xE2\x80\x9C"},
                                  {"rdquo", "\xE2\x80\x9D"},
                                  {"mdash", "\xE2\x80\x94"},
                                  {"ndash", "\xE2\x80\x93"},
                                  {"hellip", "..."}};

bool IsEntityChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '#';
}

// The code point of a numeric reference body ("#38", "#x26"), or -1.
int64_t NumericReference(std::string_view body) {
  if (body.size() < 2 || body[0] != '#') return -1;
  bool hex = body[1] == 'x' || body[1] == 'X';
  std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty()) return -1;
  int64_t cp = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    cp = cp * (hex ? 16 : 10) + d;
    if (cp > 0x10FFFF) return -1;  // also stops overflow: at most one more digit is read
  }
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  return cp;
}

}  // namespace

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t amp = s.find('&', i);
    out.append(s.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i));
    if (amp == std::string_view::npos) break;
    // Only a short run of name characters then ';' is a reference: the scan is bounded.
    size_t end = amp + 1;
    size_t limit = std::min(s.size(), amp + kMaxEntityLength);
    while (end < limit && IsEntityChar(s[end])) ++end;
    bool decoded = false;
    if (end < limit && s[end] == ';') {
      std::string_view body = s.substr(amp + 1, end - amp - 1);
      if (int64_t cp = NumericReference(body); cp > 0) {
        AppendUtf8(static_cast<uint32_t>(cp), &out);
        decoded = true;
      } else {
        for (const NamedEntity& e : kNamed)
          if (body == e.name) {
            out.append(e.utf8);
            decoded = true;
            break;
          }
      }
    }
    if (decoded) {
      i = end + 1;
    } else {
      out.push_back('&');
      i = amp + 1;
    }
  }
  return out;
}

std::string TidyLines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i <= s.size()) {
    size_t nl = s.find('\n', i);
    if (nl == std::string_view::npos) nl = s.size();
    // One line: copy its words with single spaces between them.
    bool pending_space = false;
    size_t line_start = out.size();
    for (size_t k = i; k < nl; ++k) {
      char c = s[k];
      if (c == ' ' || c == '\t' || c == '\r') {
        pending_space = out.size() > line_start;
      } else {
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
      }
    }
    if (out.size() > line_start) out.push_back('\n');
    i = nl + 1;
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace goldset::parse
