// The one guard around request handling (admission and handlers, on an event-loop thread
// or the handler pool): whatever a handler throws — a bug, std::bad_alloc, a library's
// exception — is logged and answered 503 SERVICE_UNAVAILABLE with retryable true, never
// allowed to reach std::terminate and take every connection down (audit F3).
// Thread-safe.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "api/http.h"

namespace goldset::api {

// Writes one JSON error line to stderr: where it happened, the request id, e.what().
void LogUnhandledException(std::string_view where, std::string_view request_id, std::string_view what);

// The response for a request whose handler threw.
Response UnhandledExceptionResponse(const std::string& request_id);

// Runs fn (which returns the Response); an exception becomes UnhandledExceptionResponse.
template <typename Fn>
Response GuardRequest(std::string_view where, const std::string& request_id, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    LogUnhandledException(where, request_id, e.what());
  } catch (...) {
    LogUnhandledException(where, request_id, "unknown exception");
  }
  return UnhandledExceptionResponse(request_id);
}

}  // namespace goldset::api
