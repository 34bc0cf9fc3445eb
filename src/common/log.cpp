#include "common/log.h"

#include <unistd.h>

#include <cerrno>

#include "common/clock.h"
#include "common/encoding.h"

namespace goldset {

namespace {
constexpr size_t kMaxFieldBytes = 256;  // requestId, component, …: short by nature
}  // namespace

void AppendJsonString(std::string* out, std::string_view s, size_t max_bytes) {
  static const char kHex[] = "0123456789abcdef";
  const std::string text = SanitizeUtf8(s);
  out->push_back('"');
  size_t written = 0;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    char esc[6];
    std::string_view piece;
    size_t len = 1;
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = static_cast<char>(c);
      piece = std::string_view(esc, 2);
    } else if (c < 0x20 || c == 0x7f) {
      esc[0] = '\\';
      esc[1] = 'u';
      esc[2] = '0';
      esc[3] = '0';
      esc[4] = kHex[c >> 4];
      esc[5] = kHex[c & 15];
      piece = std::string_view(esc, 6);
    } else {
      // A whole UTF-8 sequence at a time, so a cut never splits a character.
      len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      piece = std::string_view(text).substr(i, len);
    }
    if (written + piece.size() > max_bytes) {
      out->append("...");
      break;
    }
    out->append(piece);
    written += piece.size();
    i += len;
  }
  out->push_back('"');
}

std::string FormatLogLine(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(96 + msg.size());
  line += "{\"ts\":\"";
  line += FormatRfc3339(NowMillis());
  line += "\",\"level\":";
  AppendJsonString(&line, level, kMaxFieldBytes);
  line += ",\"msg\":";
  AppendJsonString(&line, msg);
  for (const LogField& f : fields) {
    line.push_back(',');
    AppendJsonString(&line, f.key, kMaxFieldBytes);
    line.push_back(':');
    AppendJsonString(&line, f.value, kMaxFieldBytes);
  }
  line += "}\n";
  return line;
}

void AppendAccessLogLine(std::string* out, const AccessLogEntry& e) {
  *out += "{\"ts\":\"";
  *out += FormatRfc3339(NowMillis());
  *out += "\",\"method\":";
  AppendJsonString(out, e.method);
  *out += ",\"path\":";
  AppendJsonString(out, e.path);
  *out += ",\"status\":" + std::to_string(e.status);
  *out += ",\"bytes\":" + std::to_string(e.bytes);
  *out += ",\"durationMs\":" + std::to_string(e.duration_ms);
  *out += ",\"requestId\":";
  AppendJsonString(out, e.request_id, kMaxFieldBytes);
  *out += ",\"workspace\":";
  AppendJsonString(out, e.workspace);
  *out += "}\n";
}

void WriteLogLines(std::string_view lines) {
  while (!lines.empty()) {
    ssize_t n = ::write(STDERR_FILENO, lines.data(), lines.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report a failing stderr
    lines.remove_prefix(static_cast<size_t>(n));
  }
}

void LogError(std::string_view msg, std::initializer_list<LogField> fields) {
  WriteLogLines(FormatLogLine("error", msg, fields));
}

void LogInfo(std::string_view msg, std::initializer_list<LogField> fields) {
  WriteLogLines(FormatLogLine("info", msg, fields));
}

}  // namespace goldset
