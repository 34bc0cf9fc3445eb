#include "processors/llm_engine.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>

#include "processors/llm_logprobs.h"
#include "processors/output_shape.h"
#include "processors/remote_call.h"
#include "processors/schema_util.h"
#include "processors/value_convert.h"

namespace goldset::processors {

namespace {

constexpr double kLlmPrior = 0.8;

struct Classes {
  std::vector<std::string> ids, types;
};

Classes ReadClasses(const json::object& config, std::string_view key) {
  Classes c;
  if (const json::value* l = Find(config, key); l && l->is_array())
    for (const auto& v : l->as_array())
      if (v.is_object()) {
        std::string type = GetString(v.as_object(), "type").value_or("");
        c.types.push_back(type);
        c.ids.push_back(GetString(v.as_object(), "id").value_or(type));
      }
  return c;
}

json::array StringArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

json::object ResponseSchema(Kind kind, const json::object& config) {
  switch (kind) {
    case Kind::kExtractor: {
      const json::value* s = Find(config, "schema");
      return s && s->is_object() ? StripExtensions(*s).as_object() : json::object{{"type", "object"}};
    }
    case Kind::kClassifier: {
      Classes c = ReadClasses(config, "classifications");
      return json::object{
          {"type", "object"},
          {"properties", json::object{{"type", json::object{{"type", "string"}, {"enum", StringArray(c.types)}}}}},
          {"required", json::array{"type"}},
          {"additionalProperties", false}};
    }
    case Kind::kSplitter: {
      Classes c = ReadClasses(config, "splitClassifications");
      json::object item{
          {"type", "object"},
          {"properties", json::object{{"type", json::object{{"type", "string"}, {"enum", StringArray(c.types)}}},
                                      {"startPage", json::object{{"type", "integer"}}},
                                      {"endPage", json::object{{"type", "integer"}}}}},
          {"required", json::array{"type", "startPage", "endPage"}},
          {"additionalProperties", false}};
      return json::object{
          {"type", "object"},
          {"properties", json::object{{"splits", json::object{{"type", "array"}, {"items", std::move(item)}}}}},
          {"required", json::array{"splits"}},
          {"additionalProperties", false}};
    }
  }
  return {};
}

std::string SystemPrompt(Kind kind, const json::object& config) {
  std::string p;
  switch (kind) {
    case Kind::kExtractor:
      p = "Extract the fields of the JSON schema from the document. Use null for values the "
          "document does not contain. Dates as YYYY-MM-DD; currency amounts as numbers with "
          "ISO 4217 codes.";
      if (auto r = GetString(config, "extractionRules")) p += "\nRules:\n" + *r;
      break;
    case Kind::kClassifier: {
      p = "Classify the document as exactly one of these types:\n";
      if (const json::value* l = Find(config, "classifications"); l && l->is_array())
        for (const auto& v : l->as_array())
          if (v.is_object())
            p += "- " + GetString(v.as_object(), "type").value_or("") + ": " +
                 GetString(v.as_object(), "description").value_or("") + "\n";
      if (auto r = GetString(config, "classificationRules")) p += "Rules:\n" + *r;
      break;
    }
    case Kind::kSplitter: {
      p = "The document is a packet of several documents. List its sub-documents in page "
          "order as splits with 1-based inclusive startPage and endPage, each of one type:\n";
      if (const json::value* l = Find(config, "splitClassifications"); l && l->is_array())
        for (const auto& v : l->as_array())
          if (v.is_object())
            p += "- " + GetString(v.as_object(), "type").value_or("") + ": " +
                 GetString(v.as_object(), "description").value_or("") + "\n";
      if (auto r = GetString(config, "splitRules")) p += "Rules:\n" + *r;
      break;
    }
  }
  return p;
}

// Per metadata path: the tokens behind the value the output shows, and whether a chunk's
// non-null value has decided it.
using PathLogprobs = std::map<std::string, std::pair<TokenLogprobs, bool>>;

json::object MetadataFor(const std::string& prefix, const json::value& v, json::object* meta,
                         const PathLogprobs* logprobs) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.as_object()) {
      std::string path = prefix.empty() ? std::string(k) : prefix + "." + std::string(k);
      const bool is_currency = x.is_object() && x.as_object().contains("amount");
      if (x.is_object() && !is_currency) {
        MetadataFor(path, x, meta, logprobs);
        continue;
      }
      json::object m{{"confidence", x.is_null() ? 0.0 : kLlmPrior}, {"citations", json::array{}}};
      if (logprobs) {
        auto it = logprobs->find(path);
        if (it != logprobs->end() && it->second.first.tokens > 0) {
          const TokenLogprobs& t = it->second.first;
          m["logprobsConfidence"] = std::exp(t.sum / static_cast<double>(t.tokens));
        }
      }
      (*meta)[path] = std::move(m);
    }
  }
  return *meta;
}

// Adds one chunk's token log-probabilities the way MergeExtracted merges its answer: a
// value's come from the first chunk with a non-null value (until then, a null's), an
// array's from every chunk that contributed elements.
void MergeLogprobs(const std::string& prefix, const json::value& answer, const std::map<std::string, TokenLogprobs>& lp,
                   PathLogprobs* merged) {
  if (!answer.is_object()) return;
  for (const auto& [k, x] : answer.as_object()) {
    std::string path = prefix.empty() ? std::string(k) : prefix + "." + std::string(k);
    if (x.is_object() && !x.as_object().contains("amount")) {
      MergeLogprobs(path, x, lp, merged);
      continue;
    }
    auto found = lp.find(path);
    if (found == lp.end()) continue;
    auto& [acc, decided] = (*merged)[path];
    if (x.is_array()) {
      if (!decided) acc = {};
      acc.sum += found->second.sum;
      acc.tokens += found->second.tokens;
      decided = true;
    } else if (!decided) {
      if (!x.is_null()) {
        acc = found->second;
        decided = true;
      } else if (acc.tokens == 0) {
        acc = found->second;
      }
    }
  }
}

std::string IdForType(const Classes& c, const std::string& type, std::string* canonical_type) {
  for (size_t i = 0; i < c.types.size(); ++i)
    if (c.types[i] == type) {
      *canonical_type = c.types[i];
      return c.ids[i];
    }
  if (auto o = ClosestOption(type, c.types)) {
    for (size_t i = 0; i < c.types.size(); ++i)
      if (c.types[i] == *o) {
        *canonical_type = c.types[i];
        return c.ids[i];
      }
  }
  return "";
}

// Some servers ignore response_format and wrap the JSON in a Markdown code fence.
std::string_view StripCodeFence(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.substr(0, 3) != "```" || s.size() < 6 || s.substr(s.size() - 3) != "```") return s;
  size_t nl = s.find('\n');
  if (nl == std::string_view::npos) return s;
  return s.substr(nl + 1, s.size() - 3 - (nl + 1));
}

}  // namespace

std::vector<TextChunk> ChunkPages(const parse::Document& doc, size_t max_chars) {
  std::vector<TextChunk> chunks;
  max_chars = std::max<size_t>(max_chars, 100);
  for (const auto& p : doc.pages) {
    std::string block = "--- Page " + std::to_string(p.number) + " ---\n" + p.text + "\n";
    if (block.size() > max_chars) block.resize(max_chars);
    if (chunks.empty() || chunks.back().text.size() + block.size() > max_chars)
      chunks.push_back(TextChunk{p.number, p.number, ""});
    chunks.back().text += block;
    chunks.back().last_page = p.number;
  }
  if (chunks.empty()) chunks.push_back(TextChunk{1, 1, ""});
  return chunks;
}

json::value MergeExtracted(const json::value& a, const json::value& b) {
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  if (a.is_array() && b.is_array()) {
    json::array out = a.as_array();
    for (const auto& x : b.as_array()) out.push_back(x);
    return out;
  }
  if (a.is_object() && b.is_object()) {
    json::object out = a.as_object();
    for (const auto& [k, v] : b.as_object()) {
      auto it = out.find(k);
      out[k] = it == out.end() ? v : MergeExtracted(it->value(), v);
    }
    return out;
  }
  return a;
}

StatusOr<json::value> RunLlmEngine(Kind kind, const json::object& config, const parse::Document& doc,
                                   const FileRef& file, const EngineContext& ctx) {
  const json::object& engine = config.at("engine").as_object();
  std::string base = GetString(engine, "baseUrl").value_or("");
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string url = base + "/chat/completions";
  const std::string model = GetString(engine, "model").value_or("");
  int timeout_ms = ctx.http_timeout_ms;
  if (const json::value* t = Find(engine, "timeoutMs"); t && t->is_number()) timeout_ms = t->to_number<int>();
  if (!ctx.policy) return Status::Internal("llm engine: no engine policy configured");
  size_t max_chars = 100000;
  if (const json::value* m = Find(engine, "maxInputChars"); m && m->is_number())
    max_chars =
        m->is_uint64() ? SIZE_MAX : static_cast<size_t>(std::max<int64_t>(kMinLlmInputChars, m->to_number<int64_t>()));
  std::vector<std::pair<std::string, std::string>> headers;
  if (auto env = GetString(engine, "apiKeyEnv")) {
    // Allowed and set, or one message for both failures (F1: no existence oracle).
    auto key = ReadApiKey(*env, ctx.policy->key_env_allow);
    if (!key.ok()) return key.status();
    headers.emplace_back("Authorization", "Bearer " + *key);
  }

  const json::object schema = ResponseSchema(kind, config);
  const std::string system = SystemPrompt(kind, config);
  std::vector<TextChunk> chunks = ChunkPages(doc, max_chars);
  if (kind == Kind::kClassifier) chunks.resize(1);
  // Checked before the first call: a document is answered whole or not at all, and the
  // server never sends a third party more requests per item than the operator allows.
  if (chunks.size() > static_cast<size_t>(std::max(1, ctx.policy->max_llm_calls_per_item)))
    return Status::Unprocessable(
        "the document needs " + std::to_string(chunks.size()) + " llm engine calls of at most " +
        std::to_string(max_chars) + " characters each; this server allows at most " +
        std::to_string(ctx.policy->max_llm_calls_per_item) +
        " per item (--llm-max-calls-per-item). Raise engine.maxInputChars or split the document");
  json::value merged = nullptr;
  json::array splits;
  // Tokens the endpoint reports (OpenAI's usage.prompt_tokens / completion_tokens).
  int64_t prompt_tokens = 0, completion_tokens = 0;
  bool reported = false;
  // Extraction asks for token log-probabilities (logprobsConfidence per field); an
  // endpoint that does not return them leaves the fields without one. One chunk without
  // them leaves the whole output without, rather than half-measured.
  PathLogprobs logprobs;
  bool logprobs_complete = kind == Kind::kExtractor;
  for (const TextChunk& chunk : chunks) {
    json::object req{
        {"model", model},
        {"temperature", 0},
        {"messages", json::array{json::object{{"role", "system"}, {"content", system}},
                                 json::object{{"role", "user"}, {"content", chunk.text}}}},
        {"response_format", json::object{{"type", "json_schema"},
                                         {"json_schema", json::object{{"name", std::string(KindName(kind)) + "_output"},
                                                                      {"strict", true},
                                                                      {"schema", schema}}}}}};
    if (kind == Kind::kExtractor) req["logprobs"] = true;
    auto resp = PostWithRetries("llm engine", url, ToJson(req), headers, timeout_ms, ctx);
    if (!resp.ok()) return resp.status();
    auto body = ParseJson(resp->body);
    if (!body.ok())
      return Status::Unprocessable("llm engine returned a body that is not JSON: " + body.status().message());
    const json::value* content = nullptr;
    const json::value* token_logprobs = nullptr;  // choices[0].logprobs.content
    if (body->is_object())
      if (const json::value* ch = Find(body->as_object(), "choices"); ch && ch->is_array() && !ch->as_array().empty())
        if (const json::value& c0 = ch->as_array()[0]; c0.is_object()) {
          if (const json::value* m = Find(c0.as_object(), "message"); m && m->is_object())
            content = Find(m->as_object(), "content");
          if (const json::value* lp = Find(c0.as_object(), "logprobs"); lp && lp->is_object())
            token_logprobs = Find(lp->as_object(), "content");
        }
    if (!content || !content->is_string())
      return Status::Unprocessable("llm engine response has no choices[0].message.content string");
    if (const json::value* u = Find(body->as_object(), "usage"); u && u->is_object()) {
      for (auto [key, sum] : {std::pair{"prompt_tokens", &prompt_tokens}, {"completion_tokens", &completion_tokens}}) {
        const json::value* n = Find(u->as_object(), key);
        if (n && (n->is_int64() || n->is_uint64()) && n->to_number<double>() >= 0 && n->to_number<double>() < 1e12) {
          *sum += n->to_number<int64_t>();
          reported = true;
        }
      }
    }
    const std::string_view content_text = content->as_string();
    const std::string_view json_text = StripCodeFence(content_text);
    auto answer = ParseJson(json_text);
    if (!answer.ok() || !answer->is_object())
      return Status::Unprocessable("llm engine's message content is not a JSON object");
    if (kind == Kind::kExtractor) {
      std::optional<std::map<std::string, TokenLogprobs>> lp;
      if (logprobs_complete && token_logprobs) lp = FieldTokenLogprobs(content_text, json_text, *token_logprobs);
      if (lp) MergeLogprobs("", *answer, *lp, &logprobs);
      else logprobs_complete = false;
      merged = MergeExtracted(merged, *answer);
    } else if (kind == Kind::kClassifier) {
      merged = *answer;
    } else if (const json::value* s = Find(answer->as_object(), "splits"); s && s->is_array()) {
      for (const auto& x : s->as_array()) splits.push_back(x);
    } else {
      return Status::Unprocessable("llm engine's answer has no 'splits' array");
    }
  }

  // usage (an extension of the output): tokens, calls, and cost under engine.pricing.
  json::object usage{{"calls", static_cast<int64_t>(chunks.size())}};
  if (reported) {
    usage["promptTokens"] = prompt_tokens;
    usage["completionTokens"] = completion_tokens;
    if (const json::value* pr = Find(engine, "pricing"); pr && pr->is_object()) {
      const json::object& p = pr->as_object();
      usage["cost"] = (static_cast<double>(prompt_tokens) * p.at("promptPer1M").to_number<double>() +
                       static_cast<double>(completion_tokens) * p.at("completionPer1M").to_number<double>()) /
                      1e6;
      if (auto cur = GetString(p, "currency")) usage["currency"] = *cur;
    }
  }
  switch (kind) {
    case Kind::kExtractor: {
      json::object meta;
      MetadataFor("", merged, &meta, logprobs_complete ? &logprobs : nullptr);
      return NormalizeOutput(
          kind, json::object{{"value", merged}, {"metadata", std::move(meta)}, {"usage", std::move(usage)}}, file.id);
    }
    case Kind::kClassifier: {
      Classes c = ReadClasses(config, "classifications");
      std::string type = GetString(merged.as_object(), "type").value_or("");
      std::string canonical;
      std::string id = IdForType(c, type, &canonical);
      if (id.empty())
        return Status::Unprocessable("llm engine answered type '" + type + "', which is not a classification");
      return json::value(
          json::object{{"id", id}, {"type", canonical}, {"confidence", kLlmPrior}, {"insights", json::array{}}});
    }
    case Kind::kSplitter: {
      Classes c = ReadClasses(config, "splitClassifications");
      json::array out;
      for (auto& s : splits) {
        if (!s.is_object()) return Status::Unprocessable("llm engine returned a split that is not an object");
        json::object so = s.as_object();
        std::string type = GetString(so, "type").value_or(""), canonical;
        std::string id = IdForType(c, type, &canonical);
        if (id.empty())
          return Status::Unprocessable("llm engine answered split type '" + type +
                                       "', which is not a split classification");
        so["type"] = canonical;
        so["classificationId"] = id;
        out.push_back(std::move(so));
      }
      auto norm = NormalizeOutput(kind, json::object{{"splits", std::move(out)}}, file.id);
      if (!norm.ok())
        return Status::Unprocessable("llm engine returned splits that are not a SplitOutput: " +
                                     norm.status().message());
      return norm;
    }
  }
  return Status::Internal("unknown kind");
}

}  // namespace goldset::processors
