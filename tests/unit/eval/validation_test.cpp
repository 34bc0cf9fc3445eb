// ValidateExtractorSchema / ValidateExpectedOutput / ValidateOptions / configs, with paths.
#include <gtest/gtest.h>

#include "eval/dates.h"
#include "eval/eval.h"
#include "eval/values.h"

namespace goldset::eval {
namespace {

json::object Config(const char* schema_json) { return json::object{{"schema", json::parse(schema_json)}}; }

const char* kInvoice = R"({"type":"object","properties":{
  "invoice_number":{"type":["string","null"]},
  "total":{"type":["number","null"]},
  "issued":{"type":["string","null"],"format":"date","x-rules":{"dateOrder":"DMY"}},
  "vendor":{"type":"object","properties":{"name":{"type":["string","null"]}}},
  "line_items":{"type":"array","items":{"type":"object","properties":{
     "description":{"type":["string","null"]},"amount":{"type":["number","null"]}}}},
  "status":{"type":["string","null"],"enum":["paid","unpaid",null]}},
  "required":["invoice_number"]})";

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(Schema, AcceptsTheSubset) { EXPECT_TRUE(ValidateExtractorSchema(json::parse(kInvoice)).ok()); }

TEST(Schema, ErrorsNamePaths) {
  struct Case {
    const char* schema;
    const char* path;
  } cases[] = {
      {R"({"type":"array","items":{"type":"string"}})", "; Path: schema.type"},
      {R"({"type":"object","properties":{"total":{"type":"money"}}})", "; Path: schema.properties.total.type"},
      {R"({"type":"object","properties":{"total":{}}})", "; Path: schema.properties.total.type"},
      {R"({"type":"object","properties":{"a":{"type":["string","number"]}}})", "; Path: schema.properties.a.type"},
      {R"({"type":"object","properties":{"a b":{"type":"string"}}})", "; Path: schema.properties.a b"},
      {R"({"type":"object","properties":{"l":{"type":"array"}}})", "; Path: schema.properties.l.items"},
      {R"({"type":"object","properties":{"l":{"type":"array","items":{"type":"object","properties":{"x":{"type":7}}}}}})",
       "; Path: schema.properties.l.items.properties.x.type"},
      {R"({"type":"object","properties":{"e":{"type":"string","enum":[1]}}})", "; Path: schema.properties.e.enum[0]"},
      {R"({"type":"object","properties":{"d":{"type":"string","x-rules":{"dateOrder":"DDMM"}}}})",
       "; Path: schema.properties.d.x-rules.dateOrder"},
      {R"({"type":"object","properties":{},"required":["x"]})", "; Path: schema.required[0]"},
  };
  for (const auto& c : cases) {
    Status st = ValidateExtractorSchema(json::parse(c.schema));
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << c.schema;
    EXPECT_TRUE(EndsWith(st.message(), c.path)) << st.message() << " vs " << c.path;
  }
}

TEST(Schema, FieldPathsFlattenObjectsAndColumns) {
  std::vector<std::string> want = {"invoice_number",      "total",      "issued",
                                   "vendor.name",         "line_items", "line_items[].description",
                                   "line_items[].amount", "status"};
  EXPECT_EQ(FieldPaths(Config(kInvoice)), want);
}

TEST(ExpectedOutput, ExtractErrorsArePathedAndUnprocessable) {
  json::object cfg = Config(kInvoice);
  struct Case {
    const char* expected;
    const char* path;
  } cases[] = {
      {R"({"value":{"line_items":[{"amount":1},{"amount":2},{"amount":"x"}]}})",
       "Path: expectedOutput.value.line_items[2].amount"},
      {R"({"value":{"bogus":1}})", "Path: expectedOutput.value.bogus"},
      {R"({"value":{"total":"abc"}})", "Path: expectedOutput.value.total"},
      {R"({"value":{"issued":"not a date"}})", "Path: expectedOutput.value.issued"},
      {R"({"value":{"vendor":{"name":5}}})", "Path: expectedOutput.value.vendor.name"},
      {R"({"value":{"status":"overdue"}})", "Path: expectedOutput.value.status"},
      {R"({"invoice_number":"x"})", "Path: expectedOutput.value"},
  };
  for (const auto& c : cases) {
    Status st = ValidateExpectedOutput(Kind::kExtractor, cfg, json::parse(c.expected), std::nullopt);
    EXPECT_EQ(st.code(), Status::Code::kUnprocessable) << c.expected;
    EXPECT_TRUE(EndsWith(st.message(), c.path)) << st.message();
  }
  EXPECT_TRUE(
      ValidateExpectedOutput(Kind::kExtractor, cfg,
                             json::parse(R"({"value":{"invoice_number":null,"total":"1,234.50","issued":"31.12.2024",
                                       "vendor":{"name":"Acme"},"line_items":[],"status":"paid"}})"),
                             std::nullopt)
          .ok());
}

TEST(ExpectedOutput, ClassifierAndSplitter) {
  json::object cls = json::parse(R"({"classifications":[{"id":"inv","type":"Invoice","description":""},
                                                        {"id":"rec","type":"Receipt","description":""}]})")
                         .as_object();
  EXPECT_TRUE(ValidateClassifyConfig(cls).ok());
  EXPECT_TRUE(ValidateExpectedOutput(Kind::kClassifier, cls, json::parse(R"({"id":"inv","type":"Invoice"})"), {}).ok());
  Status st = ValidateExpectedOutput(Kind::kClassifier, cls, json::parse(R"({"id":"inv","type":"Receipt"})"), {});
  EXPECT_TRUE(EndsWith(st.message(), "Path: expectedOutput.type")) << st.message();
  st = ValidateExpectedOutput(Kind::kClassifier, cls, json::parse(R"({"id":"nope","type":"Invoice"})"), {});
  EXPECT_TRUE(EndsWith(st.message(), "Path: expectedOutput.id")) << st.message();

  json::object spl =
      json::parse(
          R"({"splitClassifications":[{"id":"inv","type":"Invoice","description":"","identifierKey":"number"}]})")
          .as_object();
  EXPECT_TRUE(ValidateSplitConfig(spl).ok());
  auto split = [&](const char* s, std::optional<int> pages) {
    return ValidateExpectedOutput(Kind::kSplitter, spl, json::parse(s), pages);
  };
  EXPECT_TRUE(split(R"({"splits":[{"classificationId":"inv","type":"Invoice","startPage":1,"endPage":2}]})", 2).ok());
  EXPECT_TRUE(EndsWith(
      split(R"({"splits":[{"classificationId":"inv","type":"Invoice","startPage":3,"endPage":2}]})", {}).message(),
      "Path: expectedOutput.splits[0].startPage"));
  EXPECT_TRUE(EndsWith(
      split(R"({"splits":[{"classificationId":"inv","type":"Invoice","startPage":1,"endPage":5}]})", 4).message(),
      "Path: expectedOutput.splits[0].endPage"));
  EXPECT_TRUE(EndsWith(
      split(R"({"splits":[{"classificationId":"inv","type":"Invoice","startPage":0,"endPage":1}]})", {}).message(),
      "Path: expectedOutput.splits[0].startPage"));
  EXPECT_TRUE(EndsWith(
      split(R"({"splits":[{"classificationId":"x","type":"Invoice","startPage":1,"endPage":1}]})", {}).message(),
      "Path: expectedOutput.splits[0].classificationId"));
}

TEST(Configs, LabelListRules) {
  EXPECT_FALSE(ValidateClassifyConfig(json::object{}).ok());
  Status st = ValidateClassifyConfig(json::parse(R"({"classifications":[{"id":"a","type":"A","description":""},
                                                                       {"id":"a","type":"B","description":""}]})")
                                         .as_object());
  EXPECT_TRUE(EndsWith(st.message(), "Path: config.classifications[1].id")) << st.message();
  st = ValidateSplitConfig(json::parse(R"({"splitClassifications":[{"id":"a","type":"A"}]})").as_object());
  EXPECT_TRUE(EndsWith(st.message(), "Path: config.splitClassifications[0].description")) << st.message();
  st = ValidateClassifyConfig(
      json::parse(R"({"classifications":[{"id":"a","type":"A","description":"","identifierKey":"x"}]})").as_object());
  EXPECT_FALSE(st.ok());
}

TEST(Options, PathsMustBeScorable) {
  json::object cfg = Config(kInvoice);
  Options o;
  o.fuzzy_match_fields = {"vendor.name", "line_items[].description"};
  o.exclude_fields = {"line_items", "total"};
  EXPECT_TRUE(ValidateOptions(Kind::kExtractor, cfg, o).ok());
  o.fuzzy_match_fields = {"total"};
  Status st = ValidateOptions(Kind::kExtractor, cfg, o);
  EXPECT_NE(st.message().find("\"total\""), std::string::npos);
  o.fuzzy_match_fields = {"nope"};
  EXPECT_FALSE(ValidateOptions(Kind::kExtractor, cfg, o).ok());
  o.fuzzy_match_fields = {};
  o.exclude_fields = {"vendor.nam"};
  st = ValidateOptions(Kind::kExtractor, cfg, o);
  EXPECT_TRUE(EndsWith(st.message(), "Path: options.excludeFields[0]")) << st.message();
  o.exclude_fields = {};
  o.fuzzy_threshold = 0;
  EXPECT_FALSE(ValidateOptions(Kind::kExtractor, cfg, o).ok());
  o.fuzzy_threshold = 1.0;
  EXPECT_TRUE(ValidateOptions(Kind::kExtractor, cfg, o).ok());
}

TEST(Values, NumbersAndDates) {
  EXPECT_EQ(*ParseNumberText("1,234.50"), 1234.5);
  EXPECT_EQ(*ParseNumberText("-1,234"), -1234);
  EXPECT_EQ(*ParseNumberText("+5"), 5);
  EXPECT_EQ(*ParseNumberText(".5"), 0.5);
  EXPECT_FALSE(ParseNumberText("1,23"));
  EXPECT_FALSE(ParseNumberText("12,34,567"));
  EXPECT_FALSE(ParseNumberText("abc"));
  EXPECT_FALSE(ParseNumberText("1.2.3"));
  EXPECT_TRUE(NumbersEqual(0.1 + 0.2, 0.3));
  EXPECT_FALSE(NumbersEqual(1.0, 1.0001));
  auto d = [](const char* s, DateOrder o) { return ParseDate(s, o); };
  EXPECT_EQ(*d("2024-03-12", DateOrder::kDefault), (CalendarDate{2024, 3, 12}));
  EXPECT_EQ(*d("12/03/2024", DateOrder::kDMY), (CalendarDate{2024, 3, 12}));
  EXPECT_EQ(*d("12/03/2024", DateOrder::kMDY), (CalendarDate{2024, 12, 3}));
  EXPECT_EQ(*d("12/03/2024", DateOrder::kDefault), (CalendarDate{2024, 12, 3}));
  EXPECT_EQ(*d("03.12.2024", DateOrder::kDefault), (CalendarDate{2024, 12, 3}));
  EXPECT_EQ(*d("March 12, 2024", DateOrder::kDMY), (CalendarDate{2024, 3, 12}));
  EXPECT_EQ(*d("12 Mar 2024", DateOrder::kMDY), (CalendarDate{2024, 3, 12}));
  EXPECT_EQ(*d("24/03/12", DateOrder::kYMD), (CalendarDate{2024, 3, 12}));
  EXPECT_EQ(*d("13/03/2024", DateOrder::kMDY), (CalendarDate{2024, 3, 13}));
  EXPECT_FALSE(d("2023-02-29", DateOrder::kDefault));
  EXPECT_TRUE(d("2024-02-29", DateOrder::kDefault));
  EXPECT_FALSE(d("32/13/2024", DateOrder::kDefault));
  EXPECT_FALSE(d("hello", DateOrder::kDefault));
}

}  // namespace
}  // namespace goldset::eval
