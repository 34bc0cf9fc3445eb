#include "processors/rules_classify.h"

#include <cstdio>

#include "processors/doc_lines.h"
#include "processors/schema_util.h"
#include "processors/split_identifier.h"
#include "processors/tfidf.h"
#include "processors/value_convert.h"

namespace goldset::processors {

namespace {

struct Classes {
  std::vector<std::string> ids, types;
  std::vector<std::vector<std::string>> start_keywords;  // normalized
  std::vector<TfIdfClassifier::Profile> profiles;
};

StatusOr<Classes> ReadClasses(const json::object& config, std::string_view key) {
  const json::value* list = Find(config, key);
  if (!list || !list->is_array() || list->as_array().empty())
    return Status::Unprocessable("config." + std::string(key) + " must be a non-empty array");
  Classes c;
  for (const auto& v : list->as_array()) {
    if (!v.is_object()) return Status::Unprocessable("config." + std::string(key) + " entries must be objects");
    const json::object& o = v.as_object();
    std::string type = GetString(o, "type").value_or("");
    c.ids.push_back(GetString(o, "id").value_or(type));
    c.types.push_back(type);
    TfIdfClassifier::Profile p;
    p.text = type + " " + GetString(o, "description").value_or("");
    std::vector<std::string> starts;
    if (const json::object* r = XRules(o)) {
      if (const json::value* k = Find(*r, "keywords"); k && k->is_array())
        for (const auto& s : k->as_array())
          if (s.is_string()) p.keywords.emplace_back(s.as_string());
      if (const json::value* k = Find(*r, "startKeywords"); k && k->is_array())
        for (const auto& s : k->as_array())
          if (s.is_string() && !NormalizeKey(s.as_string()).empty()) {
            starts.push_back(NormalizeKey(s.as_string()));
            p.keywords.emplace_back(s.as_string());
          }
    }
    c.start_keywords.push_back(std::move(starts));
    c.profiles.push_back(std::move(p));
  }
  return c;
}

std::string Fixed(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

StatusOr<json::value> RulesClassify(const json::object& config, const parse::Document& doc) {
  auto classes = ReadClasses(config, "classifications");
  if (!classes.ok()) return classes.status();
  TfIdfClassifier clf(classes->profiles);
  std::vector<double> scores = clf.Scores(FullText(doc));
  size_t best = 0;
  double confidence = TfIdfClassifier::MarginConfidence(scores, &best);
  std::string why = "TF-IDF similarity " + Fixed(scores[best]) + " to '" + classes->types[best] + "'";
  return json::value(json::object{{"id", classes->ids[best]},
                                  {"type", classes->types[best]},
                                  {"confidence", confidence},
                                  {"insights", json::array{json::object{{"type", "reasoning"}, {"content", why}}}}});
}

StatusOr<json::value> RulesSplit(const json::object& config, const parse::Document& doc, const std::string& file_id) {
  auto classes = ReadClasses(config, "splitClassifications");
  if (!classes.ok()) return classes.status();
  TfIdfClassifier clf(classes->profiles);
  struct Run {
    size_t cls;
    int start, end;
    double score_sum;
  };
  std::vector<Run> runs;
  for (const auto& page : doc.pages) {
    std::vector<double> scores = clf.Scores(page.text);
    size_t cls = 0;
    double conf = TfIdfClassifier::MarginConfidence(scores, &cls);
    // A page that names a class's start keyword opens a document of that class.
    std::string norm = NormalizeKey(page.text);
    bool starts = false;
    for (size_t c = 0; c < classes->start_keywords.size() && !starts; ++c)
      for (const auto& k : classes->start_keywords[c])
        if (norm.find(k) != std::string::npos) {
          cls = c;
          starts = true;
          break;
        }
    // Pages without signal (blank, continuation) stay with the document before them.
    if (!starts && conf == 0 && !runs.empty()) cls = runs.back().cls;
    if (runs.empty() || starts || cls != runs.back().cls) {
      runs.push_back(Run{cls, page.number, page.number, 0});
    }
    runs.back().end = page.number;
    runs.back().score_sum += scores.empty() ? 0 : scores[cls];
  }
  const json::array& class_configs = Find(config, "splitClassifications")->as_array();
  json::array splits;
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& r = runs[i];
    const json::value& class_config = class_configs[r.cls];
    std::string identifier =
        class_config.is_object() ? SplitIdentifier(class_config.as_object(), doc, r.start, r.end) : "";
    int pages = r.end - r.start + 1;
    splits.push_back(json::object{
        {"type", classes->types[r.cls]},
        {"classificationId", classes->ids[r.cls]},
        {"startPage", r.start},
        {"endPage", r.end},
        {"identifier", std::move(identifier)},
        {"observation", "pages " + std::to_string(r.start) + "-" + std::to_string(r.end) + " match '" +
                            classes->types[r.cls] + "' (mean TF-IDF similarity " + Fixed(r.score_sum / pages) + ")"},
        {"id", "split_" + std::to_string(i + 1)},
        {"fileId", file_id}});
  }
  return json::value(json::object{{"splits", std::move(splits)}});
}

}  // namespace goldset::processors
