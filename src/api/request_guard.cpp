#include "api/request_guard.h"

#include <unistd.h>

#include "api/errors.h"
#include "common/json.h"

namespace goldset::api {

void LogUnhandledException(std::string_view where, std::string_view request_id, std::string_view what) {
  json::object line;
  line["level"] = "error";
  line["msg"] = "unhandled exception in " + std::string(where);
  line["requestId"] = request_id;
  // what() is arbitrary bytes; keep the line valid JSON whatever it holds.
  std::string text(what);
  for (char& c : text)
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  line["error"] = text;
  std::string out = json::serialize(line) + "\n";
  (void)!::write(STDERR_FILENO, out.data(), out.size());
}

Response UnhandledExceptionResponse(const std::string& request_id) {
  return ErrorResponse(503, "SERVICE_UNAVAILABLE", "The server could not handle this request right now; retry later",
                       true, request_id);
}

}  // namespace goldset::api
