#include "api/errors.h"

#include "common/json.h"
#include "common/log.h"

namespace goldset::api {

int HttpStatusFor(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return 200;
    case Status::Code::kInvalidArgument: return 400;
    case Status::Code::kUnprocessable: return 422;
    case Status::Code::kUnauthorized: return 401;
    case Status::Code::kForbidden: return 403;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kTooLarge: return 413;
    case Status::Code::kRateLimited: return 429;
    case Status::Code::kUnavailable: return 503;
    case Status::Code::kDeadlineExceeded: return 503;
    case Status::Code::kNoSpace: return 507;
    case Status::Code::kInternal: return 500;
  }
  return 500;
}

namespace {
const char* CodeFor(Status::Code code) {
  switch (code) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kUnprocessable:
    case Status::Code::kTooLarge: return "INVALID_REQUEST";
    case Status::Code::kUnauthorized: return "UNAUTHORIZED";
    case Status::Code::kForbidden: return "FORBIDDEN";
    case Status::Code::kNotFound: return "NOT_FOUND";
    case Status::Code::kRateLimited: return "RATE_LIMIT_EXCEEDED";
    case Status::Code::kUnavailable:
    case Status::Code::kDeadlineExceeded: return "SERVICE_UNAVAILABLE";
    case Status::Code::kNoSpace: return "INSUFFICIENT_STORAGE";
    default: return "INTERNAL_ERROR";
  }
}
}  // namespace

Response ErrorResponse(int http_status, const std::string& code, const std::string& message, bool retryable,
                       const std::string& request_id) {
  Response r;
  r.status = http_status;
  json::object body;
  body["code"] = code;
  body["message"] = message;
  body["retryable"] = retryable;
  body["requestId"] = request_id;
  r.body = json::serialize(body);
  if (http_status == 429 || http_status == 503) r.headers.emplace_back("Retry-After", "1");
  if (http_status == 507) r.headers.emplace_back("Retry-After", "60");
  return r;
}

std::string ClientMessage(const Status& status, const std::string& request_id) {
  const char* stable = nullptr;
  switch (status.code()) {
    case Status::Code::kInternal:
      stable = "Internal server error. Retry later; quote the requestId if it persists.";
      break;
    case Status::Code::kUnavailable:
      stable =
          "The service is temporarily unavailable (its database or storage did not answer). Retry later; "
          "quote the requestId if it persists.";
      break;
    case Status::Code::kNoSpace: stable = "The server's storage is full. Retry later."; break;
    default: return status.message();
  }
  LogError("request failed: " + status.message(), {{"requestId", request_id}});
  return stable;
}

Response ErrorResponse(const Status& status, const std::string& request_id) {
  return ErrorResponse(HttpStatusFor(status.code()), CodeFor(status.code()), ClientMessage(status, request_id),
                       status.retryable(), request_id);
}

}  // namespace goldset::api
