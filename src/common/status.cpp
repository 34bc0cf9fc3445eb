#include "common/status.h"

namespace goldset {

namespace {
const char* CodeName(Status::Code c) {
  switch (c) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "InvalidArgument";
    case Status::Code::kUnprocessable: return "Unprocessable";
    case Status::Code::kUnauthorized: return "Unauthorized";
    case Status::Code::kForbidden: return "Forbidden";
    case Status::Code::kNotFound: return "NotFound";
    case Status::Code::kTooLarge: return "TooLarge";
    case Status::Code::kRateLimited: return "RateLimited";
    case Status::Code::kUnavailable: return "Unavailable";
    case Status::Code::kDeadlineExceeded: return "DeadlineExceeded";
    case Status::Code::kNoSpace: return "NoSpace";
    case Status::Code::kInternal: return "Internal";
  }
  return "Unknown";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + ": " + message_);
}

}  // namespace goldset
