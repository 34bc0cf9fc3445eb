// Maps Status to the contract's error body {code, message, retryable, requestId} and
// HTTP status (docs/decisions.md §2).
#pragma once

#include <string>

#include "api/http.h"
#include "common/status.h"

namespace goldset::api {

int HttpStatusFor(Status::Code code);
Response ErrorResponse(const Status& status, const std::string& request_id);
// For statuses outside the Status codes (405, 413 before routing, ...).
Response ErrorResponse(int http_status, const std::string& code, const std::string& message,
                       bool retryable, const std::string& request_id);

}  // namespace goldset::api
