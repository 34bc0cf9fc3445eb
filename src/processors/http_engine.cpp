#include "processors/http_engine.h"

#include "processors/output_shape.h"
#include "processors/remote_call.h"

namespace goldset::processors {

StatusOr<json::value> RunHttpEngine(Kind kind, const json::object& config, const parse::Document& doc,
                                    const FileRef& file, const EngineContext& ctx) {
  const json::object& engine = config.at("engine").as_object();
  std::string url = GetString(engine, "url").value_or("");
  int timeout_ms = ctx.http_timeout_ms;
  if (const json::value* t = Find(engine, "timeoutMs"); t && t->is_number()) timeout_ms = t->to_number<int>();
  std::vector<std::pair<std::string, std::string>> headers;
  if (const json::value* h = Find(engine, "headers"); h && h->is_object())
    for (const auto& [k, v] : h->as_object())
      if (v.is_string()) headers.emplace_back(std::string(k), std::string(v.as_string()));

  json::array pages;
  for (const auto& p : doc.pages) pages.push_back(json::object{{"number", p.number}, {"text", p.text}});
  json::object body{
      {"kind", KindName(kind)},
      {"file", json::object{{"id", file.id}, {"name", file.name}, {"type", file.type}, {"url", file.url}}},
      {"document", json::object{{"pages", std::move(pages)}}},
      {"config", config}};
  auto resp = PostWithRetries("http engine", url, ToJson(body), headers, timeout_ms, ctx);
  if (!resp.ok()) return resp.status();
  const std::string prefix = "http engine returned " + std::to_string(resp->status) + " with a body that is not a" +
                             (kind == Kind::kExtractor ? "n " : " ") + OutputTypeName(kind) + ": ";
  auto parsed = ParseJson(resp->body);
  if (!parsed.ok()) return Status::Unprocessable(prefix + parsed.status().message());
  auto out = NormalizeOutput(kind, *parsed, file.id);
  if (!out.ok()) return Status::Unprocessable(prefix + out.status().message());
  return out;
}

}  // namespace goldset::processors
