#include "common/encoding.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/ids.h"

namespace goldset {

TEST(Encoding, PercentDecodeKeepsPlus) {
  EXPECT_EQ(*PercentDecode("abc%3D%3D%3Ax%2Fy%2Bz"), "abc==:x/y+z");
  EXPECT_EQ(*PercentDecode("a+b"), "a+b");
  EXPECT_FALSE(PercentDecode("%G1").has_value());
  EXPECT_FALSE(PercentDecode("%4").has_value());
}

TEST(Encoding, Base64RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00x"}) {
    EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
    EXPECT_EQ(*Base64Decode(Base64UrlEncode(s)), s);
  }
  EXPECT_FALSE(Base64Decode("a$b").has_value());
}

TEST(Encoding, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("héllo 日本"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
}

TEST(Ids, PrefixAndLength) {
  std::string id = NewId("ev_");
  EXPECT_EQ(id.rfind("ev_", 0), 0u);
  EXPECT_EQ(id.size(), 3u + 22u);
  EXPECT_NE(NewId("ev_"), NewId("ev_"));
}

TEST(Clock, Rfc3339RoundTrip) {
  EXPECT_EQ(FormatRfc3339(1711039500123), "2024-03-21T16:45:00.123Z");
  EXPECT_EQ(*ParseRfc3339("2024-03-21T16:45:00.123Z"), 1711039500123);
  EXPECT_EQ(*ParseRfc3339("2024-03-21T16:45:00Z"), 1711039500000);
  EXPECT_EQ(*ParseRfc3339("2024-03-21T18:45:00+02:00"), 1711039500000);
}

TEST(Crypto, ContractWebhookVector) {
  std::string body =
      R"({"eventId":"event_1234","eventType":"extract_run.processed","payload":{"object":"extract_run","id":"exr_Xj8mK2pL9nR4vT7qY5wZ"}})";
  EXPECT_EQ(HmacSha256Hex("wss_Av9uCQNrCIEe0XpEpsQUVjEJYr4udK9N", "v0:1700000000:" + body),
            "1fd601d17018d37957f1e6e80761eb3591bad873734d0f3c9bfc548ab3c24689");
}

}  // namespace goldset
