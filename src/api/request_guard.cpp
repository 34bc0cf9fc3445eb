#include "api/request_guard.h"

#include "api/errors.h"
#include "common/log.h"

namespace goldset::api {

void LogUnhandledException(std::string_view where, std::string_view request_id, std::string_view what) {
  LogError("unhandled exception in " + std::string(where) + ": " + std::string(what), {{"requestId", request_id}});
}

Response UnhandledExceptionResponse(const std::string& request_id) {
  return ErrorResponse(503, "SERVICE_UNAVAILABLE", "The server could not handle this request right now; retry later",
                       true, request_id);
}

}  // namespace goldset::api
