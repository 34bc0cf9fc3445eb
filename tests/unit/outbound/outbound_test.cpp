// Egress policy and the pinned libcurl client, against a stand-in server on 127.0.0.1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "outbound/egress_policy.h"
#include "outbound/http_client.h"
#include "stub_http_server.h"

namespace goldset::outbound {
namespace {

using ::testing::HasSubstr;
using goldset::testing::StubHttpServer;

EgressPolicy Loopback() { return *EgressPolicy::Parse("127.0.0.1/32"); }

TEST(EgressPolicyTest, RefusesNonPublicAddressesByDefault) {
  EgressPolicy none;
  for (const char* ip : {"127.0.0.1", "127.9.9.9", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "100.64.0.1", "::1", "::",
                         "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
                         "not-an-ip"})
    EXPECT_FALSE(none.IsAllowed(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"})
    EXPECT_TRUE(none.IsAllowed(ip)) << ip;
}

TEST(EgressPolicyTest, AllowListOpensExactlyItsRanges) {
  auto p = EgressPolicy::Parse("127.0.0.1/32, 10.0.0.0/8,fd00::/8,192.168.7.7");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->IsAllowed("127.0.0.1"));
  EXPECT_FALSE(p->IsAllowed("127.0.0.2"));
  EXPECT_TRUE(p->IsAllowed("10.200.1.1"));
  EXPECT_FALSE(p->IsAllowed("172.16.0.1"));
  EXPECT_TRUE(p->IsAllowed("fd12::1"));
  EXPECT_FALSE(p->IsAllowed("fc12::1"));
  EXPECT_TRUE(p->IsAllowed("192.168.7.7"));
  EXPECT_FALSE(p->IsAllowed("192.168.7.8"));
  EXPECT_FALSE(p->IsAllowed("::1"));
  EXPECT_TRUE(EgressPolicy::Parse("").ok());
  for (const char* bad : {"10.0.0.0/33", "nonsense", "1.2.3.4/x", "::1/129", "10.0.0.0/"}) {
    auto r = EgressPolicy::Parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(bad));
  }
}

TEST(PostJsonTest, LoopbackRefusedWithoutAllowListAndAllowedWithIt) {
  StubHttpServer server([](const StubHttpServer::Request& r) {
    return StubHttpServer::Response{201, "{\"echo\":" + std::to_string(r.body.size()) + "}"};
  });
  auto refused = PostJson(server.Url("/hook"), "{}", {}, 2000, EgressPolicy());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "egress to 127.0.0.1 is not allowed");
  // A name that resolves to loopback is judged by its resolved address.
  auto by_name = PostJson("http://localhost:" + std::to_string(server.port()) + "/", "{}", {}, 2000, EgressPolicy());
  EXPECT_EQ(by_name.status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());

  auto ok = PostJson(server.Url("/hook"), "{\"a\":1}", {{"X-Test", "yes"}}, 2000, Loopback());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 201);
  EXPECT_EQ(ok->body, "{\"echo\":7}");
  bool has_ct = false;
  for (const auto& [k, v] : ok->headers) has_ct |= k == "content-type" && v == "application/json";
  EXPECT_TRUE(has_ct);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, "/hook");
  EXPECT_EQ(reqs[0].body, "{\"a\":1}");
  EXPECT_EQ(reqs[0].headers["x-test"], "yes");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
}

TEST(PostJsonTest, PrivateAddressesRefusedBeforeConnecting) {
  for (const char* url : {"http://10.0.0.1/x", "http://192.168.0.10:8080/", "http://169.254.169.254/latest",
                          "http://[::1]:9/", "http://[fe80::1]/"}) {
    auto r = PostJson(url, "{}", {}, 500, EgressPolicy());
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << url;
    EXPECT_THAT(r.status().message(), HasSubstr("is not allowed")) << url;
  }
  EXPECT_EQ(PostJson("ftp://127.0.0.1/", "{}", {}, 500, Loopback()).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(PostJson("not a url", "{}", {}, 500, Loopback()).status().code(), Status::Code::kInvalidArgument);
}

TEST(PostJsonTest, TimeoutsConnectionFailuresAndRedirects) {
  StubHttpServer slow([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, "{}", 1500}; });
  auto timed_out = PostJson(slow.Url(), "{}", {}, 300, Loopback());
  EXPECT_EQ(timed_out.status().code(), Status::Code::kDeadlineExceeded) << timed_out.status().ToString();
  EXPECT_TRUE(timed_out.status().retryable());

  int closed_port;
  {
    StubHttpServer gone([](const StubHttpServer::Request&) { return StubHttpServer::Response{}; });
    closed_port = gone.port();
  }
  auto refused = PostJson("http://127.0.0.1:" + std::to_string(closed_port) + "/", "{}", {}, 1000, Loopback());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable) << refused.status().ToString();

  StubHttpServer redirect([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{302, "", 0, {{"Location", "http://10.0.0.1/"}}};
  });
  auto r = PostJson(redirect.Url(), "{}", {}, 1000, Loopback());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 302);  // not followed
  EXPECT_EQ(redirect.requests().size(), 1u);
}

}  // namespace
}  // namespace goldset::outbound
