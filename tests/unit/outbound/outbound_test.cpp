// Egress policy and the pinned libcurl client, against a stand-in server on 127.0.0.1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "outbound/egress_policy.h"
#include "outbound/http_client.h"
#include "stub_http_server.h"

namespace goldset::outbound {
namespace {

using goldset::testing::StubHttpServer;
using ::testing::HasSubstr;
using ::testing::Not;

EgressPolicy Loopback() { return *EgressPolicy::Parse("127.0.0.1/32"); }
constexpr int64_t kMaxBody = 1 << 20;

TEST(EgressPolicyTest, RefusesNonPublicAddressesByDefault) {
  EgressPolicy none;
  for (const char* ip : {"127.0.0.1",
                         "127.9.9.9",
                         "10.0.0.1",
                         "172.16.5.4",
                         "172.31.255.255",
                         "192.168.1.1",
                         "169.254.169.254",
                         "0.0.0.0",
                         "224.0.0.1",
                         "255.255.255.255",
                         "100.64.0.1",
                         "::1",
                         "::",
                         "fe80::1",
                         "fc00::1",
                         "fd12:3456::1",
                         "ff02::1",
                         "::ffff:10.0.0.1",
                         "::ffff:127.0.0.1",
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

// 6to4 (2002::/16) carries its IPv4 address in bits 16-47; the subnet and interface bits
// after it are anything, and do not change the verdict.
TEST(EgressPolicyTest, F13_SixToFourIsJudgedByItsEmbeddedAddressWhateverFollows) {
  EgressPolicy none;
  for (const char* ip : {"2002:a01:203:808::1", "2002:c0a8:101:ffff::1", "2002:7f00:1:808:808::",
                         "2002:a9fe:a9fe:102:304::"})  // 10.1.2.3, 192.168.1.1, 127.0.0.1, 169.254.169.254
    EXPECT_FALSE(none.IsAllowed(ip)) << ip;
  for (const char* ip : {"2002:808:808:a00:1::", "2002:808:808:7f00:1::"})  // 8.8.8.8, private-looking tail
    EXPECT_TRUE(none.IsAllowed(ip)) << ip;
}

// Audit F13: address classes the guard used to treat as public. Transition forms that carry
// an IPv4 address are judged by it, so their loopback/private/metadata spellings are refused
// and their public ones still work (NAT64 on IPv6-only networks).
TEST(EgressPolicyTest, F13_TransitionReservedAndSiteLocalAddressesAreRefused) {
  EgressPolicy none;
  for (const char* ip : {// NAT64 well-known prefix carrying loopback, private, metadata and 0/8 addresses
                         "64:ff9b::7f00:1", "64:ff9b::127.0.0.1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe",
                         "64:ff9b::c0a8:101", "64:ff9b::",
                         // local-use NAT64 prefix: refused whatever it carries
                         "64:ff9b:1::1", "64:ff9b:1::808:808", "64:ff9b:1:ffff::1",
                         // 6to4 carrying 127.0.0.1, 10.0.0.1, 169.254.169.254
                         "2002:7f00:1::1", "2002:a00:1::", "2002:a9fe:a9fe::1",
                         // Teredo: server 127.0.0.1; client 127.0.0.1 and 10.0.0.1 (stored inverted)
                         "2001:0:7f00:1::808:808", "2001:0:808:808::80ff:fffe", "2001:0:808:808:8000:ffff:f5ff:fffe",
                         // IPv4-compatible and IPv4-translated
                         "::127.0.0.1", "::7f00:1", "::10.0.0.1", "::169.254.169.254", "::2", "::ffff:0:127.0.0.1",
                         "::ffff:0:a00:1", "::ffff:0:a9fe:a9fe",
                         // IPv4-mapped (as before) and site-local
                         "::ffff:7f00:1", "::ffff:192.0.0.170", "fec0::1", "feff::1",
                         // IPv4 ranges
                         "192.0.0.1", "192.0.0.170", "192.0.0.255", "198.18.0.1", "198.19.255.255", "192.0.2.1",
                         "198.51.100.7", "203.0.113.9", "192.88.99.1",
                         // other reserved IPv6
                         "100::1", "2001:2::1", "2001:10::1", "2001:20::1", "2001:db8::1", "3fff::1"})
    EXPECT_FALSE(none.IsAllowed(ip)) << ip;
  for (const char* ip : {"64:ff9b::808:808", "64:ff9b::8.8.8.8", "2002:808:808::1", "2001:0:808:808::f7f7:f7f7",
                         "::ffff:0:8.8.8.8", "::8.8.8.8", "192.0.1.1", "198.17.255.255", "198.20.0.1",
                         "2001:4860:4860::8888", "2606:4700::1111", "2001:200::1", "2003::1"})
    EXPECT_TRUE(none.IsAllowed(ip)) << ip;
  // The allow-list names addresses as given: 127.0.0.1/32 is not 64:ff9b::7f00:1 (a host
  // behind a NAT64 gateway), but a listed IPv6 range is allowed explicitly.
  auto lo = EgressPolicy::Parse("127.0.0.1/32,64:ff9b::a00:0/120,fec0::/10");
  ASSERT_TRUE(lo.ok());
  EXPECT_TRUE(lo->IsAllowed("::ffff:127.0.0.1"));
  EXPECT_FALSE(lo->IsAllowed("64:ff9b::7f00:1"));
  EXPECT_FALSE(lo->IsAllowed("::127.0.0.1"));
  EXPECT_TRUE(lo->IsAllowed("64:ff9b::a00:5"));
  EXPECT_FALSE(lo->IsAllowed("64:ff9b::a00:105"));
  EXPECT_TRUE(lo->IsAllowed("fec0::1"));
  EXPECT_TRUE(lo->IsAllowed("[fec0::1]"));
}

// Audit F14: IPv6 literal URLs used to fail with "Malformed option provided in a setopt"
// (the CURLOPT_RESOLVE pin cannot name an IPv6 literal).
TEST(PostJsonTest, F14_Ipv6LiteralUrlWorksWhenAllowedAndIsRefusedOtherwise) {
  StubHttpServer v6(
      [](const StubHttpServer::Request&) {
        return StubHttpServer::Response{200, "{\"v6\":true}"};
      },
      /*ipv6=*/true);
  auto refused = PostJson(v6.Url("/hook"), "{}", {}, 2000, Loopback(), kMaxBody);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "egress to ::1 is not allowed");
  auto ok = PostJson(v6.Url("/hook"), "{}", {}, 2000, *EgressPolicy::Parse("::1/128"), kMaxBody);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "{\"v6\":true}");
  ASSERT_EQ(v6.requests().size(), 1u);
  EXPECT_EQ(v6.requests()[0].path, "/hook");
  // A host name is still pinned to the checked addresses ("localhost" may be ::1, 127.0.0.1
  // or both here): with both allowed it connects; with neither it is refused.
  auto by_name = PostJson("http://localhost:" + std::to_string(v6.port()) + "/n", "{}", {}, 2000,
                          *EgressPolicy::Parse("::1/128,127.0.0.1/32"), kMaxBody);
  if (by_name.ok()) EXPECT_EQ(by_name->status, 200);
  else EXPECT_EQ(by_name.status().code(), Status::Code::kUnavailable) << by_name.status().ToString();
  EXPECT_THAT(by_name.status().message(), Not(HasSubstr("Malformed")));
}

// Audit F6: a receiver's answer is bounded; the transfer stops at the limit whether the
// body's length is declared or not.
TEST(PostJsonTest, F6_ResponseBodyOverTheLimitFailsClearly) {
  const std::string big(300 * 1024, 'x');
  StubHttpServer declared([&](const StubHttpServer::Request&) { return StubHttpServer::Response{200, big}; });
  StubHttpServer streamed([&](const StubHttpServer::Request&) {
    StubHttpServer::Response r{200, big};
    r.close_delimited = true;
    return r;
  });
  for (StubHttpServer* server : {&declared, &streamed}) {
    auto r = PostJson(server->Url(), "{}", {}, 5000, Loopback(), 256 * 1024);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable);
    EXPECT_FALSE(r.status().retryable());
    EXPECT_THAT(r.status().message(),
                HasSubstr("response body is over the 256 KiB limit (--max-outbound-response-mb)"));
    // At the limit exactly, the answer is whole.
    auto at = PostJson(server->Url(), "{}", {}, 5000, Loopback(), static_cast<int64_t>(big.size()));
    ASSERT_TRUE(at.ok()) << at.status().ToString();
    EXPECT_EQ(at->body.size(), big.size());
  }
  EXPECT_EQ(DescribeBytes(16 << 20), "16 MiB");
  EXPECT_EQ(DescribeBytes(1000), "1000 bytes");
}

TEST(PostJsonTest, LoopbackRefusedWithoutAllowListAndAllowedWithIt) {
  StubHttpServer server([](const StubHttpServer::Request& r) {
    return StubHttpServer::Response{201, "{\"echo\":" + std::to_string(r.body.size()) + "}"};
  });
  auto refused = PostJson(server.Url("/hook"), "{}", {}, 2000, EgressPolicy(), kMaxBody);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "egress to 127.0.0.1 is not allowed");
  // A name that resolves to loopback is judged by its resolved address.
  auto by_name =
      PostJson("http://localhost:" + std::to_string(server.port()) + "/", "{}", {}, 2000, EgressPolicy(), kMaxBody);
  EXPECT_EQ(by_name.status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());

  auto ok = PostJson(server.Url("/hook"), "{\"a\":1}", {{"X-Test", "yes"}}, 2000, Loopback(), kMaxBody);
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
    auto r = PostJson(url, "{}", {}, 500, EgressPolicy(), kMaxBody);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << url;
    EXPECT_THAT(r.status().message(), HasSubstr("is not allowed")) << url;
  }
  EXPECT_EQ(PostJson("ftp://127.0.0.1/", "{}", {}, 500, Loopback(), kMaxBody).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(PostJson("not a url", "{}", {}, 500, Loopback(), kMaxBody).status().code(), Status::Code::kInvalidArgument);
}

TEST(PostJsonTest, TimeoutsConnectionFailuresAndRedirects) {
  StubHttpServer slow([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, "{}", 1500}; });
  auto timed_out = PostJson(slow.Url(), "{}", {}, 300, Loopback(), kMaxBody);
  EXPECT_EQ(timed_out.status().code(), Status::Code::kDeadlineExceeded) << timed_out.status().ToString();
  EXPECT_TRUE(timed_out.status().retryable());

  int closed_port;
  {
    StubHttpServer gone([](const StubHttpServer::Request&) { return StubHttpServer::Response{}; });
    closed_port = gone.port();
  }
  auto refused =
      PostJson("http://127.0.0.1:" + std::to_string(closed_port) + "/", "{}", {}, 1000, Loopback(), kMaxBody);
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable) << refused.status().ToString();

  StubHttpServer redirect([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{302, "", 0, {{"Location", "http://10.0.0.1/"}}};
  });
  auto r = PostJson(redirect.Url(), "{}", {}, 1000, Loopback(), kMaxBody);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 302);  // not followed
  EXPECT_EQ(redirect.requests().size(), 1u);
}

}  // namespace
}  // namespace goldset::outbound
