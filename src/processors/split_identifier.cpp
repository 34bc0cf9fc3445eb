#include "processors/split_identifier.h"

#include <cctype>

#include <re2/re2.h>

#include "processors/rules_extract.h"
#include "processors/schema_util.h"

namespace goldset::processors {

namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// "The invoice number" -> "invoice number": the key as a label the rules engine looks for.
std::string KeyLabel(std::string key) {
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  key = Trim(key);
  if (key.rfind("the ", 0) == 0) key = Trim(key.substr(4));
  return key;
}

}  // namespace

std::string SplitIdentifier(const json::object& classification, const parse::Document& doc, int start_page,
                            int end_page) {
  json::array labels, patterns;
  if (const json::object* rules = XRules(classification))
    if (const json::value* id = Find(*rules, "identifier"); id && id->is_object()) {
      if (const json::value* l = Find(id->as_object(), "labels"); l && l->is_array()) labels = l->as_array();
      if (const json::value* p = Find(id->as_object(), "patterns"); p && p->is_array()) patterns = p->as_array();
    }
  std::string key = KeyLabel(GetString(classification, "identifierKey").value_or(""));
  if (!key.empty()) {
    // "invoice number" also reads "Invoice No. INV-1", "Invoice # INV-1", "Invoice Nr: INV-1":
    // the key's leading words, then any number word, on one line.
    size_t sp = key.rfind(' ');
    std::string last = sp == std::string::npos ? "" : key.substr(sp + 1);
    if (last == "number" || last == "no" || last == "no." || last == "id" || last == "#") {
      std::string re = "(?i)(?:^|[^A-Za-z0-9])";
      std::string stem = key.substr(0, sp);
      for (size_t i = 0; i < stem.size(); ++i)
        re += std::isspace(static_cast<unsigned char>(stem[i])) ? std::string("[ \t]+")
                                                                : RE2::QuoteMeta(stem.substr(i, 1));
      re += "[ \t]*(?:number|num\\.?|no\\.?|nr\\.?|#|id)[ \t]*[:#.\\-]?[ \t]*([A-Za-z0-9][A-Za-z0-9/._-]*)";
      patterns.push_back(json::value(re));
    }
    labels.push_back(json::value(key));
  }
  if (labels.empty() && patterns.empty()) return "";
  json::object hints{{"labels", std::move(labels)}};
  if (!patterns.empty()) hints["patterns"] = std::move(patterns);
  json::object field{{"type", json::array{"string", "null"}}, {"x-rules", std::move(hints)}};
  json::object schema{{"type", "object"}, {"properties", json::object{{"identifier", std::move(field)}}}};
  json::object config{{"schema", std::move(schema)}};
  parse::Document pages;
  for (const parse::Page& p : doc.pages)
    if (p.number >= start_page && p.number <= end_page) pages.pages.push_back(p);
  auto out = RulesExtract(config, pages);
  if (!out.ok() || !out->is_object()) return "";
  const json::value* value = Find(out->as_object(), "value");
  if (!value || !value->is_object()) return "";
  const json::value* id = Find(value->as_object(), "identifier");
  return id && id->is_string() ? std::string(id->as_string()) : "";
}

}  // namespace goldset::processors
