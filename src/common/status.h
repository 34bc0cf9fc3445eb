// Status: the outcome of a fallible operation, carried as a value.
//
// A Status is either OK or an error with a Code and a human-readable message.
// Codes map one-to-one onto the HTTP error classes of the public contract
// (see api/errors.h), so a failure deep in a module surfaces with the right
// status without the module knowing about HTTP.
//
// Thread-safety: a Status is a plain value; copies are independent.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace goldset {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,   // malformed request or parameter -> 400 INVALID_REQUEST
    kUnprocessable,     // well-formed but breaks the entity's schema -> 422 INVALID_REQUEST
    kUnauthorized,      // missing/invalid key -> 401
    kForbidden,         // key not valid for the named workspace -> 403
    kNotFound,          // -> 404
    kTooLarge,          // body over a limit -> 413
    kRateLimited,       // -> 429, retryable
    kUnavailable,       // transient failure (busy database, peer down) -> 503, retryable
    kDeadlineExceeded,  // an operation ran out of time; retryable
    kNoSpace,           // the disk (or quota) holding the data is full -> 507, retryable
    kInternal,          // a bug or an unexpected environment failure -> 500
  };

  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status Unprocessable(std::string m) { return {Code::kUnprocessable, std::move(m)}; }
  static Status Unauthorized(std::string m) { return {Code::kUnauthorized, std::move(m)}; }
  static Status Forbidden(std::string m) { return {Code::kForbidden, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status TooLarge(std::string m) { return {Code::kTooLarge, std::move(m)}; }
  static Status RateLimited(std::string m) { return {Code::kRateLimited, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) { return {Code::kDeadlineExceeded, std::move(m)}; }
  static Status NoSpace(std::string m) { return {Code::kNoSpace, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // True for failures that may succeed when tried again unchanged.
  bool retryable() const {
    return code_ == Code::kRateLimited || code_ == Code::kUnavailable || code_ == Code::kDeadlineExceeded ||
           code_ == Code::kNoSpace || code_ == Code::kInternal;
  }
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or an error Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : status_(), value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}     // NOLINT: implicit by design
  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }
  // REQUIRES: ok()
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace goldset

// Returns the Status of `expr` from the enclosing function unless it is OK. Variadic so
// an expression with a top-level comma (a template argument list) needs no parentheses.
#define GOLDSET_RETURN_IF_ERROR(...)       \
  do {                                     \
    ::goldset::Status _st = (__VA_ARGS__); \
    if (!_st.ok()) return _st;             \
  } while (0)

// GOLDSET_ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (a StatusOr<T>); on error returns
// its Status from the enclosing function (which must return Status or StatusOr<U>), else
// moves the value into `lhs`, which may be a declaration (`auto body`) or an lvalue.
// Expands to more than one statement: do not use it as the body of an unbraced if/for.
#define GOLDSET_ASSIGN_OR_RETURN(lhs, ...) \
  GOLDSET_ASSIGN_OR_RETURN_IMPL_(GOLDSET_STATUS_CONCAT_(_status_or_, __LINE__), lhs, __VA_ARGS__)
#define GOLDSET_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, ...) \
  auto tmp = (__VA_ARGS__);                           \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()
#define GOLDSET_STATUS_CONCAT_(a, b)       GOLDSET_STATUS_CONCAT_INNER_(a, b)
#define GOLDSET_STATUS_CONCAT_INNER_(a, b) a##b
