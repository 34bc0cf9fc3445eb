// The rules splitter's `identifier`: the value the split classification's identifierKey
// names, read from the split's own pages.
#include "processors/split_identifier.h"

#include <gtest/gtest.h>

#include "processors/rules_classify.h"
#include "processors/processors.h"

namespace goldset::processors {
namespace {

parse::Document Pages(std::vector<std::string> texts) {
  parse::Document d;
  int n = 0;
  for (auto& t : texts) {
    parse::Page p;
    p.number = ++n;
    p.text = std::move(t);
    d.pages.push_back(std::move(p));
  }
  return d;
}

json::object SplitConfig() {
  return json::parse(R"js({"splitClassifications": [
      {"id": "invoice", "type": "Invoice", "description": "invoice bill amount due",
       "identifierKey": "the invoice number", "x-rules": {"startKeywords": ["invoice"]}},
      {"id": "receipt", "type": "Receipt", "description": "receipt paid thank you",
       "x-rules": {"startKeywords": ["receipt"], "identifier": {"patterns": ["Ref\\s+(R-[0-9]+)"]}}},
      {"id": "other", "type": "Other", "description": "other"}]})js")
      .as_object();
}

TEST(SplitIdentifier, ReadsTheKeyedValueFromTheSplitsOwnPages) {
  json::object config = SplitConfig();
  const json::object& invoice = config["splitClassifications"].as_array()[0].as_object();
  auto doc = Pages({"INVOICE\nInvoice No: INV-1001\nAmount due 5.00", "continued", "INVOICE\nInvoice # INV-2002"});
  EXPECT_EQ(SplitIdentifier(invoice, doc, 1, 2), "INV-1001");
  EXPECT_EQ(SplitIdentifier(invoice, doc, 3, 3), "INV-2002");
  // Page 2 alone carries no number: nothing is borrowed from the pages around it.
  EXPECT_EQ(SplitIdentifier(invoice, doc, 2, 2), "");
}

TEST(SplitIdentifier, PatternsFromXRulesAndNoKeyGivesEmpty) {
  json::object config = SplitConfig();
  const auto& classes = config["splitClassifications"].as_array();
  auto doc = Pages({"RECEIPT  Ref R-77  thank you"});
  EXPECT_EQ(SplitIdentifier(classes[1].as_object(), doc, 1, 1), "R-77");
  EXPECT_EQ(SplitIdentifier(classes[2].as_object(), doc, 1, 1), "");
}

TEST(SplitIdentifier, RulesSplitFillsIdentifierPerSplit) {
  auto doc = Pages({"INVOICE\nInvoice Number: INV-1001\nAmount due", "RECEIPT Ref R-9 paid thank you",
                    "INVOICE\nInvoice No. INV-3003\nbill"});
  auto out = RulesSplit(SplitConfig(), doc, "file_x");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto& splits = out->as_object().at("splits").as_array();
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(splits[0].as_object().at("identifier").as_string(), "INV-1001");
  EXPECT_EQ(splits[1].as_object().at("identifier").as_string(), "R-9");
  EXPECT_EQ(splits[2].as_object().at("identifier").as_string(), "INV-3003");
}

TEST(SplitIdentifier, BadIdentifierHintsAreRefusedWhenTheConfigIsWritten) {
  auto config = json::parse(R"js({"splitClassifications": [{"id": "a", "type": "A",
      "x-rules": {"identifier": {"patterns": ["no group"]}}}]})js")
                    .as_object();
  Status st = ValidateEngineConfig(Kind::kSplitter, config, EnginePolicy());
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("identifier.patterns[0]"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace goldset::processors
