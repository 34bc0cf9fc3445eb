// SanitizeUtf8 (what stored outside text goes through, F12) and the one log-line helper
// (F21): whatever a message holds, the line is one valid JSON object, checked with
// Boost.JSON's strict parser (it refuses invalid UTF-8 and raw control characters).
#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"
#include "common/json.h"
#include "common/log.h"

namespace goldset {
namespace {

const std::string kHostile = std::string("quote \" backslash \\ newline \n cr \r tab \t bell \x07 nul ") +
                             std::string(1, '\0') + " del \x7f invalid \xff\xfe lone \xc3 end \xe2\x82";

TEST(SanitizeUtf8, F12_InvalidBytesAndNulBecomeReplacementCharacters) {
  std::string out = SanitizeUtf8(std::string("upstream error \xff\xfe") + std::string(1, '\0') + "x");
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_EQ(out, "upstream error \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");
  EXPECT_EQ(out.find('\0'), std::string::npos);
  EXPECT_EQ(SanitizeUtf8("plain ascii"), "plain ascii");
  EXPECT_EQ(SanitizeUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // Overlong, surrogate and out-of-range forms are invalid too.
  for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"})
    EXPECT_TRUE(IsValidUtf8(SanitizeUtf8(bad))) << bad;
}

TEST(SanitizeUtf8, F12_CutsOnACharacterBoundary) {
  // 199 ASCII bytes then a 2-byte character: a cut at byte 200 would split it.
  std::string body = std::string(199, 'a') + "\xc3\xa9" + "tail";
  bool cut = false;
  std::string out = SanitizeUtf8(body, 200, &cut);
  EXPECT_TRUE(cut);
  EXPECT_EQ(out, std::string(199, 'a'));
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_EQ(SanitizeUtf8(body, 201, &cut), std::string(199, 'a') + "\xc3\xa9");
  EXPECT_TRUE(cut);
  EXPECT_EQ(SanitizeUtf8("short", 200, &cut), "short");
  EXPECT_FALSE(cut);
  // A replacement character counts its 3 bytes.
  EXPECT_EQ(SanitizeUtf8("ab\xff", 4, &cut), "ab");
  EXPECT_TRUE(cut);
}

TEST(LogLine, F21_HostileMessageMakesOneValidJsonLine) {
  std::string line =
      FormatLogLine("error", "deliver wd_1: " + kHostile, {{"component", "webhooks"}, {"requestId", kHostile}});
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line only: " << line;
  std::string body = line.substr(0, line.size() - 1);
  EXPECT_TRUE(IsValidUtf8(body));
  auto v = ParseJson(body);
  ASSERT_TRUE(v.ok()) << v.status().ToString() << "\n" << line;
  ASSERT_TRUE(v->is_object());
  const json::object& o = v->as_object();
  EXPECT_EQ(o.at("level").as_string(), "error");
  EXPECT_EQ(o.at("component").as_string(), "webhooks");
  EXPECT_TRUE(o.at("ts").is_string());
  // The text survives, except for what was not UTF-8 (or NUL): U+FFFD instead.
  std::string msg(o.at("msg").as_string());
  EXPECT_NE(msg.find("quote \" backslash \\ newline \n cr \r tab \t bell \x07 nul \xEF\xBF\xBD del \x7f"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("invalid \xEF\xBF\xBD\xEF\xBF\xBD lone \xEF\xBF\xBD end"), std::string::npos) << msg;
}

TEST(LogLine, F21_AForgedLineStaysInsideItsString) {
  // A message that tries to end the object and start a forged one.
  std::string line = FormatLogLine("info", "x\"}\n{\"level\":\"error\",\"msg\":\"forged");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto v = ParseJson(line.substr(0, line.size() - 1));
  ASSERT_TRUE(v.ok()) << line;
  EXPECT_EQ(v->as_object().at("level").as_string(), "info");
  EXPECT_EQ(v->as_object().at("msg").as_string(), "x\"}\n{\"level\":\"error\",\"msg\":\"forged");
}

TEST(LogLine, F21_LongMessagesAreCutToFitOneAtomicWrite) {
  for (const std::string& big : {std::string(100000, 'a'), std::string(100000, '\x01'), std::string(30000, '"'),
                                 std::string(100000, '\xff'), [] {
                                   std::string s;
                                   for (int i = 0; i < 20000; ++i) s += "\xe2\x82\xac";
                                   return s;
                                 }()}) {
    std::string line = FormatLogLine("error", big, {{"requestId", big}});
    EXPECT_LE(line.size(), 4096u);
    auto v = ParseJson(line.substr(0, line.size() - 1));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    std::string msg(v->as_object().at("msg").as_string());
    EXPECT_EQ(msg.substr(msg.size() - 3), "...");
  }
}

TEST(LogLine, F21_AppendJsonStringEscapesForTheAccessLog) {
  std::string out;
  AppendJsonString(&out, "/files/a\"b\\c\x01\xff");
  auto v = ParseJson(out);
  ASSERT_TRUE(v.ok()) << out;
  EXPECT_EQ(v->as_string(), "/files/a\"b\\c\x01\xEF\xBF\xBD");
}

TEST(LogLine, AccessLogLineIsOneValidJsonObjectWhateverThePathHolds) {
  std::string out;
  AppendAccessLogLine(&out, {"GET", "/files/" + kHostile, 404, 123, 7, "req_abc", "ws\"1"});
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "one line";
  auto v = ParseJson(std::string_view(out).substr(0, out.size() - 1));
  ASSERT_TRUE(v.ok()) << out;
  const json::object& o = v->as_object();
  EXPECT_EQ(o.at("method").as_string(), "GET");
  EXPECT_EQ(o.at("status").as_int64(), 404);
  EXPECT_EQ(o.at("bytes").as_int64(), 123);
  EXPECT_EQ(o.at("durationMs").as_int64(), 7);
  EXPECT_EQ(o.at("requestId").as_string(), "req_abc");
  EXPECT_EQ(o.at("workspace").as_string(), "ws\"1");
  EXPECT_TRUE(o.contains("ts"));
}

}  // namespace
}  // namespace goldset
