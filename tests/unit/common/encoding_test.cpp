#include "common/encoding.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <set>

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

// The arithmetic formatter agrees with gmtime_r across eras, leap days and negative times.
TEST(Clock, Rfc3339MatchesGmtime) {
  std::mt19937_64 rng(7);
  std::vector<int64_t> samples = {0, -1, 951782400000, 951868799999, 4102444799999, 253402300799999, -62135596800000,
                                  // years 10000, 0 and -1: outside RFC 3339, formatted as %04d would
                                  253402300800000, 253433923199999, -62167219200000, -62198755200001};
  for (int i = 0; i < 20000; ++i) samples.push_back(static_cast<int64_t>(rng() % 253402300800000ull) - 62135596800000);
  for (int64_t ms : samples) {
    time_t secs = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char want[64];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    ASSERT_EQ(FormatRfc3339(ms), want) << ms;
    if (want[0] != '-' && want[4] == '-') {  // RFC 3339 years only
      ASSERT_EQ(*ParseRfc3339(want), ms) << want;
    }
  }
}

TEST(Ids, RequestIdsAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 100000; ++i) {
    std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 4u + 22u);
    ASSERT_EQ(id.rfind("req_", 0), 0u);
    ASSERT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 4),
              std::string::npos);
    ASSERT_TRUE(seen.insert(id).second) << id;
  }
}

TEST(Crypto, PrecomputedHmacKeyMatchesOneShot) {
  std::string long_key(200, 'k');
  for (const std::string& key : {std::string("s3cret"), std::string(64, 'x'), long_key, std::string()}) {
    HmacSha256Key signer(key);
    for (const std::string& data : {std::string(), std::string("file_abc\n1700000000"), std::string(1000, 'd')})
      EXPECT_EQ(signer.SignHex(data), HmacSha256Hex(key, data)) << key.size() << " " << data.size();
  }
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Key("Jefe").SignHex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, ContractWebhookVector) {
  std::string body =
      R"({"eventId":"event_1234","eventType":"extract_run.processed","payload":{"object":"extract_run","id":"exr_Xj8mK2pL9nR4vT7qY5wZ"}})";
  EXPECT_EQ(HmacSha256Hex("wss_Av9uCQNrCIEe0XpEpsQUVjEJYr4udK9N", "v0:1700000000:" + body),
            "1fd601d17018d37957f1e6e80761eb3591bad873734d0f3c9bfc548ab3c24689");
}

}  // namespace goldset
