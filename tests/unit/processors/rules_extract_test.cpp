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

json::object Config(const std::string& schema_json) { return json::object{{"schema", ParseJson(schema_json).value()}}; }

json::value Extract(const json::object& config, const parse::Document& doc) {
  auto r = RunProcessor(Kind::kExtractor, config, doc, FileRef{"file_1", "a.pdf", "PDF", ""}, RulesContext());
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
                  "Amount Due\n\xE2\x82\xAC"
                  "1.250,00"});
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

// Issue 24: a receipt's "25 Mar 2018 9:27PM" for a `format: date` field is emitted as
// ISO 8601, and the text as printed stays in the field's metadata (referenceText).
TEST(RulesExtract, DatesAreIsoWithTheRawTextInMetadata) {
  auto config = Config(R"J({"type":"object","properties":{
    "date":{"type":["string","null"],"format":"date","x-rules":{"labels":["Date"]}},
    "due":{"type":["string","null"],"extend:type":"date","x-rules":{"labels":["Due"],"dateOrder":"DMY"}},
    "paid_on":{"type":["string","null"],"format":"date","x-rules":{"patterns":["Paid (.*)$"]}},
    "note":{"type":["string","null"],"format":"date","x-rules":{"labels":["Note"]}},
    "rows":{"type":"array","items":{"type":"object","properties":{"when":{"type":["string","null"],"format":"date"},"what":{"type":["string","null"]}}},
            "x-rules":{"rowPattern":"^\\* (?P<when>.+?)\\s{2,}(?P<what>\\S.*)$"}}}})J");
  auto doc =
      Doc({"RECEIPT\nDate: 25 Mar 2018 9:27PM   Table 4\nDue: 03.04.18\nPaid Mar 26, 2018, 21:27:05\nNote: soon\n"
           "* 25-MAR-18  Soup\n* March 25th 2018  Bread"});
  json::value out = Extract(config, doc);
  const json::object& v = out.at("value").as_object();
  EXPECT_EQ(v.at("date"), "2018-03-25");
  EXPECT_EQ(v.at("due"), "2018-04-03");
  EXPECT_EQ(v.at("paid_on"), "2018-03-26");
  EXPECT_TRUE(v.at("note").is_null());  // no date in "soon": nothing rather than the raw text
  const json::array& rows = v.at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u) << ToJson(out);
  EXPECT_EQ(rows[1].at("when"), "2018-03-25");
  const json::object& meta = out.at("metadata").as_object();
  EXPECT_EQ(meta.at("date").at("citations").at(0).at("referenceText"), "25 Mar 2018 9:27PM");
  EXPECT_EQ(meta.at("due").at("citations").at(0).at("referenceText"), "03.04.18");
  EXPECT_EQ(meta.at("paid_on").at("citations").at(0).at("referenceText"), "Mar 26, 2018, 21:27:05");
  EXPECT_EQ(meta.at("rows[1].when").at("citations").at(0).at("referenceText"), "March 25th 2018");
}

TEST(RulesExtract, HeuristicsWithoutHintsNestedObjectsAndMissingFields) {
  auto config = Config(R"J({"type":"object","properties":{
    "vendor_name":{"type":["string","null"]},
    "totalAmount":{"type":["number","null"]},
    "is_paid":{"type":["boolean","null"]},
    "status":{"type":["string","null"],"enum":["open","closed",null]},
    "ship_to":{"type":"object","properties":{"city":{"type":["string","null"]},"zip_code":{"type":["string","null"],"description":"labeled 'Postcode'"}}},
    "missing_field":{"type":["string","null"]}}})J");
  auto doc = Doc({"Vendor   Name : Contoso Ltd\nTotal Amount 1,999.99\nIs Paid: yes\nStatus: CLOSED\nCity: "
                  "Springfield\nPostcode: 12345"},
                 0.8);
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

// A page with coordinates, as a PDF text layer gives: line i at y = 100 + 20 i, word j
// of a line at x = 50 + 100 j, 8 units per character.
parse::Document PlacedDoc(const std::string& text) {
  parse::Document d;
  parse::Page p;
  p.number = 1;
  p.width = 612;
  p.height = 792;
  p.text = text;
  int line = 0, word = 0;
  std::string tok;
  auto flush = [&] {
    if (tok.empty()) return;
    double x0 = 50 + 100 * word++, y0 = 100 + 20 * line;
    p.words.push_back({tok, x0, y0, x0 + 8 * static_cast<double>(tok.size()), y0 + 12, 1.0});
    tok.clear();
  };
  for (char c : text) {
    if (c == '\n') {
      flush();
      ++line;
      word = 0;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      tok.push_back(c);
    }
  }
  flush();
  d.pages.push_back(p);
  return d;
}

std::vector<double> Polygon(const json::object& meta, const std::string& path) {
  std::vector<double> out;
  for (const auto& pt : meta.at(path).at("citations").at(0).at("polygon").as_array()) {
    out.push_back(pt.at("x").to_number<double>());
    out.push_back(pt.at("y").to_number<double>());
  }
  return out;
}

// Issue 22: citations carry the box around the words a value was read from (Extend's
// polygon, clockwise from top-left) with the page size, for patterns, labels, values
// below a label and array cells; a date keeps its referenceText beside the polygon.
TEST(RulesExtract, CitationsHaveWordPolygonsInPageCoordinates) {
  auto config = Config(R"J({"type":"object","properties":{
    "number":{"type":["string","null"],"x-rules":{"patterns":["Invoice No\\. (\\S+)"]}},
    "vendor":{"type":["string","null"],"x-rules":{"labels":["Vendor"]}},
    "date":{"type":["string","null"],"format":"date","x-rules":{"labels":["Date"]}},
    "ship_to":{"type":["string","null"],"x-rules":{"labels":["Ship to"]}},
    "rows":{"type":"array","items":{"type":"object","properties":{"sku":{"type":["string","null"]},"qty":{"type":["integer","null"]}}},
            "x-rules":{"rowPattern":"^(?P<sku>[A-Z]{3}\\d+) x (?P<qty>\\d+)$"}}}})J");
  auto doc = PlacedDoc(
      "Invoice No. A-77\nVendor: Acme Supplies\nDate: 25 Mar 2018\nShip to:\nHarbour Rd\nABC1 x 4\nXYZ22 x 10");
  json::value out = Extract(config, doc);
  const json::object& v = out.at("value").as_object();
  ASSERT_EQ(v.at("number"), "A-77") << ToJson(out);
  ASSERT_EQ(v.at("vendor"), "Acme Supplies");
  ASSERT_EQ(v.at("ship_to"), "Harbour Rd");
  const json::object& meta = out.at("metadata").as_object();
  // "A-77" is word 2 of line 0: x 250..282, y 100..112.
  EXPECT_THAT(Polygon(meta, "number"), ::testing::ElementsAre(250, 100, 282, 100, 282, 112, 250, 112));
  const json::object& page = meta.at("number").at("citations").at(0).at("page").as_object();
  EXPECT_EQ(page.at("number").as_int64(), 1);
  EXPECT_EQ(page.at("width").to_number<double>(), 612);
  EXPECT_EQ(page.at("height").to_number<double>(), 792);
  // "Acme Supplies": words 1-2 of line 1, x 150 to 250 + 8 × 8.
  EXPECT_THAT(Polygon(meta, "vendor"), ::testing::ElementsAre(150, 120, 314, 120, 314, 132, 150, 132));
  // The date's polygon covers "25 Mar 2018" and its referenceText stays the printed text.
  EXPECT_EQ(meta.at("date").at("citations").as_array().size(), 1u);
  EXPECT_EQ(meta.at("date").at("citations").at(0).at("referenceText"), "25 Mar 2018");
  EXPECT_THAT(Polygon(meta, "date"), ::testing::ElementsAre(150, 140, 382, 140, 382, 152, 150, 152));
  // The value below its label: line 4.
  EXPECT_THAT(Polygon(meta, "ship_to"), ::testing::ElementsAre(50, 180, 166, 180, 166, 192, 50, 192));
  // Array cells: the sku and qty of row 1 (line 6), and the array around both rows.
  EXPECT_THAT(Polygon(meta, "rows[1].sku"), ::testing::ElementsAre(50, 220, 90, 220, 90, 232, 50, 232));
  EXPECT_THAT(Polygon(meta, "rows[1].qty"), ::testing::ElementsAre(250, 220, 266, 220, 266, 232, 250, 232));
  EXPECT_THAT(Polygon(meta, "rows"), ::testing::ElementsAre(50, 200, 266, 200, 266, 232, 50, 232));
}

// Plain text has no page coordinates: citations name the page only.
TEST(RulesExtract, PlainTextCitationsHaveNoPolygon) {
  auto config = Config(
      R"J({"type":"object","properties":{"vendor":{"type":["string","null"],"x-rules":{"labels":["Vendor"]}}}})J");
  json::value out = Extract(config, Doc({"Vendor: Acme"}));
  const json::object& citation = out.at("metadata").at("vendor").at("citations").at(0).as_object();
  EXPECT_EQ(citation.at("page").at("number").as_int64(), 1);
  EXPECT_FALSE(citation.contains("polygon"));
  EXPECT_FALSE(citation.at("page").as_object().contains("width"));
}

TEST(RulesClassifyAndSplit, TfIdfAndStartKeywords) {
  json::object classify = ParseJson(R"J({"classifications":[
    {"id":"inv","type":"Invoice","description":"vendor bill with invoice number","x-rules":{"keywords":["invoice","bill to"]}},
    {"id":"rct","type":"Receipt","description":"store purchase receipt","x-rules":{"keywords":["receipt","cashier"]}}]})J")
                              .value()
                              .as_object();
  auto r = RunProcessor(Kind::kClassifier, classify, Doc({"RECEIPT\nCashier: Bob\nTotal 3.00"}), {}, RulesContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("id"), "rct");
  EXPECT_EQ(r->at("type"), "Receipt");
  EXPECT_GT(r->at("confidence").as_double(), 0.5);
  EXPECT_TRUE(r->at("insights").is_array());

  json::object split = ParseJson(R"J({"splitClassifications":[
    {"id":"inv","type":"Invoice","description":"vendor bill","x-rules":{"keywords":["invoice"],"startKeywords":["Invoice Number"]}},
    {"id":"rct","type":"Receipt","description":"store receipt","x-rules":{"keywords":["receipt","cashier"]}}]})J")
                           .value()
                           .as_object();
  auto s = RunProcessor(Kind::kSplitter, split,
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
