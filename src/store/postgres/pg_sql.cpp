// Backend-free text transformations of the PostgreSQL backend (unit-tested directly).
#include <optional>
#include <string>

#include "store/postgres/postgres_database.h"

namespace goldset::store {

bool IsPostgresUrl(std::string_view url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::optional<std::string> TakeUrlParameter(std::string* url, std::string_view name) {
  const size_t q = url->find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string kept;
  std::optional<std::string> value;
  size_t pos = q + 1;
  while (pos <= url->size()) {
    size_t end = url->find('&', pos);
    if (end == std::string::npos) end = url->size();
    std::string_view pair(url->data() + pos, end - pos);
    if (pair.substr(0, name.size()) == name && pair.size() > name.size() && pair[name.size()] == '=') {
      value = std::string(pair.substr(name.size() + 1));
    } else if (!pair.empty()) {
      kept += kept.empty() ? "" : "&";
      kept += pair;
    }
    pos = end + 1;
  }
  if (value) *url = url->substr(0, q) + (kept.empty() ? "" : "?" + kept);
  return value;
}

std::string TranslatePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  // Copies sql[i] up to and including the first `close` (a doubled quote stays inside).
  auto copy_quoted = [&](char close) {
    out += sql[i++];
    while (i < sql.size()) {
      char c = sql[i++];
      out += c;
      if (c == close) {
        if (i < sql.size() && sql[i] == close) {
          out += sql[i++];
          continue;
        }
        return;
      }
    }
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_quoted(c);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  if (count) *count = n;
  return out;
}

StatusOr<std::string> DecodeByteaHex(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0)
    return Status::Internal("unexpected bytea encoding (want hex output)");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.resize((text.size() - 2) / 2);
  for (size_t i = 2, o = 0; i < text.size(); i += 2, ++o) {
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return Status::Internal("bad hex digit in bytea");
    out[o] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

}  // namespace goldset::store
