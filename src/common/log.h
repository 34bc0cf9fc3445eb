// Log lines. Everything Goldset writes on stderr while it serves is one JSON object per
// line, and every such line is built by FormatLogLine/AppendJsonString: strings are
// JSON-escaped (`"`, `\`, control characters) and invalid UTF-8 becomes U+FFFD, so a
// message that carries outside text (a database error, a receiver's body, a request
// path) can neither break its line nor forge another. Long values are cut (marked
// "...") so that a line fits one atomic write(2) to a pipe (PIPE_BUF bytes).
// Thread-safe: pure functions, and WriteLogLine is one write(2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace goldset {

// One extra string field of a log line, e.g. {"requestId", id}.
struct LogField {
  std::string_view key;  // a constant: [A-Za-z0-9_]
  std::string_view value;
};

// Appends `s` as a JSON string literal, quotes included. When the escaped text would pass
// `max_bytes`, it is cut on a character boundary and ends with "...".
void AppendJsonString(std::string* out, std::string_view s, size_t max_bytes = 2048);

// {"ts":"<RFC 3339>","level":"<level>","msg":"<msg>",<fields>}\n
std::string FormatLogLine(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields = {});

// The access log's line for one answered request (--access-log): {"ts", "method", "path",
// "status", "bytes", "durationMs", "requestId", "workspace"}\n.
struct AccessLogEntry {
  std::string_view method, path;
  int status = 0;
  size_t bytes = 0;
  int64_t duration_ms = 0;
  std::string_view request_id, workspace;
};
void AppendAccessLogLine(std::string* out, const AccessLogEntry& e);

// Writes a finished line (or several) to stderr in one write(2).
void WriteLogLines(std::string_view lines);

// FormatLogLine + WriteLogLines.
void LogError(std::string_view msg, std::initializer_list<LogField> fields = {});
void LogInfo(std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace goldset
