// Maps Status to the contract's error body {code, message, retryable, requestId} and
// HTTP status (docs/decisions.md §2).
#pragma once

#include <string>

#include "api/http.h"
#include "common/status.h"

namespace goldset::api {

int HttpStatusFor(Status::Code code);

// The message a client may read for `status`. Failures of the server's own machinery
// (internal errors, a database or storage that does not answer, a full disk) carry hosts,
// ports and paths of the deployment: those go to the log with the request id, and the
// client gets a stable sentence for the kind of failure. Other messages pass unchanged.
std::string ClientMessage(const Status& status, const std::string& request_id);

// {code, message: ClientMessage(status), retryable, requestId} with the status's HTTP code.
Response ErrorResponse(const Status& status, const std::string& request_id);
// For statuses outside the Status codes (405, 413 before routing, ...).
Response ErrorResponse(int http_status, const std::string& code, const std::string& message, bool retryable,
                       const std::string& request_id);

}  // namespace goldset::api
