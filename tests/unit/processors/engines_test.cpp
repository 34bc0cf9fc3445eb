// The http and llm engines against stand-in servers on 127.0.0.1; the real client code
// (request building, egress checks, retries, response validation) is what runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>

#include "common/clock.h"
#include "processors/llm_engine.h"
#include "processors/processors.h"
#include "stub_http_server.h"

namespace goldset::processors {
namespace {

using goldset::testing::StubHttpServer;
using ::testing::HasSubstr;
using ::testing::Not;

parse::Document TwoPages() {
  parse::Document d;
  d.pages.push_back({1, 612, 792, "INVOICE\nInvoice Number: INV-1", {}, false, 1});
  d.pages.push_back({2, 612, 792, "Total Due: $5.00", {}, false, 1});
  return d;
}

// Two pages of 2,800 characters: two chunks under ChunkedLlmConfig's maxInputChars.
parse::Document TwoLongPages() {
  parse::Document d;
  d.pages.push_back({1, 0, 0, std::string(2800, 'x'), {}, false, 1});
  d.pages.push_back({2, 0, 0, std::string(2800, 'y'), {}, false, 1});
  return d;
}

// An llm extractor on `server` that sends at most 4,000 characters per call.
json::object ChunkedLlmConfig(const StubHttpServer& server) {
  return json::object{
      {"schema", {{"type", "object"}}},
      {"engine", {{"type", "llm"}, {"baseUrl", server.Url("/v1")}, {"model", "m"}, {"maxInputChars", 4000}}}};
}

const FileRef kFile{"file_abc", "inv.pdf", "PDF", "https://files.example/inv.pdf"};

struct Fixture {
  outbound::EgressPolicy loopback = *outbound::EgressPolicy::Parse("127.0.0.1/32");
  EnginePolicy policy;  // the documented defaults: GOLDSET_LLM_*, 50 calls, 16 MiB
  EngineContext ctx{&loopback, 2000, 3, &policy};
};

json::object WithEngine(json::object config, json::object engine) {
  config["engine"] = std::move(engine);
  return config;
}

const char* kClassifyConfig = R"J({"classifications":[
  {"id":"inv","type":"Invoice","description":"a bill"},{"id":"rct","type":"Receipt","description":"proof of purchase"}],
  "classificationRules":"Pick one."})J";

TEST(HttpEngine, PostsFileDocumentAndConfigAndValidatesTheAnswer) {
  Fixture f;
  StubHttpServer server([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{200, R"J({"id":"inv","type":"Invoice","confidence":0.7})J"};
  });
  json::object config =
      WithEngine(ParseJson(kClassifyConfig)->as_object(),
                 {{"type", "http"}, {"url", server.Url("/proc")}, {"headers", {{"X-Api-Key", "k1"}}}});
  auto out = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->at("id"), "inv");
  EXPECT_DOUBLE_EQ(out->at("confidence").as_double(), 0.7);
  EXPECT_TRUE(out->at("insights").as_array().empty());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/proc");
  EXPECT_EQ(reqs[0].headers["x-api-key"], "k1");
  json::value body = ParseJson(reqs[0].body).value();
  EXPECT_EQ(body.at("kind"), "classify");
  EXPECT_EQ(body.at("file").at("id"), "file_abc");
  EXPECT_EQ(body.at("file").at("url"), "https://files.example/inv.pdf");
  EXPECT_EQ(body.at("document").at("pages").at(1).at("number").as_int64(), 2);
  EXPECT_EQ(body.at("document").at("pages").at(1).at("text"), "Total Due: $5.00");
  EXPECT_EQ(body.at("config").at("classifications").at(1).at("id"), "rct");
}

TEST(HttpEngine, RetriesServerErrorsThenSucceeds) {
  Fixture f;
  std::atomic<int> calls{0};
  StubHttpServer server([&](const StubHttpServer::Request&) {
    if (++calls <= 2) return StubHttpServer::Response{503, "busy"};
    return StubHttpServer::Response{
        200, R"J({"splits":[{"type":"Invoice","classificationId":"inv","startPage":1,"endPage":2}]})J"};
  });
  json::object config{{"splitClassifications", json::array{}}, {"engine", {{"type", "http"}, {"url", server.Url()}}}};
  auto out = RunProcessor(Kind::kSplitter, config, TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(out->at("splits").at(0).at("fileId"), "file_abc");
  EXPECT_EQ(out->at("splits").at(0).at("id"), "split_1");

  f.ctx.http_attempts = 2;
  StubHttpServer down([](const StubHttpServer::Request&) { return StubHttpServer::Response{500, "oops"}; });
  config["engine"] = {{"type", "http"}, {"url", down.Url()}};
  auto failed = RunProcessor(Kind::kSplitter, config, TwoPages(), kFile, f.ctx);
  EXPECT_EQ(failed.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("http engine returned 500: oops (after 2 attempts)"));
  EXPECT_EQ(down.requests().size(), 2u);
}

TEST(HttpEngine, GarbageAnswersTimeoutsAndEgress) {
  Fixture f;
  StubHttpServer wrong([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{200, R"J({"id":"inv"})J"};
  });
  json::object config = WithEngine(ParseJson(kClassifyConfig)->as_object(), {{"type", "http"}, {"url", wrong.Url()}});
  auto r = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx);
  EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable);
  EXPECT_EQ(r.status().message(), "http engine returned 200 with a body that is not a ClassifyOutput: missing 'type'");

  StubHttpServer html([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, "<html>"}; });
  config["engine"] = {{"type", "http"}, {"url", html.Url()}};
  r = RunProcessor(Kind::kExtractor, config, TwoPages(), kFile, f.ctx);
  EXPECT_THAT(r.status().message(), HasSubstr("http engine returned 200 with a body that is not an ExtractOutput"));

  StubHttpServer client_error([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{404, "no such route"};
  });
  config["engine"] = {{"type", "http"}, {"url", client_error.Url()}};
  r = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx);
  EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable);
  EXPECT_EQ(client_error.requests().size(), 1u);  // 4xx is not retried

  StubHttpServer slow([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, "{}", 1000}; });
  config["engine"] = {{"type", "http"}, {"url", slow.Url()}, {"timeoutMs", 150}};
  f.ctx.http_attempts = 1;
  r = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx);
  EXPECT_EQ(r.status().code(), Status::Code::kDeadlineExceeded) << r.status().ToString();

  outbound::EgressPolicy public_only;
  EngineContext strict{&public_only, 2000, 3, &f.policy};
  config["engine"] = {{"type", "http"}, {"url", wrong.Url()}};
  r = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, strict);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "egress to 127.0.0.1 is not allowed");
  config["engine"] = {{"type", "http"}, {"url", "http://10.1.2.3:8080/x"}};
  EXPECT_THAT(RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx).status().message(),
              HasSubstr("egress to 10.1.2.3 is not allowed"));
}

std::string ChatAnswer(const std::string& content) {
  return ToJson(json::object{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"choices", json::array{json::object{{"index", 0},
                                           {"message", json::object{{"role", "assistant"}, {"content", content}}},
                                           {"finish_reason", "stop"}}}}});
}

// A chat answer whose choices[0].logprobs.content lists `tokens` (text, logprob); the
// content is their concatenation, as OpenAI-compatible servers return it.
std::string ChatAnswerWithLogprobs(const std::vector<std::pair<std::string, double>>& tokens) {
  std::string content;
  json::array lp;
  for (const auto& [t, l] : tokens) {
    content += t;
    lp.push_back(json::object{{"token", t}, {"logprob", l}, {"top_logprobs", json::array{}}});
  }
  return ToJson(json::object{
      {"object", "chat.completion"},
      {"choices", json::array{json::object{{"index", 0},
                                           {"message", json::object{{"role", "assistant"}, {"content", content}}},
                                           {"logprobs", json::object{{"content", std::move(lp)}}},
                                           {"finish_reason", "stop"}}}}});
}

TEST(LlmEngine, TokenLogprobsBecomeEachFieldsLogprobsConfidence) {
  Fixture f;
  // {"a":"INV-1","b":7,"c":null,"e":{"f":"x"},"g":["p","q"]}
  StubHttpServer server([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{200, ChatAnswerWithLogprobs({{"{\"a\":\"", -0.5},
                                                                 {"INV", -0.1},
                                                                 {"-1", -0.3},
                                                                 {"\",\"", -0.2},
                                                                 {"b\":", -0.4},
                                                                 {"7", -0.05},
                                                                 {",\"c\":", -0.6},
                                                                 {"null", -0.7},
                                                                 {",\"e\":{\"f\":\"", -0.1},
                                                                 {"x", -0.25},
                                                                 {"\"},\"g\":", -0.3},
                                                                 {"[\"p", -0.2},
                                                                 {"\",\"", -0.4},
                                                                 {"q\"]", -0.6},
                                                                 {"}", -0.9}})};
  });
  json::object config{{"schema", {{"type", "object"}}},
                      {"engine", {{"type", "llm"}, {"baseUrl", server.Url("/v1")}, {"model", "m"}}}};
  auto out = RunProcessor(Kind::kExtractor, config, TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(ParseJson(server.requests()[0].body)->at("logprobs"), true);
  const json::value& meta = out->at("metadata");
  auto conf = [&](const char* path) { return meta.at(path).at("logprobsConfidence").as_double(); };
  EXPECT_NEAR(conf("a"), std::exp((-0.1 - 0.3) / 2), 1e-12);  // inside the quotes only
  EXPECT_NEAR(conf("b"), std::exp(-0.05), 1e-12);
  EXPECT_NEAR(conf("c"), std::exp(-0.7), 1e-12);
  EXPECT_NEAR(conf("e.f"), std::exp(-0.25), 1e-12);                  // nested objects by dotted path
  EXPECT_NEAR(conf("g"), std::exp((-0.2 - 0.4 - 0.6) / 3), 1e-12);   // an array is one value
  EXPECT_DOUBLE_EQ(meta.at("a").at("confidence").as_double(), 0.8);  // the prior stays beside it
}

TEST(LlmEngine, LogprobsThatDoNotSpellTheContentGiveNoConfidence) {
  Fixture f;
  StubHttpServer server([](const StubHttpServer::Request&) {
    json::value body = *ParseJson(ChatAnswerWithLogprobs({{"{\"a\":\"x\"}", -0.1}}));
    body.at("choices").at(0).at("message").as_object()["content"] = "{\"a\":\"y\"}";  // not the tokens' text
    return StubHttpServer::Response{200, ToJson(body)};
  });
  json::object config{{"schema", {{"type", "object"}}},
                      {"engine", {{"type", "llm"}, {"baseUrl", server.Url("/v1")}, {"model", "m"}}}};
  auto out = RunProcessor(Kind::kExtractor, config, TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->at("value").at("a"), "y");
  EXPECT_FALSE(out->at("metadata").at("a").as_object().contains("logprobsConfidence"));
  // Tokens that spell only the start of the content: none either.
  StubHttpServer prefix([](const StubHttpServer::Request&) {
    json::value body = *ParseJson(ChatAnswerWithLogprobs({{"{\"a\":", -0.1}, {"\"y\"", -0.2}}));
    body.at("choices").at(0).at("message").as_object()["content"] = "{\"a\":\"y\"}";
    return StubHttpServer::Response{200, ToJson(body)};
  });
  config["engine"].as_object()["baseUrl"] = prefix.Url("/v1");
  auto part = RunProcessor(Kind::kExtractor, config, TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_FALSE(part->at("metadata").at("a").as_object().contains("logprobsConfidence"));
  // No logprobs at all (most servers unless asked; some even then): none either.
  StubHttpServer plain([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{200, ChatAnswer(R"J({"a":"x"})J")};
  });
  config["engine"].as_object()["baseUrl"] = plain.Url("/v1");
  auto bare = RunProcessor(Kind::kExtractor, config, TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_FALSE(bare->at("metadata").at("a").as_object().contains("logprobsConfidence"));
}

TEST(LlmEngine, ChunkedLogprobsFollowTheMergedValue) {
  Fixture f;
  std::atomic<int> calls{0};
  StubHttpServer server([&](const StubHttpServer::Request&) {
    if (++calls == 1)  // {"a":null,"b":"first","items":[1]}
      return StubHttpServer::Response{200, ChatAnswerWithLogprobs({{"{\"a\":", -0.1},
                                                                   {"null", -1.0},
                                                                   {",\"b\":\"", -0.1},
                                                                   {"first", -0.2},
                                                                   {"\",\"items\":", -0.1},
                                                                   {"[1]", -0.3},
                                                                   {"}", -0.1}})};
    // {"a":"late","b":"second","items":[2]}
    return StubHttpServer::Response{200, ChatAnswerWithLogprobs({{"{\"a\":\"", -0.1},
                                                                 {"late", -0.4},
                                                                 {"\",\"b\":\"", -0.1},
                                                                 {"second", -2.0},
                                                                 {"\",\"items\":", -0.1},
                                                                 {"[2]", -0.5},
                                                                 {"}", -0.1}})};
  });
  json::object config = ChunkedLlmConfig(server);
  parse::Document doc = TwoLongPages();
  auto out = RunProcessor(Kind::kExtractor, config, doc, kFile, f.ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(calls.load(), 2);
  const json::value& meta = out->at("metadata");
  EXPECT_NEAR(meta.at("a").at("logprobsConfidence").as_double(), std::exp(-0.4), 1e-12);  // the chunk whose value won
  EXPECT_NEAR(meta.at("b").at("logprobsConfidence").as_double(), std::exp(-0.2), 1e-12);  // first non-null
  EXPECT_NEAR(meta.at("items").at("logprobsConfidence").as_double(), std::exp((-0.3 - 0.5) / 2), 1e-12);  // both chunks
}

TEST(LlmEngine, ExtractSendsStructuredOutputRequestWithKeyFromEnv) {
  Fixture f;
  setenv("GOLDSET_LLM_TEST_KEY", "sk-test-123", 1);
  StubHttpServer server([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{
        200,
        ChatAnswer(R"J({"invoice_number":"INV-1","total":{"amount":5,"iso_4217_currency_code":"USD"},"po":null})J")};
  });
  json::object config = ParseJson(R"J({"extractionRules":"Dates are DMY.","schema":{"type":"object","properties":{
      "invoice_number":{"type":["string","null"],"x-rules":{"labels":["Invoice Number"]}},
      "total":{"type":"object","extend:type":"currency","properties":{"amount":{"type":["number","null"]},"iso_4217_currency_code":{"type":["string","null"]}},"required":["amount","iso_4217_currency_code"],"additionalProperties":false},
      "po":{"type":["string","null"]}},"required":["invoice_number","total","po"],"additionalProperties":false}})J")
                            ->as_object();
  config["engine"] = {
      {"type", "llm"}, {"baseUrl", server.Url("/v1/")}, {"model", "qwen2.5-7b"}, {"apiKeyEnv", "GOLDSET_LLM_TEST_KEY"}};
  auto out = RunProcessor(Kind::kExtractor, config, TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->at("value").at("invoice_number"), "INV-1");
  EXPECT_EQ(out->at("value").at("total").at("iso_4217_currency_code"), "USD");
  EXPECT_TRUE(out->at("value").at("po").is_null());
  EXPECT_DOUBLE_EQ(out->at("metadata").at("po").at("confidence").as_double(), 0.0);
  EXPECT_GT(out->at("metadata").at("total").at("confidence").as_double(), 0.0);

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v1/chat/completions");
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer sk-test-123");
  json::value body = ParseJson(reqs[0].body).value();
  EXPECT_EQ(body.at("model"), "qwen2.5-7b");
  EXPECT_EQ(body.at("temperature").to_number<double>(), 0.0);
  const json::value& rf = body.at("response_format");
  EXPECT_EQ(rf.at("type"), "json_schema");
  EXPECT_EQ(rf.at("json_schema").at("strict"), true);
  EXPECT_FALSE(rf.at("json_schema").at("name").as_string().empty());
  std::string schema = ToJson(rf.at("json_schema").at("schema"));
  EXPECT_THAT(schema, HasSubstr("\"invoice_number\""));
  EXPECT_THAT(schema, Not(HasSubstr("x-rules")));
  EXPECT_THAT(schema, Not(HasSubstr("extend:")));
  EXPECT_EQ(body.at("messages").at(0).at("role"), "system");
  EXPECT_THAT(std::string(body.at("messages").at(0).at("content").as_string()), HasSubstr("Dates are DMY."));
  std::string user(body.at("messages").at(1).at("content").as_string());
  EXPECT_THAT(user, HasSubstr("--- Page 2 ---\nTotal Due: $5.00"));

  unsetenv("GOLDSET_LLM_TEST_KEY");
  auto no_key = RunProcessor(Kind::kExtractor, config, TwoPages(), kFile, f.ctx);
  EXPECT_EQ(no_key.status().code(), Status::Code::kUnprocessable);
  EXPECT_THAT(no_key.status().message(), HasSubstr("no API key named GOLDSET_LLM_TEST_KEY is available"));
}

TEST(LlmEngine, LongDocumentsAreChunkedAndMerged) {
  Fixture f;
  std::atomic<int> calls{0};
  StubHttpServer server([&](const StubHttpServer::Request&) {
    int n = ++calls;
    if (n == 1) return StubHttpServer::Response{200, ChatAnswer(R"J({"a":null,"b":"first","items":[1]})J")};
    return StubHttpServer::Response{200, ChatAnswer(R"J({"a":"late","b":"second","items":[2]})J")};
  });
  json::object config = ChunkedLlmConfig(server);
  parse::Document doc = TwoLongPages();
  auto out = RunProcessor(Kind::kExtractor, config, doc, kFile, f.ctx);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(out->at("value").at("a"), "late");
  EXPECT_EQ(out->at("value").at("b"), "first");
  EXPECT_EQ(out->at("value").at("items").as_array().size(), 2u);
  EXPECT_FALSE(server.requests()[0].headers.count("authorization"));
  EXPECT_EQ(ChunkPages(doc, 4000).size(), 2u);
  EXPECT_EQ(ChunkPages(doc, 6000).size(), 1u);
}

TEST(LlmEngine, ClassifyAndSplitMapTypesToIds) {
  Fixture f;
  StubHttpServer server([](const StubHttpServer::Request& r) {
    if (r.body.find("startPage") != std::string::npos)
      return StubHttpServer::Response{
          200,
          ChatAnswer(
              R"J({"splits":[{"type":"Invoice","startPage":1,"endPage":1},{"type":"receipt","startPage":2,"endPage":2}]})J")};
    return StubHttpServer::Response{200, ChatAnswer("```json\n{\"type\":\"Receipt\"}\n```")};
  });
  json::object engine{{"type", "llm"}, {"baseUrl", server.Url("/v1")}, {"model", "m"}};
  auto c = RunProcessor(Kind::kClassifier, WithEngine(ParseJson(kClassifyConfig)->as_object(), engine), TwoPages(),
                        kFile, f.ctx);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->at("id"), "rct");
  json::value creq = ParseJson(server.requests()[0].body).value();
  EXPECT_EQ(ToJson(creq.at("response_format").at("json_schema").at("schema").at("properties").at("type").at("enum")),
            R"J(["Invoice","Receipt"])J");

  json::object split_config{{"splitClassifications", ParseJson(kClassifyConfig)->at("classifications")}};
  auto s = RunProcessor(Kind::kSplitter, WithEngine(split_config, engine), TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->at("splits").at(1).at("classificationId"), "rct");
  EXPECT_EQ(s->at("splits").at(1).at("type"), "Receipt");
  EXPECT_EQ(s->at("splits").at(0).at("fileId"), "file_abc");
}

TEST(LlmEngine, GarbageAnswersAreReadableErrors) {
  Fixture f;
  std::atomic<int> mode{0};
  StubHttpServer server([&](const StubHttpServer::Request&) {
    switch (mode.load()) {
      case 0: return StubHttpServer::Response{200, "not json"};
      case 1: return StubHttpServer::Response{200, R"J({"choices":[]})J"};
      case 2: return StubHttpServer::Response{200, ChatAnswer("Sure! Here is the JSON you asked for")};
      default: return StubHttpServer::Response{200, ChatAnswer(R"J({"type":"Passport"})J")};
    }
  });
  json::object config = WithEngine(ParseJson(kClassifyConfig)->as_object(),
                                   {{"type", "llm"}, {"baseUrl", server.Url("/v1")}, {"model", "m"}});
  const char* expected[] = {"llm engine returned a body that is not JSON",
                            "llm engine response has no choices[0].message.content string",
                            "llm engine's message content is not a JSON object",
                            "llm engine answered type 'Passport', which is not a classification"};
  for (int m = 0; m < 4; ++m) {
    mode = m;
    auto r = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx);
    EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable) << m;
    EXPECT_THAT(r.status().message(), HasSubstr(expected[m])) << m;
  }
}

// Audit F1: engine.apiKeyEnv could name any variable of the server (GOLDSET_DATABASE with
// its password, cloud keys); the value went to the tenant's host as a Bearer token.
TEST(LlmEngine, F1_ApiKeyEnvOutsideTheAllowListIsRefusedAndNeverSent) {
  Fixture f;
  setenv("F1_OPERATOR_SECRET", "postgresql://goldset:hunter2@db.internal/goldset", 1);
  setenv("GOLDSET_LLM_F1", "sk-tenant-shared", 1);
  StubHttpServer server([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{200, ChatAnswer(R"J({"a":"x"})J")};
  });
  auto config = [&](const std::string& env) {
    return json::object{
        {"schema", {{"type", "object"}, {"properties", {{"a", {{"type", "string"}}}}}}},
        {"engine", {{"type", "llm"}, {"baseUrl", server.Url("/v1")}, {"model", "m"}, {"apiKeyEnv", env}}}};
  };
  // Refused by name, set or not, with one message that does not depend on the environment;
  // nothing reaches the receiver.
  Status set = ValidateEngineConfig(Kind::kExtractor, config("F1_OPERATOR_SECRET"), f.policy);
  Status unset = ValidateEngineConfig(Kind::kExtractor, config("F1_NOT_SET_ANYWHERE"), f.policy);
  EXPECT_EQ(set.code(), Status::Code::kUnprocessable);
  EXPECT_THAT(set.message(), HasSubstr("; Path: config.engine.apiKeyEnv"));
  EXPECT_EQ(set.message().find("hunter2"), std::string::npos);
  EXPECT_EQ(unset.code(), set.code());
  // The messages differ only by the name the tenant gave.
  std::string same = set.message();
  EXPECT_EQ(unset.message(), same.replace(same.find("F1_OPERATOR_SECRET"), 18, "F1_NOT_SET_ANYWHERE"));
  for (const char* env : {"F1_OPERATOR_SECRET", "PATH", "HOME", "GOLDSET_DATABASE"}) {
    auto r = RunProcessor(Kind::kExtractor, config(env), TwoPages(), kFile, f.ctx);
    EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable) << env;
  }
  EXPECT_TRUE(server.requests().empty());
  // At call time an allowed but unset name gets the same words as a refused one.
  auto unset_allowed = RunProcessor(Kind::kExtractor, config("GOLDSET_LLM_NOT_SET"), TwoPages(), kFile, f.ctx);
  auto refused = RunProcessor(Kind::kExtractor, config("NOT_ALLOWED_XY"), TwoPages(), kFile, f.ctx);
  EXPECT_EQ(unset_allowed.status().code(), refused.status().code());
  std::string a = unset_allowed.status().message(), b = refused.status().message();
  EXPECT_EQ(a.replace(a.find("GOLDSET_LLM_NOT_SET"), 19, "NAME"), b.replace(b.find("NOT_ALLOWED_XY"), 14, "NAME"));
  EXPECT_TRUE(server.requests().empty());

  // An allowed, set name works and sends exactly that key.
  auto ok = RunProcessor(Kind::kExtractor, config("GOLDSET_LLM_F1"), TwoPages(), kFile, f.ctx);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers["authorization"], "Bearer sk-tenant-shared");

  // The operator's list decides; the server's own settings are never readable.
  auto custom = KeyEnvAllowList::Parse("F1_*,OPENAI_API_KEY", {"F1_OPERATOR_SECRET"});
  ASSERT_TRUE(custom.ok());
  EXPECT_TRUE(custom->Allows("F1_OTHER"));
  EXPECT_TRUE(custom->Allows("OPENAI_API_KEY"));
  EXPECT_FALSE(custom->Allows("F1_OPERATOR_SECRET"));
  EXPECT_FALSE(custom->Allows("GOLDSET_LLM_F1"));
  EXPECT_FALSE(custom->HasLeadingWildcard());
  EXPECT_FALSE(KeyEnvAllowList::Parse("")->Allows("GOLDSET_LLM_F1"));
  EXPECT_EQ(KeyEnvAllowList::Parse("")->Describe(), "none");
  EXPECT_TRUE(KeyEnvAllowList::Parse("*_KEY")->HasLeadingWildcard());
  EXPECT_FALSE(KeyEnvAllowList::Parse("GOLDSET_LLM_*,BAD-NAME").ok());
  unsetenv("F1_OPERATOR_SECRET");
  unsetenv("GOLDSET_LLM_F1");
}

// Audit F22: maxInputChars could be 100, one outbound call per 100 characters. Now at
// least kMinLlmInputChars, and at most max_llm_calls_per_item chunks per document.
TEST(LlmEngine, F22_ChunksPerItemAreCappedBeforeAnyCall) {
  Fixture f;
  f.policy.max_llm_calls_per_item = 3;
  StubHttpServer server([](const StubHttpServer::Request&) {
    return StubHttpServer::Response{200, ChatAnswer(R"J({})J")};
  });
  json::object config = ChunkedLlmConfig(server);
  auto pages = [](int n) {
    parse::Document doc;
    for (int i = 1; i <= n; ++i) doc.pages.push_back({i, 0, 0, std::string(3000, 'p'), {}, false, 1});
    return doc;
  };
  // 3000-character pages do not share a 4000-character chunk: one call per page.
  ASSERT_TRUE(RunProcessor(Kind::kExtractor, config, pages(2), kFile, f.ctx).ok());  // limit - 1
  EXPECT_EQ(server.requests().size(), 2u);
  ASSERT_TRUE(RunProcessor(Kind::kExtractor, config, pages(3), kFile, f.ctx).ok());  // limit
  EXPECT_EQ(server.requests().size(), 5u);
  auto over = RunProcessor(Kind::kExtractor, config, pages(4), kFile, f.ctx);  // limit + 1
  EXPECT_EQ(over.status().code(), Status::Code::kUnprocessable);
  EXPECT_THAT(over.status().message(), HasSubstr("the document needs 4 llm engine calls of at most 4000 characters"));
  EXPECT_THAT(over.status().message(), HasSubstr("at most 3 per item (--llm-max-calls-per-item)"));
  EXPECT_EQ(server.requests().size(), 5u);  // nothing sent for the refused document
  // A classifier reads the first chunk only, whatever the length.
  json::object classify =
      WithEngine(ParseJson(kClassifyConfig)->as_object(),
                 {{"type", "llm"}, {"baseUrl", server.Url("/v1")}, {"model", "m"}, {"maxInputChars", 4000}});
  EXPECT_THAT(RunProcessor(Kind::kClassifier, classify, pages(10), kFile, f.ctx).status().message(),
              Not(HasSubstr("calls")));
}

// Audit F6: the http and llm engines' answers are bounded; over the limit the item fails
// without retries and without buffering the rest.
TEST(HttpEngine, F6_AnswerOverTheLimitFailsWithoutRetry) {
  Fixture f;
  f.policy.max_response_bytes = 64 * 1024;
  StubHttpServer big([](const StubHttpServer::Request&) {
    StubHttpServer::Response r{200, std::string(200 * 1024, ' ')};
    r.close_delimited = true;
    return r;
  });
  json::object config = WithEngine(ParseJson(kClassifyConfig)->as_object(), {{"type", "http"}, {"url", big.Url()}});
  auto r = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx);
  EXPECT_EQ(r.status().code(), Status::Code::kUnprocessable);
  EXPECT_THAT(r.status().message(), HasSubstr("http engine: POST"));
  EXPECT_THAT(r.status().message(), HasSubstr("over the 64 KiB limit (--max-outbound-response-mb)"));
  EXPECT_THAT(r.status().message(), HasSubstr("not retried"));
  EXPECT_EQ(big.requests().size(), 1u);
  config["engine"] = {{"type", "llm"}, {"baseUrl", big.Url("/v1")}, {"model", "m"}};
  r = RunProcessor(Kind::kClassifier, config, TwoPages(), kFile, f.ctx);
  EXPECT_THAT(r.status().message(), HasSubstr("llm engine: POST"));
  EXPECT_EQ(big.requests().size(), 2u);
}

}  // namespace
}  // namespace goldset::processors

namespace goldset::processors {
namespace {

// Audit F5: the item's deadline bounds every engine call, LLM chunks and retries included.
TEST(EngineDeadline, AbortsAnHttpCallInFlightAndMakesNoRetry) {
  Fixture f;
  StubHttpServer server([](const StubHttpServer::Request&) { return StubHttpServer::Response{200, "{}", 10000}; });
  CancelToken deadline;
  deadline.SetDeadline(MonotonicMillis() + 200, Status::DeadlineExceeded("item deadline"));
  EngineContext ctx = f.ctx;
  ctx.http_timeout_ms = 20000;
  ctx.cancel = &deadline;
  const int64_t t0 = MonotonicMillis();
  auto out = RunProcessor(Kind::kExtractor,
                          WithEngine({{"schema", {{"type", "object"}}}}, {{"type", "http"}, {"url", server.Url("/p")}}),
                          TwoPages(), kFile, ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Status::Code::kDeadlineExceeded);
  EXPECT_EQ(out.status().message(), "item deadline");
  EXPECT_LT(MonotonicMillis() - t0, 8000) << "returned long before the engine would have answered";
  EXPECT_EQ(server.requests().size(), 1u) << "a deadline is not retried";
}

TEST(EngineDeadline, CancelStopsRetryBackoffAndLaterLlmChunks) {
  Fixture f;
  std::atomic<int> calls{0};
  CancelToken token;
  // The first chunk's answer arrives, then the work is cancelled (a lost lease): the second
  // chunk is never sent.
  StubHttpServer server([&](const StubHttpServer::Request&) {
    ++calls;
    token.Cancel(Status::Unavailable("lease lost"));
    return StubHttpServer::Response{200, ChatAnswer(R"J({"a":"x"})J")};
  });
  json::object config = ChunkedLlmConfig(server);
  parse::Document doc = TwoLongPages();
  EngineContext ctx = f.ctx;
  ctx.cancel = &token;
  auto out = RunProcessor(Kind::kExtractor, config, doc, kFile, ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "lease lost");
  EXPECT_EQ(calls.load(), 1);

  // A 5xx answer is retried after a backoff; a cancel during that wait ends the call.
  std::atomic<int> failing{0};
  CancelToken later;
  StubHttpServer down([&](const StubHttpServer::Request&) {
    ++failing;
    later.Cancel(Status::Unavailable("shutting down"));
    return StubHttpServer::Response{503, "busy"};
  });
  ctx.cancel = &later;
  auto r = RunProcessor(Kind::kExtractor,
                        WithEngine({{"schema", {{"type", "object"}}}}, {{"type", "http"}, {"url", down.Url("/p")}}),
                        TwoPages(), kFile, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "shutting down");
  EXPECT_EQ(failing.load(), 1);
}

}  // namespace
}  // namespace goldset::processors
