// The error body a client reads: failures of the server's own machinery (a database that
// does not answer, storage I/O, a full disk, internal errors) never show the deployment's
// hosts, ports or paths; client mistakes keep their precise message.
#include "api/errors.h"

#include <gtest/gtest.h>

#include "common/json.h"

namespace goldset::api {
namespace {

json::object Body(const Response& r) { return json::parse(r.body).as_object(); }

TEST(ErrorResponse, InfrastructureDetailsStayInTheLog) {
  const std::string pg = "database connection lost: connection to server at \"db.internal\", port 5432 failed";
  const std::string blob = "blob store: cannot open /var/lib/goldset/blobs/ab/abcd: Too many levels of symbolic links";
  const std::string full = "blob store: cannot write /var/lib/goldset/blobs/tmp: No space left on device";
  struct Case {
    Status status;
    int http;
    const char* code;
  } cases[] = {
      {Status::Unavailable(pg), 503, "SERVICE_UNAVAILABLE"},
      {Status::Unavailable(blob), 503, "SERVICE_UNAVAILABLE"},
      {Status::NoSpace(full), 507, "INSUFFICIENT_STORAGE"},
      {Status::Internal("sqlite: disk I/O error in /var/lib/goldset/goldset.db"), 500, "INTERNAL_ERROR"},
  };
  for (const Case& c : cases) {
    testing::internal::CaptureStderr();
    Response r = ErrorResponse(c.status, "req_123");
    const std::string log = testing::internal::GetCapturedStderr();
    json::object body = Body(r);
    const std::string message(body.at("message").as_string());
    EXPECT_EQ(r.status, c.http) << c.status.message();
    EXPECT_EQ(body.at("code").as_string(), c.code);
    EXPECT_EQ(body.at("requestId").as_string(), "req_123");
    EXPECT_EQ(message.find("db.internal"), std::string::npos) << message;
    EXPECT_EQ(message.find("5432"), std::string::npos) << message;
    EXPECT_EQ(message.find("/var/lib"), std::string::npos) << message;
    // The operator still gets the detail, tied to the request.
    EXPECT_NE(log.find(c.status.message().substr(0, 20)), std::string::npos) << log;
    EXPECT_NE(log.find("req_123"), std::string::npos) << log;
  }
  EXPECT_EQ(Body(ErrorResponse(Status::Unavailable(pg), "r")).at("retryable").as_bool(), true);
  EXPECT_EQ(Body(ErrorResponse(Status::NoSpace(full), "r")).at("retryable").as_bool(), true);
}

TEST(ErrorResponse, ClientMistakesKeepTheirMessage) {
  for (const Status& st :
       {Status::InvalidArgument("name must be a string; Path: name"), Status::NotFound("File not found"),
        Status::Unprocessable("schema is not an object"), Status::TooLarge("body over 100 MiB")}) {
    testing::internal::CaptureStderr();
    Response r = ErrorResponse(st, "r");
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(Body(r).at("message").as_string(), st.message());
    EXPECT_EQ(Body(r).at("retryable").as_bool(), false);
  }
}

}  // namespace
}  // namespace goldset::api
