// ParseJson reads numbers exactly (correctly rounded, as std::from_chars) and keeps the
// limits of the old parser; ToJson writes doubles in shortest round-trip form.
#include "common/json.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

namespace goldset {
namespace {

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

double FromChars(std::string_view s) {
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  EXPECT_EQ(r.ec, std::errc()) << s;
  return d;
}

double ParsedDouble(std::string_view text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  if (!v.ok()) return NAN;
  EXPECT_TRUE(v->is_double()) << text;
  return v->is_double() ? v->as_double() : NAN;
}

TEST(JsonNumbers, HardCasesAreCorrectlyRounded) {
  // Reported in issue 24: Boost.JSON 1.81 read 1939.00001939.
  EXPECT_EQ(Bits(ParsedDouble("1939.0000193899998")), Bits(1939.0000193899998));
  EXPECT_EQ(Bits(ParsedDouble("2.2250738585072011e-308")), 0x000FFFFFFFFFFFFFull);  // largest subnormal
  EXPECT_EQ(Bits(ParsedDouble("4.9406564584124654e-324")), 1u);                     // smallest subnormal
  EXPECT_EQ(Bits(ParsedDouble("2.4703282292062328e-324")), 1u);                     // just above half of it
  EXPECT_EQ(Bits(ParsedDouble("1.7976931348623157e308")), Bits(1.7976931348623157e308));
  EXPECT_EQ(Bits(ParsedDouble("0.1")), Bits(0.1));
  for (const char* s :
       {"9007199254740993.0", "123456789012345678901234567890", "1e23", "8.98846567431158e307", "0.30000000000000004",
        "-1.5e-310", "1.00000000000000011102230246251565404236316680908203125"}) {
    EXPECT_EQ(Bits(ParsedDouble(s)), Bits(FromChars(s))) << s;
  }
}

TEST(JsonNumbers, UnderflowIsZeroOverflowIsRefused) {
  EXPECT_EQ(Bits(ParsedDouble("1e-400")), Bits(0.0));
  EXPECT_EQ(Bits(ParsedDouble("-1e-400")), Bits(-0.0));
  EXPECT_EQ(Bits(ParsedDouble("0e99999")), Bits(0.0));  // Boost.JSON 1.81 says NaN
  EXPECT_EQ(Bits(ParsedDouble("0." + std::string(400, '0') + "1")), Bits(0.0));
  EXPECT_EQ(Bits(ParsedDouble("12345e-400")), Bits(0.0));
  for (const char* s : {"1e400", "-1e400", "[1, 1e309]", "{\"a\": 0.001e312}"}) {
    auto v = ParseJson(s);
    EXPECT_FALSE(v.ok()) << s;
  }
  auto big = ParseJson(std::string(400, '9') + ".5");
  EXPECT_FALSE(big.ok());
}

TEST(JsonNumbers, IntegersStayIntegers) {
  auto v = ParseJson("[9007199254740993, -9223372036854775808, 18446744073709551615, 18446744073709551616, -0]");
  ASSERT_TRUE(v.ok());
  const json::array& a = v->as_array();
  EXPECT_EQ(a[0].as_int64(), 9007199254740993);
  EXPECT_EQ(a[1].as_int64(), INT64_MIN);
  EXPECT_EQ(a[2].as_uint64(), UINT64_MAX);
  EXPECT_EQ(Bits(a[3].as_double()), Bits(18446744073709551616.0));  // beyond uint64: the nearest double
  EXPECT_EQ(a[4].as_int64(), 0);
  EXPECT_EQ(ToJson(*v), "[9007199254740993,-9223372036854775808,18446744073709551615,1.8446744073709552E19,0]");
}

TEST(JsonNumbers, RandomDoublesRoundTripBitForBit) {
  std::mt19937_64 rng(24);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    if (i % 4 == 0) bits &= 0x800FFFFFFFFFFFFFull;  // subnormals
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    // Goldset's own serialisation, parsed back.
    std::string ours = ToJson(json::value(d));
    ASSERT_EQ(Bits(ParsedDouble(ours)), bits) << ours;
    // Shortest: no more significant digits than std::to_chars' shortest form.
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    auto digits = [](std::string_view s) {
      size_t n = 0;
      for (char c : s.substr(0, s.find_first_of("eE"))) n += c >= '0' && c <= '9';
      return n;
    };
    ASSERT_LE(digits(ours), digits(std::string_view(buf, static_cast<size_t>(r.ptr - buf)))) << ours;
    // A processor's 17-digit spelling reads as the same double.
    char seventeen[64];
    std::snprintf(seventeen, sizeof seventeen, "%.17g", d);
    ASSERT_EQ(Bits(ParsedDouble(std::string(seventeen) + (std::strpbrk(seventeen, ".en") ? "" : ".0"))), bits)
        << seventeen;
  }
}

TEST(JsonNumbers, NumberInsideDocumentsAndArrays) {
  auto v = ParseJson(R"({"a":[1939.0000193899998,{"b":-2.2250738585072011e-308}],"c":"1.5"})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Bits(v->at("a").at(0).as_double()), Bits(1939.0000193899998));
  EXPECT_EQ(Bits(v->at("a").at(1).at("b").as_double()), 0x800FFFFFFFFFFFFFull);
  EXPECT_EQ(v->at("c").as_string(), "1.5");
}

TEST(JsonParse, KeepsTheLimitsAndErrors) {
  std::string deep(64, '[');
  deep += std::string(64, ']');
  EXPECT_TRUE(ParseJson(deep).ok());
  EXPECT_FALSE(ParseJson("[" + deep + "]").ok());  // 65 levels
  EXPECT_TRUE(ParseJson("[[[1]]]", 3).ok());
  EXPECT_FALSE(ParseJson("[[[[1]]]]", 3).ok());
  EXPECT_FALSE(ParseJson("{\"a\":1} x").ok());  // trailing garbage
  EXPECT_FALSE(ParseJson("\"\xff\"").ok());     // invalid UTF-8
  EXPECT_FALSE(ParseJson("[1,]").ok());         // trailing comma
  EXPECT_FALSE(ParseJson("// c\n1").ok());      // comments
  EXPECT_FALSE(ParseJson("").ok());
  EXPECT_FALSE(ParseJson("[1.5").ok());
  EXPECT_FALSE(ParseJson("1.").ok());
  EXPECT_FALSE(ParseJson("01").ok());
  auto bad = ParseJson("{");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("not valid JSON"), std::string::npos);
  auto dup = ParseJson(R"({"k":1,"k":2.5})");
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->as_object().size(), 1u);
}

TEST(JsonParse, StringsAndKeysUnchanged) {
  std::string long_key(5000, 'k');
  std::string text = "{\"" + long_key + "\":\"caf\\u00e9 \\ud83d\\ude00\",\"e\":[],\"o\":{},\"t\":true,\"n\":null}";
  auto v = ParseJson(text);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->at(long_key).as_string(), "café 😀");
  EXPECT_EQ(ToJson(*v), json::serialize(json::parse(text)));
}

}  // namespace
}  // namespace goldset
