// Canonical JSON: one spelling per value (the basis of contentHash and configHash).
#include "common/canonical_json.h"

#include <gtest/gtest.h>

namespace goldset {
namespace {

std::string Canon(std::string_view text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return CanonicalJson(*v);
}

TEST(CanonicalJson, SortsKeysDropsSpaceAndSpellsNumbersOnce) {
  EXPECT_EQ(Canon(R"( {"b": [1, 2.50, {"z": null, "a": true}], "a": "x"} )"),
            R"({"a":"x","b":[1,2.5,{"a":true,"z":null}]})");
  EXPECT_EQ(Canon("1.0"), "1");
  EXPECT_EQ(Canon("1e0"), "1");
  EXPECT_EQ(Canon("-0.0"), "0");
  EXPECT_EQ(Canon("0.1"), "0.1");
  EXPECT_EQ(Canon("1e300"), "1e+300");
  EXPECT_EQ(Canon("9007199254740993"), "9007199254740992");          // beyond 2^53: the double it is
  EXPECT_EQ(Canon("18446744073709551615"), "18446744073709551616");  // the double, in full
}

TEST(CanonicalJson, EscapesOnlyWhatJsonRequires) {
  EXPECT_EQ(Canon(R"("a\"b\\c\n\u0001\u00e9\/")"), "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9/\"");
  // Keys sort by UTF-8 bytes: "Z" < "a" < "é".
  EXPECT_EQ(Canon(R"({"\u00e9":1,"a":2,"Z":3})"), "{\"Z\":3,\"a\":2,\"\xc3\xa9\":1}");
}

TEST(CanonicalJson, HashIsOfTheCanonicalText) {
  auto a = ParseJson(R"({"x": 1.50, "y": [true]})");
  auto b = ParseJson(R"({"y":[true],"x":1.5})");
  EXPECT_EQ(CanonicalJsonSha256(*a), CanonicalJsonSha256(*b));
  // sha256('{"x":1.5,"y":[true]}'), computed independently.
  EXPECT_EQ(CanonicalJsonSha256(*a), "8d5be0c11bc2728b95fe496f8984aa1f2600fb361af00e84e220768e468f6bec");
}

}  // namespace
}  // namespace goldset
