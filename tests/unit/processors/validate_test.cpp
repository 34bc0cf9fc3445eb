#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "processors/processors.h"

namespace goldset::processors {
namespace {

using ::testing::HasSubstr;

Status Check(Kind kind, const std::string& config_json, const EnginePolicy& policy = EnginePolicy()) {
  return ValidateEngineConfig(kind, ParseJson(config_json).value().as_object(), policy);
}

TEST(ValidateEngineConfig, EngineKey) {
  EXPECT_TRUE(Check(Kind::kExtractor, R"J({})J").ok());
  EXPECT_TRUE(Check(Kind::kExtractor, R"J({"engine":{"type":"rules"}})J").ok());
  EXPECT_TRUE(Check(Kind::kClassifier,
                    R"J({"engine":{"type":"http","url":"https://x.example/p","headers":{"A":"b"},"timeoutMs":5000}})J")
                  .ok());
  EXPECT_TRUE(
      Check(
          Kind::kSplitter,
          R"J({"engine":{"type":"llm","baseUrl":"http://h/v1","model":"m","apiKeyEnv":"GOLDSET_LLM_KEY_1","maxInputChars":5000}})J")
          .ok());
  struct Case {
    const char* json;
    const char* path;
  };
  for (const Case& c : std::vector<Case>{
           {R"J({"engine":"rules"})J", "config.engine"},
           {R"J({"engine":{"type":"gpt"}})J", "config.engine.type"},
           {R"J({"engine":{"type":"http"}})J", "config.engine.url"},
           {R"J({"engine":{"type":"http","url":"file:///etc/passwd"}})J", "config.engine.url"},
           {R"J({"engine":{"type":"http","url":"http://x","headers":{"A":1}}})J", "config.engine.headers.A"},
           {R"J({"engine":{"type":"http","url":"http://x","timeoutMs":-1}})J", "config.engine.timeoutMs"},
           {R"J({"engine":{"type":"llm","baseUrl":"http://x"}})J", "config.engine.model"},
           {R"J({"engine":{"type":"llm","baseUrl":"http://x","model":"m","apiKeyEnv":"A B"}})J",
            "config.engine.apiKeyEnv"},
           {R"J({"engine":{"type":"llm","baseUrl":"http://x","model":"m","maxInputChars":"9"}})J",
            "config.engine.maxInputChars"}}) {
    Status s = Check(Kind::kExtractor, c.json);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.path)) << c.json;
  }
}

// Audit F17: http engine headers are held to the webhook headers' rules (one function):
// no CR/LF/NUL (header injection), no Host or framing headers; 422 with the path.
TEST(ValidateEngineConfig, F17_HttpEngineHeadersAreValidatedLikeWebhookHeaders) {
  auto with = [](const std::string& headers) {
    return R"J({"engine":{"type":"http","url":"https://x.example/p","headers":)J" + headers + "}}";
  };
  EXPECT_TRUE(Check(Kind::kExtractor, with(R"J({"Authorization":"Bearer t","X-Team":"eval"})J")).ok());
  struct Case {
    const char* headers;
    const char* path;
    const char* why;
  };
  for (const Case& c : std::vector<Case>{
           {R"J({"X-A":"v\r\nX-Injected: yes"})J", "config.engine.headers.X-A", "line break"},
           {R"J({"X-A":"v\nX-Injected: yes"})J", "config.engine.headers.X-A", "line break"},
           {R"J({"X-A":"v\u0000"})J", "config.engine.headers.X-A", "NUL"},
           {R"J({"Host":"internal.example"})J", "config.engine.headers.Host", "set by the server"},
           {R"J({"content-length":"0"})J", "config.engine.headers.content-length", "set by the server"},
           {R"J({"Transfer-Encoding":"chunked"})J", "config.engine.headers.Transfer-Encoding", "set by the server"},
           {R"J({"Connection":"close"})J", "config.engine.headers.Connection", "set by the server"},
           {R"J({"X-A\r\nX-B":"v"})J", "config.engine.headers.X-A\r\nX-B", "not a valid header name"},
           {R"J({"Bad Name":"v"})J", "config.engine.headers.Bad Name", "not a valid header name"}}) {
    Status s = Check(Kind::kExtractor, with(c.headers));
    EXPECT_EQ(s.code(), Status::Code::kUnprocessable) << c.headers;
    EXPECT_THAT(s.message(), HasSubstr("; Path: " + std::string(c.path))) << c.headers << " -> " << s.message();
    EXPECT_THAT(s.message(), HasSubstr(c.why)) << c.headers;
  }
  std::string many = "{";
  for (int i = 0; i < 21; ++i) many += std::string(i ? "," : "") + "\"X-" + std::to_string(i) + "\":\"v\"";
  EXPECT_EQ(Check(Kind::kExtractor, with(many + "}")).code(), Status::Code::kUnprocessable);
}

// Audit F1 (validation side): by name only, against the operator's allow-list.
TEST(ValidateEngineConfig, F1_ApiKeyEnvMustMatchTheAllowList) {
  const char* base = R"J({"engine":{"type":"llm","baseUrl":"http://h/v1","model":"m","apiKeyEnv":")J";
  auto with = [&](const std::string& env) { return std::string(base) + env + "\"}}"; };
  EXPECT_TRUE(Check(Kind::kExtractor, with("GOLDSET_LLM_OPENAI")).ok());
  for (const char* env :
       {"GOLDSET_DATABASE", "PATH", "HOME", "AWS_SECRET_ACCESS_KEY", "GOLDSET_LLM", "goldset_llm_x"}) {
    Status s = Check(Kind::kExtractor, with(env));
    EXPECT_EQ(s.code(), Status::Code::kUnprocessable) << env;
    EXPECT_THAT(s.message(), HasSubstr("; Path: config.engine.apiKeyEnv")) << env;
    EXPECT_THAT(s.message(), HasSubstr("--llm-key-env-allow [GOLDSET_LLM_*]")) << env;
  }
  EnginePolicy custom;
  custom.key_env_allow = *KeyEnvAllowList::Parse("OPENAI_API_KEY");
  EXPECT_TRUE(Check(Kind::kExtractor, with("OPENAI_API_KEY"), custom).ok());
  EXPECT_EQ(Check(Kind::kExtractor, with("GOLDSET_LLM_OPENAI"), custom).code(), Status::Code::kUnprocessable);
}

// Audit F22 (validation side): the maxInputChars floor at limit - 1, limit, limit + 1.
TEST(ValidateEngineConfig, F22_MaxInputCharsFloor) {
  auto with = [](int64_t n) {
    return R"J({"engine":{"type":"llm","baseUrl":"http://h/v1","model":"m","maxInputChars":)J" + std::to_string(n) +
           "}}";
  };
  Status below = Check(Kind::kExtractor, with(kMinLlmInputChars - 1));
  EXPECT_EQ(below.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(below.message(), HasSubstr("at least 4000"));
  EXPECT_THAT(below.message(), HasSubstr("; Path: config.engine.maxInputChars"));
  EXPECT_TRUE(Check(Kind::kExtractor, with(kMinLlmInputChars)).ok());
  EXPECT_TRUE(Check(Kind::kExtractor, with(kMinLlmInputChars + 1)).ok());
  EXPECT_TRUE(
      Check(Kind::kExtractor,
            R"J({"engine":{"type":"llm","baseUrl":"http://h/v1","model":"m","maxInputChars":18446744073709551615}})J")
          .ok());
  EXPECT_EQ(Check(Kind::kExtractor, R"J({"engine":{"type":"http","url":"http://h","timeoutMs":18446744073709551615}})J")
                .code(),
            Status::Code::kInvalidArgument);
}

// engine.pricing: prices in [0, 1e9] per million tokens, an ISO 4217 code.
TEST(ValidateEngineConfig, Pricing) {
  auto with = [](const std::string& pricing) {
    return R"J({"engine":{"type":"llm","baseUrl":"http://h/v1","model":"m","pricing":)J" + pricing + "}}";
  };
  EXPECT_TRUE(Check(Kind::kExtractor, with(R"({"promptPer1M":0,"completionPer1M":1e9,"currency":"USD"})")).ok());
  EXPECT_TRUE(Check(Kind::kExtractor, with(R"({"promptPer1M":2.5,"completionPer1M":10})")).ok());
  for (const char* bad :
       {R"({"promptPer1M":-0.01,"completionPer1M":1})", R"({"promptPer1M":1,"completionPer1M":1000000001})",
        R"({"promptPer1M":1})", R"("cheap")", R"({"promptPer1M":1,"completionPer1M":1,"currency":"usd"})",
        R"({"promptPer1M":"1","completionPer1M":1})"}) {
    Status st = Check(Kind::kExtractor, with(bad));
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_THAT(st.message(), HasSubstr("config.engine.pricing")) << bad;
  }
}

TEST(ValidateEngineConfig, XRulesHints) {
  EXPECT_TRUE(
      Check(
          Kind::kExtractor,
          R"J({"schema":{"type":"object","properties":{"total":{"type":["number","null"],"x-rules":{"patterns":["Total (\\d+)"],"labels":["Total"],"dateOrder":"DMY"}}}}})J")
          .ok());
  struct Case {
    const char* json;
    const char* path;
  };
  for (const Case& c : std::vector<Case>{
           {R"J({"schema":{"properties":{"total":{"x-rules":{"patterns":["Total (\\d+"]}}}}})J",
            "schema.properties.total.x-rules.patterns[0]"},
           {R"J({"schema":{"properties":{"total":{"x-rules":{"patterns":["ok (a)","(a)(b)"]}}}}})J",
            "schema.properties.total.x-rules.patterns[1]"},
           {R"J({"schema":{"properties":{"total":{"x-rules":{"patterns":["no groups"]}}}}})J",
            "exactly one capture group"},
           {R"J({"schema":{"properties":{"d":{"x-rules":{"dateOrder":"DDMM"}}}}})J",
            "schema.properties.d.x-rules.dateOrder"},
           {R"J({"schema":{"properties":{"d":{"x-rules":{"labels":"Total"}}}}})J",
            "schema.properties.d.x-rules.labels"},
           {R"J({"schema":{"properties":{"a":{"type":"object","properties":{"b":{"x-rules":{"labels":[1]}}}}}}})J",
            "schema.properties.a.properties.b.x-rules.labels[0]"},
           {R"J({"schema":{"properties":{"rows":{"x-rules":{"rowPattern":"(\\d+) (\\d+)"}}}}})J",
            "must have named groups"}}) {
    Status s = Check(Kind::kExtractor, c.json);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.path)) << c.json << " -> " << s.message();
  }
  Status s = Check(Kind::kClassifier, R"J({"classifications":[{"id":"a","type":"A","x-rules":{"keywords":"x"}}]})J");
  EXPECT_THAT(s.message(), HasSubstr("config.classifications[0].x-rules.keywords"));
  s = Check(
      Kind::kSplitter,
      R"J({"splitClassifications":[{"id":"a","type":"A"},{"id":"b","type":"B","x-rules":{"startKeywords":[2]}}]})J");
  EXPECT_THAT(s.message(), HasSubstr("config.splitClassifications[1].x-rules.startKeywords[0]"));
}

}  // namespace
}  // namespace goldset::processors
