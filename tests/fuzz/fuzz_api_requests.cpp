// libFuzzer target: JSON request bodies of every resource that validates one, sent
// through the real App (routing, authentication, handlers, validation, SQLite store) in
// process: processor configs and updates, evaluation sets and items (expected outputs
// against the schema), webhook endpoints and subscriptions, evaluation runs and
// standalone runs. Input: one byte choosing the route, then the body.
// Checks: no client input is answered 5xx; every error has the contract's body
// {code, message, retryable, requestId}.
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "api/app.h"
#include "api/http.h"
#include "api/services.h"
#include "common/json.h"

// Names are never resolved here: webhook URL checks call getaddrinfo, and a fuzzer must
// not send DNS queries. Numeric hosts still resolve (AI_NUMERICHOST).
extern "C" int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                           struct addrinfo** res) {
  using Fn = int (*)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "getaddrinfo"));
  struct addrinfo h = hints ? *hints : addrinfo{};
  h.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
  return real(node, service, &h, res);
}

namespace {

using namespace goldset;

struct Fixture {
  std::string dir;
  std::unique_ptr<api::Services> svc;
  std::unique_ptr<api::App> app;
  std::string key;
  std::string extractor, classifier, splitter, set, item, file, endpoint;

  api::Response Send(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& content_type = "application/json") {
    api::Request req;
    req.method = method;
    req.target = target;
    if (!api::ParseTarget(target, &req).ok()) std::abort();
    req.headers["authorization"] = "Bearer " + key;
    req.headers["x-extend-api-version"] = "2026-02-09";
    req.headers["content-type"] = content_type;
    req.body = body;
    req.remote_address = "127.0.0.1";
    api::Admission a = app->Admit(req, "req_fuzz");
    if (a.reject) return *a.reject;
    return app->Handle(req, a, "req_fuzz");
  }
  // A request of the set-up that must succeed; returns its "id".
  std::string Create(const std::string& target, const std::string& body,
                     const std::string& content_type = "application/json") {
    api::Response r = Send("POST", target, body, content_type);
    auto v = ParseJson(r.body);
    if (r.status != 200 || !v.ok()) {
      std::fprintf(stderr, "fixture %s: %d %s\n", target.c_str(), r.status, r.body.c_str());
      std::abort();
    }
    return std::string(v->as_object().at("id").as_string());
  }
};

Fixture& Fx() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    char tmpl[] = "/tmp/goldset-fuzz-XXXXXX";
    fx->dir = mkdtemp(tmpl);
    std::atexit([] { std::filesystem::remove_all(Fx().dir); });
    api::ServerConfig config;
    config.data_dir = fx->dir;
    config.rate_get = config.rate_write = config.rate_run = 0;  // no 429s
    auto svc = api::OpenServices(config);
    if (!svc.ok()) std::abort();
    fx->svc = std::move(*svc);
    auto ws = fx->svc->tenancy->CreateOrganization("fuzz", "fuzz");
    fx->key = *fx->svc->tenancy->CreateKey(ws->organization_id, ws->id, "fuzz", nullptr);
    fx->app = std::make_unique<api::App>(*fx->svc);
    const std::string upload = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                               "Content-Type: text/plain\r\n\r\nInvoice No: INV-1\r\n--b--\r\n";
    fx->file = fx->Create("/files/upload", upload, "multipart/form-data; boundary=b");
    fx->extractor = fx->Create("/extractors", R"({"name":"x","config":{"schema":{"type":"object","properties":{
        "n":{"type":["string","null"]},"d":{"type":["string","null"],"format":"date"},
        "lines":{"type":"array","items":{"type":"object","properties":{"a":{"type":["number","null"]}}}}}}}})");
    fx->classifier = fx->Create("/classifiers", R"({"name":"c","config":{"classifications":[
        {"id":"a","type":"A","description":"a"},{"id":"b","type":"B","description":"b"}]}})");
    fx->splitter = fx->Create("/splitters", R"({"name":"s","config":{"splitClassifications":[
        {"id":"a","type":"A","description":"a"}]}})");
    fx->set = fx->Create("/evaluation_sets", R"({"name":"s","entityId":")" + fx->extractor + "\"}");
    api::Response items = fx->Send("POST", "/evaluation_sets/" + fx->set + "/items",
                                   R"({"items":[{"fileId":")" + fx->file + R"(","expectedOutput":{"value":{"n":"1"}}}]})");
    auto parsed = ParseJson(items.body);
    if (items.status != 200 || !parsed.ok()) std::abort();
    fx->item = std::string(parsed->as_object().at("evaluationSetItems").as_array().at(0).as_object().at("id").as_string());
    fx->endpoint = fx->Create("/webhook_endpoints", R"({"url":"https://93.184.216.34/hook","name":"w",
        "apiVersion":"2026-02-09","enabledEvents":["evaluation_set_run.processed"]})");
    return fx;
  }();
  return *f;
}

void CheckResponse(const api::Response& r, const std::string& target, const std::string& body) {
  if (r.status >= 500) {
    std::fprintf(stderr, "%s answered %d: %s\nbody: %s\n", target.c_str(), r.status, r.body.c_str(), body.c_str());
    std::abort();
  }
  if (r.status < 400) return;
  auto v = ParseJson(r.body);
  if (!v.ok() || !v->is_object()) std::abort();
  const json::object& o = v->as_object();
  const json::value *code = o.if_contains("code"), *message = o.if_contains("message"),
                    *retryable = o.if_contains("retryable"), *id = o.if_contains("requestId");
  if (!code || !code->is_string() || !message || !message->is_string() || !retryable || !retryable->is_bool() || !id ||
      id->as_string() != "req_fuzz")
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Fixture& f = Fx();
  const std::string targets[] = {
      "/extractors", "/classifiers", "/splitters", "/extractors/" + f.extractor,
      "/evaluation_sets", "/evaluation_sets/" + f.set + "/items", "/evaluation_sets/" + f.set + "/items/" + f.item,
      "/webhook_endpoints", "/webhook_endpoints/" + f.endpoint, "/webhook_subscriptions",
      "/evaluation_set_runs", "/extract_runs", "/classify_runs", "/split_runs",
  };
  const std::string& target = targets[data[0] % std::size(targets)];
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Seeds name the fixture's objects by placeholder ({{file}}, {{extractor}}, ...).
  const std::pair<const char*, const std::string*> ids[] = {
      {"{{file}}", &f.file}, {"{{extractor}}", &f.extractor}, {"{{classifier}}", &f.classifier},
      {"{{splitter}}", &f.splitter}, {"{{set}}", &f.set}, {"{{item}}", &f.item}, {"{{endpoint}}", &f.endpoint}};
  for (const auto& [token, id] : ids)
    for (size_t at = body.find(token); at != std::string::npos; at = body.find(token, at + id->size()))
      body.replace(at, std::strlen(token), *id);
  CheckResponse(f.Send("POST", target, body), target, body);
  return 0;
}
