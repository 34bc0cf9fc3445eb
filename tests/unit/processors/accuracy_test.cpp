// Accuracy of the rules engine over a generated corpus (tests/tools/docgen): parse each
// generated file for real (text layer or OCR), run the processor, compare with the
// generator's expected output field by field after normalization.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "docgen_content.h"
#include "docgen_corpus.h"
#include "parse/parse.h"
#include "processors/processors.h"

namespace goldset::processors {
namespace {

using docgen::GeneratedDoc;

std::string Norm(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool Same(const json::value& want, const json::value& got) {
  if (want.is_number() && got.is_number()) return std::fabs(want.to_number<double>() - got.to_number<double>()) < 0.005;
  if (want.is_string() && got.is_string()) return Norm(want.as_string()) == Norm(got.as_string());
  if (want.is_object() && got.is_object()) {
    for (const auto& [k, v] : want.as_object()) {
      auto it = got.as_object().find(k);
      if (it == got.as_object().end() || !Same(v, it->value())) return false;
    }
    return true;
  }
  return want == got;
}

struct Score {
  int right = 0, total = 0;
  double Accuracy() const { return total ? double(right) / total : 0; }
};

int RowMatches(const json::value& want, const json::value& got) {
  int n = 0;
  for (const auto& [k, v] : want.as_object()) {
    auto it = got.as_object().find(k);
    n += it != got.as_object().end() && Same(v, it->value());
  }
  return n;
}

// Scalars and currency objects count once each. Array rows count per property: rows
// are aligned in order (dynamic programming, so one missed row does not shift every
// later one), and unmatched expected or extra rows count all their properties wrong.
void ScoreFields(const json::object& want, const json::object& got, Score* s, std::string* misses) {
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    const json::value& g = it == got.end() ? json::value(nullptr) : it->value();
    if (v.is_array()) {
      const json::array& w = v.as_array();
      const json::array empty;
      const json::array& a = g.is_array() ? g.as_array() : empty;
      const size_t props = w.empty() ? 0 : w[0].as_object().size();
      std::vector<std::vector<int>> best(w.size() + 1, std::vector<int>(a.size() + 1, 0));
      for (size_t i = 1; i <= w.size(); ++i)
        for (size_t j = 1; j <= a.size(); ++j)
          best[i][j] = std::max({best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + RowMatches(w[i - 1], a[j - 1])});
      int right = best[w.size()][a.size()];
      int total = static_cast<int>(props * std::max(w.size(), a.size()));
      s->right += right;
      s->total += total;
      if (right != total)
        *misses += " " + std::string(k) + ": " + std::to_string(total - right) + " of " + std::to_string(total) +
                   " row fields wrong (" + std::to_string(w.size()) + " rows expected, " + std::to_string(a.size()) +
                   " found);";
      continue;
    }
    ++s->total;
    if (Same(v, g)) ++s->right;
    else *misses += " " + std::string(k) + ": want " + ToJson(v) + " got " + ToJson(g) + ";";
  }
}

StatusOr<json::value> RunOn(Kind kind, const json::object& config, const GeneratedDoc& d) {
  auto doc = parse::ParseDocument(d.bytes, d.file_type, {});
  if (!doc.ok()) return doc.status();
  static const EnginePolicy kPolicy;
  return RunProcessor(kind, config, *doc, FileRef{"file_" + d.name, d.name, d.file_type, ""},
                      EngineContext{.policy = &kPolicy});
}

double ExtractionAccuracy(const std::vector<GeneratedDoc>& docs, const char* label) {
  json::object config = docgen::ExtractorConfig();
  EXPECT_TRUE(ValidateEngineConfig(Kind::kExtractor, config, EnginePolicy()).ok());
  Score s;
  for (const auto& d : docs) {
    auto out = RunOn(Kind::kExtractor, config, d);
    EXPECT_TRUE(out.ok()) << d.name << ": " << out.status().ToString();
    if (!out.ok()) continue;
    std::string misses;
    ScoreFields(d.expected.at("value").as_object(), out->at("value").as_object(), &s, &misses);
    if (!misses.empty()) std::cout << "  " << label << " " << d.name << ":" << misses << "\n";
  }
  std::cout << label << " field accuracy: " << s.right << "/" << s.total << " = " << s.Accuracy() << "\n";
  ::testing::Test::RecordProperty(std::string(label) + "_accuracy", std::to_string(s.Accuracy()));
  return s.Accuracy();
}

TEST(RulesAccuracy, ExtractionOnTextPdfs) {
  EXPECT_GE(ExtractionAccuracy(docgen::TextInvoiceSet(20, 101), "text-pdf"), 0.95);
}

TEST(RulesAccuracy, ExtractionOnScans) {
  EXPECT_GE(ExtractionAccuracy(docgen::ScanInvoiceSet(9, 202), "scanned"), 0.85);
}

TEST(RulesAccuracy, Classifier) {
  json::object config = docgen::ClassifierConfig();
  Score s;
  for (const auto& d : docgen::ClassifySet(15, 303)) {
    auto out = RunOn(Kind::kClassifier, config, d);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ++s.total;
    if (out->at("id") == d.expected.at("id") && out->at("type") == d.expected.at("type")) ++s.right;
    else std::cout << "  classify " << d.name << ": got " << ToJson(out->at("id")) << "\n";
    EXPECT_GE(out->at("confidence").as_double(), 0.0);
    EXPECT_LE(out->at("confidence").as_double(), 1.0);
  }
  std::cout << "classifier accuracy: " << s.right << "/" << s.total << " = " << s.Accuracy() << "\n";
  RecordProperty("classifier_accuracy", std::to_string(s.Accuracy()));
  EXPECT_GE(s.Accuracy(), 0.9);
}

TEST(RulesAccuracy, Splitter) {
  json::object config = docgen::SplitterConfig();
  Score packets, splits;
  for (const auto& d : docgen::SplitSet(8, 404, 4)) {
    auto out = RunOn(Kind::kSplitter, config, d);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const json::array& want = d.expected.at("splits").as_array();
    const json::array& got = out->at("splits").as_array();
    bool all = want.size() == got.size();
    for (const auto& w : want) {
      ++splits.total;
      bool found = false;
      for (const auto& g : got)
        found |= g.at("classificationId") == w.at("classificationId") && g.at("startPage") == w.at("startPage") &&
                 g.at("endPage") == w.at("endPage");
      splits.right += found;
      all &= found;
    }
    ++packets.total;
    packets.right += all;
    if (!all) std::cout << "  split " << d.name << ": want " << ToJson(d.expected) << " got " << ToJson(*out) << "\n";
  }
  std::cout << "splitter: packets exact " << packets.Accuracy() << ", splits found " << splits.right << "/"
            << splits.total << " = " << splits.Accuracy() << "\n";
  RecordProperty("splitter_split_accuracy", std::to_string(splits.Accuracy()));
  EXPECT_GE(splits.Accuracy(), 0.85);
  EXPECT_GE(packets.Accuracy(), 0.75);
}

}  // namespace
}  // namespace goldset::processors
