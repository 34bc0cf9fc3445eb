// The rules engine on hand-built documents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/document.h"
#include "processors/processors.h"

namespace goldset::processors {
namespace {

// The rules engine calls out to nothing; the policy only feeds config validation.
EngineContext RulesContext() {
  static const EnginePolicy kPolicy;
  return EngineContext{.policy = &kPolicy};
}

using ::testing::HasSubstr;

// A document whose words carry the given confidences (default 1).
parse::Document Doc(const std::vector<std::string>& page_texts, double confidence = 1.0) {
  parse::Document d;
  for (size_t i = 0; i < page_texts.size(); ++i) {
    parse::Page p;
    p.number = static_cast<int>(i) + 1;
    p.text = page_texts[i];
    std::string tok;
    for (char c : p.text + " ") {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!tok.empty()) p.words.push_back({tok, 0, 0, 1, 1, confidence});
        tok.clear();
      } else {
        tok.push_back(c);
      }
    }
    p.ocr = confidence < 1;
    p.mean_confidence = confidence;
    d.pages.push_back(p);
  }
  return d;
}

json::object Config(const std::string& schema_json) {
  return json::object{{"schema", ParseJson(schema_json).value()}};
}

json::value Extract(const json::object& config, const parse::Document& doc) {
  auto r = RunProcessor(Kind::kExtract, config, doc, FileRef{"file_1", "a.pdf", "PDF", ""}, RulesContext());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : json::value(nullptr);
}

TEST(RulesExtract, HintsPatternsLabelsDatesAndRows) {
  auto config = Config(R"J({"type":"object","properties":{
    "po":{"type":["string","null"],"x-rules":{"patterns":["PO\\s*#?\\s*(\\d{6})"]}},
    "invoice_no":{"type":["string","null"],"x-rules":{"labels":["Invoice"]}},
    "issued":{"type":["string","null"],"extend:type":"date","x-rules":{"labels":["Issued"],"dateOrder":"DMY"}},
    "total":{"type":"object","extend:type":"currency","properties":{"amount":{"type":["number","null"]},"iso_4217_currency_code":{"type":["string","null"]}},"x-rules":{"labels":["Amount Due"]}},
    "rows":{"type":"array","items":{"type":"object","properties":{"sku":{"type":["string","null"]},"qty":{"type":["integer","null"]},"note":{"type":["string","null"]}}},
            "x-rules":{"rowPattern":"^(?P<sku>[A-Z]{3}\\d{2})\\s+(?P<qty>\\d+)$"}}}})J");
  auto doc = Doc({"ACME   Invoice No.: A-77\nIssued: 03/04/2024\nPO # 123456\nABC12 4\nXYZ99 10",
                  "Amount Due\n\xE2\x82\xAC" "1.250,00"});
  json::value out = Extract(config, doc);
  const json::object& v = out.at("value").as_object();
  EXPECT_EQ(v.at("po"), "123456");
  EXPECT_EQ(v.at("invoice_no"), "A-77");
  EXPECT_EQ(v.at("issued"), "2024-04-03");
  EXPECT_EQ(v.at("total").at("amount").as_double(), 1250.0);
  EXPECT_EQ(v.at("total").at("iso_4217_currency_code"), "EUR");
  const json::array& rows = v.at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].at("sku"), "XYZ99");
  EXPECT_EQ(rows[1].at("qty").as_int64(), 10);
  EXPECT_TRUE(rows[1].at("note").is_null());
  const json::object& meta = out.at("metadata").as_object();
  EXPECT_EQ(meta.at("total").at("citations").at(0).at("page").at("number").as_int64(), 2);
  EXPECT_EQ(meta.at("po").at("citations").at(0).at("page").at("number").as_int64(), 1);
  EXPECT_GT(meta.at("po").at("confidence").as_double(), meta.at("invoice_no").at("confidence").as_double());
  EXPECT_TRUE(meta.contains("rows[1].qty"));
}

TEST(RulesExtract, HeuristicsWithoutHintsNestedObjectsAndMissingFields) {
  auto config = Config(R"J({"type":"object","properties":{
    "vendor_name":{"type":["string","null"]},
    "totalAmount":{"type":["number","null"]},
    "is_paid":{"type":["boolean","null"]},
    "status":{"type":["string","null"],"enum":["open","closed",null]},
    "ship_to":{"type":"object","properties":{"city":{"type":["string","null"]},"zip_code":{"type":["string","null"],"description":"labeled 'Postcode'"}}},
    "missing_field":{"type":["string","null"]}}})J");
  auto doc = Doc({"Vendor   Name : Contoso Ltd\nTotal Amount 1,999.99\nIs Paid: yes\nStatus: CLOSED\nCity: Springfield\nPostcode: 12345"}, 0.8);
  json::value out = Extract(config, doc);
  const json::object& v = out.at("value").as_object();
  EXPECT_EQ(v.at("vendor_name"), "Contoso Ltd");
  EXPECT_DOUBLE_EQ(v.at("totalAmount").as_double(), 1999.99);
  EXPECT_EQ(v.at("is_paid"), true);
  EXPECT_EQ(v.at("status"), "closed");
  EXPECT_EQ(v.at("ship_to").at("city"), "Springfield");
  EXPECT_EQ(v.at("ship_to").at("zip_code"), "12345");
  EXPECT_TRUE(v.at("missing_field").is_null());
  const json::object& meta = out.at("metadata").as_object();
  EXPECT_DOUBLE_EQ(meta.at("missing_field").at("confidence").as_double(), 0.0);
  // Heuristic weight (0.6) times OCR confidence (0.8).
  EXPECT_NEAR(meta.at("ship_to.city").at("confidence").as_double(), 0.48, 1e-9);
  EXPECT_NEAR(meta.at("ship_to.city").at("ocrConfidence").as_double(), 0.8, 1e-9);
}

TEST(RulesClassifyAndSplit, TfIdfAndStartKeywords) {
  json::object classify = ParseJson(R"J({"classifications":[
    {"id":"inv","type":"Invoice","description":"vendor bill with invoice number","x-rules":{"keywords":["invoice","bill to"]}},
    {"id":"rct","type":"Receipt","description":"store purchase receipt","x-rules":{"keywords":["receipt","cashier"]}}]})J").value().as_object();
  auto r = RunProcessor(Kind::kClassify, classify, Doc({"RECEIPT\nCashier: Bob\nTotal 3.00"}), {}, RulesContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("id"), "rct");
  EXPECT_EQ(r->at("type"), "Receipt");
  EXPECT_GT(r->at("confidence").as_double(), 0.5);
  EXPECT_TRUE(r->at("insights").is_array());

  json::object split = ParseJson(R"J({"splitClassifications":[
    {"id":"inv","type":"Invoice","description":"vendor bill","x-rules":{"keywords":["invoice"],"startKeywords":["Invoice Number"]}},
    {"id":"rct","type":"Receipt","description":"store receipt","x-rules":{"keywords":["receipt","cashier"]}}]})J").value().as_object();
  auto s = RunProcessor(Kind::kSplit, split,
                        Doc({"Invoice Number: 1", "invoice continued", "", "Invoice Number: 2", "RECEIPT cashier"}),
                        FileRef{"file_9", "", "", ""}, RulesContext());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const json::array& splits = s->at("splits").as_array();
  ASSERT_EQ(splits.size(), 3u) << ToJson(*s);
  EXPECT_EQ(splits[0].at("startPage").as_int64(), 1);
  EXPECT_EQ(splits[0].at("endPage").as_int64(), 3);
  EXPECT_EQ(splits[1].at("startPage").as_int64(), 4);
  EXPECT_EQ(splits[2].at("classificationId"), "rct");
  EXPECT_EQ(splits[2].at("fileId"), "file_9");
  EXPECT_EQ(splits[2].at("endPage").as_int64(), 5);
}

}  // namespace
}  // namespace goldset::processors
