#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "processors/processors.h"

namespace goldset::processors {
namespace {

using ::testing::HasSubstr;

Status Check(Kind kind, const std::string& config_json) {
  return ValidateEngineConfig(kind, ParseJson(config_json).value().as_object());
}

TEST(ValidateEngineConfig, EngineKey) {
  EXPECT_TRUE(Check(Kind::kExtract, R"J({})J").ok());
  EXPECT_TRUE(Check(Kind::kExtract, R"J({"engine":{"type":"rules"}})J").ok());
  EXPECT_TRUE(Check(Kind::kClassify, R"J({"engine":{"type":"http","url":"https://x.example/p","headers":{"A":"b"},"timeoutMs":5000}})J").ok());
  EXPECT_TRUE(Check(Kind::kSplit, R"J({"engine":{"type":"llm","baseUrl":"http://h/v1","model":"m","apiKeyEnv":"KEY_1","maxInputChars":5000}})J").ok());
  struct Case { const char* json; const char* path; };
  for (const Case& c : std::vector<Case>{
           {R"J({"engine":"rules"})J", "config.engine"},
           {R"J({"engine":{"type":"gpt"}})J", "config.engine.type"},
           {R"J({"engine":{"type":"http"}})J", "config.engine.url"},
           {R"J({"engine":{"type":"http","url":"file:///etc/passwd"}})J", "config.engine.url"},
           {R"J({"engine":{"type":"http","url":"http://x","headers":{"A":1}}})J", "config.engine.headers.A"},
           {R"J({"engine":{"type":"http","url":"http://x","timeoutMs":-1}})J", "config.engine.timeoutMs"},
           {R"J({"engine":{"type":"llm","baseUrl":"http://x"}})J", "config.engine.model"},
           {R"J({"engine":{"type":"llm","baseUrl":"http://x","model":"m","apiKeyEnv":"A B"}})J", "config.engine.apiKeyEnv"},
           {R"J({"engine":{"type":"llm","baseUrl":"http://x","model":"m","maxInputChars":"9"}})J", "config.engine.maxInputChars"}}) {
    Status s = Check(Kind::kExtract, c.json);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.path)) << c.json;
  }
}

TEST(ValidateEngineConfig, XRulesHints) {
  EXPECT_TRUE(Check(Kind::kExtract, R"J({"schema":{"type":"object","properties":{"total":{"type":["number","null"],"x-rules":{"patterns":["Total (\\d+)"],"labels":["Total"],"dateOrder":"DMY"}}}}})J").ok());
  struct Case { const char* json; const char* path; };
  for (const Case& c : std::vector<Case>{
           {R"J({"schema":{"properties":{"total":{"x-rules":{"patterns":["Total (\\d+"]}}}}})J", "schema.properties.total.x-rules.patterns[0]"},
           {R"J({"schema":{"properties":{"total":{"x-rules":{"patterns":["ok (a)","(a)(b)"]}}}}})J", "schema.properties.total.x-rules.patterns[1]"},
           {R"J({"schema":{"properties":{"total":{"x-rules":{"patterns":["no groups"]}}}}})J", "exactly one capture group"},
           {R"J({"schema":{"properties":{"d":{"x-rules":{"dateOrder":"DDMM"}}}}})J", "schema.properties.d.x-rules.dateOrder"},
           {R"J({"schema":{"properties":{"d":{"x-rules":{"labels":"Total"}}}}})J", "schema.properties.d.x-rules.labels"},
           {R"J({"schema":{"properties":{"a":{"type":"object","properties":{"b":{"x-rules":{"labels":[1]}}}}}}})J", "schema.properties.a.properties.b.x-rules.labels[0]"},
           {R"J({"schema":{"properties":{"rows":{"x-rules":{"rowPattern":"(\\d+) (\\d+)"}}}}})J", "must have named groups"}}) {
    Status s = Check(Kind::kExtract, c.json);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.path)) << c.json << " -> " << s.message();
  }
  Status s = Check(Kind::kClassify, R"J({"classifications":[{"id":"a","type":"A","x-rules":{"keywords":"x"}}]})J");
  EXPECT_THAT(s.message(), HasSubstr("config.classifications[0].x-rules.keywords"));
  s = Check(Kind::kSplit, R"J({"splitClassifications":[{"id":"a","type":"A"},{"id":"b","type":"B","x-rules":{"startKeywords":[2]}}]})J");
  EXPECT_THAT(s.message(), HasSubstr("config.splitClassifications[1].x-rules.startKeywords[0]"));
}

}  // namespace
}  // namespace goldset::processors
