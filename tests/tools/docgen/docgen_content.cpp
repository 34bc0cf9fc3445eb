#include "docgen_content.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace goldset::docgen {

namespace {

const std::vector<std::string> kVendors = {"Northwind Traders", "Acme Supplies Ltd", "Globex Corporation",
                                           "Initech Solutions", "Umbrella Logistics", "Stark Industrial",
                                           "Wayne Hardware Co", "Blue Harbor Foods", "Pioneer Office Depot",
                                           "Summit Engineering"};
const std::vector<std::string> kCustomers = {"Jane Cooper", "Oliver Smith", "Maria Garcia", "Liam Brown",
                                             "Ava Johnson", "Noah Wilson"};
const std::vector<std::string> kItems = {"Steel Bolts", "Copper Wire", "Office Chair", "Printer Paper",
                                         "Safety Gloves", "Desk Lamp", "Cable Ties", "Paint Brush",
                                         "Wood Screws", "Storage Box", "Hand Drill", "Glass Cleaner",
                                         "Ink Cartridge", "Measuring Tape", "Work Boots"};
const std::vector<std::string> kMonths = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};
const std::vector<std::string> kStores = {"Corner Market", "City Pharmacy", "Green Grocer", "Book Nook",
                                          "Coffee House"};
const std::vector<std::string> kBanks = {"First National Bank", "Riverside Savings Bank", "Union Trust Bank"};

double Round2(double v) { return std::round(v * 100) / 100; }

std::string Fmt(const char* f, int a, int b, int c) {
  char buf[64];
  snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}

PageLayout& Add(PageLayout& p, double x, double y, const std::string& text, double size = 11, bool bold = false) {
  p.lines.push_back(TextLine{x, y, size, bold, text});
  return p;
}

}  // namespace

const char* ClassId(DocClass c) {
  switch (c) {
    case DocClass::kInvoice: return "invoice";
    case DocClass::kReceipt: return "receipt";
    case DocClass::kStatement: return "bank_statement";
  }
  return "";
}

const char* ClassType(DocClass c) {
  switch (c) {
    case DocClass::kInvoice: return "Invoice";
    case DocClass::kReceipt: return "Receipt";
    case DocClass::kStatement: return "Bank Statement";
  }
  return "";
}

std::string Money(double v) {
  char buf[64];
  long long cents = std::llround(v * 100);
  long long whole = cents / 100;
  snprintf(buf, sizeof buf, "%02lld", cents % 100);
  std::string frac = buf;
  std::string digits = std::to_string(whole), grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return grouped + "." + frac;
}

Invoice Content::RandomInvoice() {
  Invoice inv;
  inv.number = "INV-" + std::to_string(Uniform(10000, 99999));
  inv.vendor = Pick(kVendors);
  inv.customer = Pick(kCustomers);
  int y = Uniform(2021, 2025), m = Uniform(1, 12), d = Uniform(1, 28);
  inv.date_iso = Fmt("%04d-%02d-%02d", y, m, d);
  // Some dates carry a time of day, as receipts print them (issue 24). The variant
  // follows the day, so the random sequence (and every other value) is unchanged.
  const int hour = 1 + (d * 7) % 12, minute = (m * 13 + d) % 60;
  const std::string time12 = std::to_string(hour) + Fmt(":%02d", minute, 0, 0) + (d % 2 ? "PM" : "AM");
  std::string upper = kMonths[m - 1].substr(0, 3);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  switch (Uniform(0, 3)) {
    case 0: inv.date_text = d % 3 ? inv.date_iso : inv.date_iso + Fmt(" %02d:%02d", (hour + 12) % 24, minute, 0); break;
    case 1: inv.date_text = kMonths[m - 1] + " " + std::to_string(d) + ", " + std::to_string(y); break;
    case 2:
      inv.date_text = d % 2 ? std::to_string(d) + " " + kMonths[m - 1].substr(0, 3) + " " + std::to_string(y) + " " + time12
                            : Fmt("%02d-", d, 0, 0) + upper + Fmt("-%02d", y % 100, 0, 0);
      break;
    default: inv.date_text = Fmt("%02d/%02d/%04d", m, d, y); break;  // MDY, as the config says
  }
  int n = Uniform(2, 11);
  for (int i = 0; i < n; ++i) {
    LineItem it;
    it.description = Pick(kItems);
    it.quantity = Uniform(1, 20);
    it.unit_price = Round2(Uniform(100, 50000) / 100.0);
    it.amount = Round2(it.quantity * it.unit_price);
    inv.subtotal += it.amount;
    inv.items.push_back(it);
  }
  inv.subtotal = Round2(inv.subtotal);
  inv.tax = Round2(inv.subtotal * 0.08);
  inv.total = Round2(inv.subtotal + inv.tax);
  switch (Uniform(0, 2)) {
    case 0: inv.currency_code = "USD"; inv.total_text = "$" + Money(inv.total); break;
    case 1: inv.currency_code = "EUR"; inv.total_text = "EUR " + Money(inv.total); break;
    default: inv.currency_code = "GBP"; inv.total_text = "GBP " + Money(inv.total); break;
  }
  inv.terms = Pick({"Net 30", "Net 15", "Due on receipt"});
  return inv;
}

std::vector<PageLayout> Content::InvoicePages(const Invoice& inv) {
  std::vector<PageLayout> pages(1);
  PageLayout& p = pages[0];
  Add(p, 72, 80, "INVOICE", 22, true);
  Add(p, 72, 120, "Vendor: " + inv.vendor);
  Add(p, 72, 140, "Bill To: " + inv.customer);
  Add(p, 340, 120, "Invoice Number: " + inv.number);
  Add(p, 340, 140, "Invoice Date: " + inv.date_text);
  Add(p, 340, 160, "Payment Terms: " + inv.terms);
  Add(p, 72, 210, "Description    Qty    Unit Price    Amount", 11, true);
  double y = 232;
  size_t first_page_items = std::min<size_t>(inv.items.size(), 8);
  auto row = [](const LineItem& it) {
    return it.description + "    " + std::to_string(it.quantity) + "    " + Money(it.unit_price) + "    " + Money(it.amount);
  };
  for (size_t i = 0; i < first_page_items; ++i, y += 22) Add(p, 72, y, row(inv.items[i]));
  PageLayout* last = &p;
  if (inv.items.size() > first_page_items) {
    pages.emplace_back();
    last = &pages[1];
    Add(*last, 72, 80, "Invoice " + inv.number + " (continued)", 14, true);
    Add(*last, 72, 120, "Description    Qty    Unit Price    Amount", 11, true);
    y = 142;
    for (size_t i = first_page_items; i < inv.items.size(); ++i, y += 22) Add(*last, 72, y, row(inv.items[i]));
  }
  y += 20;
  Add(*last, 340, y, "Subtotal: " + Money(inv.subtotal));
  Add(*last, 340, y + 22, "Tax: " + Money(inv.tax));
  Add(*last, 340, y + 44, "Total Due: " + inv.total_text, 12, true);
  Add(*last, 72, y + 100, "Thank you for your business. Please pay within the payment terms.");
  return pages;
}

std::vector<PageLayout> Content::ReceiptPages() {
  PageLayout p;
  std::string store = Pick(kStores);
  Add(p, 72, 80, "RECEIPT", 22, true);
  Add(p, 72, 120, "Store: " + store);
  Add(p, 72, 140, "Receipt No: R-" + std::to_string(Uniform(1000, 9999)));
  Add(p, 72, 160, "Cashier: " + Pick(kCustomers));
  double y = 200, subtotal = 0;
  int n = Uniform(2, 6);
  for (int i = 0; i < n; ++i, y += 20) {
    double price = Round2(Uniform(100, 3000) / 100.0);
    subtotal += price;
    Add(p, 72, y, Pick(kItems) + "    " + Money(price));
  }
  Add(p, 72, y + 10, "Subtotal: " + Money(subtotal));
  Add(p, 72, y + 30, "Sales Tax: " + Money(Round2(subtotal * 0.07)));
  Add(p, 72, y + 50, "Paid by " + Pick({"Cash", "Card"}) + " - Change: " + Money(Uniform(0, 500) / 100.0));
  Add(p, 72, y + 90, "Thank you for shopping with us! Keep this receipt for returns.");
  return {p};
}

std::vector<PageLayout> Content::StatementPages() {
  std::vector<PageLayout> pages(1);
  PageLayout& p = pages[0];
  Add(p, 72, 80, "BANK STATEMENT", 20, true);
  Add(p, 72, 120, Pick(kBanks));
  Add(p, 72, 140, "Account Holder: " + Pick(kCustomers));
  Add(p, 72, 160, "Account Number: " + std::to_string(Uniform(10000000, 99999999)));
  Add(p, 72, 180, "Statement Period: " + Pick(kMonths) + " 2024");
  double balance = Uniform(100000, 900000) / 100.0;
  Add(p, 72, 210, "Opening Balance: " + Money(balance));
  double y = 240;
  auto transactions = [&](PageLayout& page, int n) {
    for (int i = 0; i < n; ++i, y += 20) {
      bool deposit = Uniform(0, 1) == 1;
      double amt = Round2(Uniform(500, 200000) / 100.0);
      balance += deposit ? amt : -amt;
      Add(page, 72, y, Fmt("%02d/%02d", Uniform(1, 12), Uniform(1, 28), 0) + "    " +
                           (deposit ? "Deposit" : "Withdrawal") + "    " + Money(amt) + "    Balance " + Money(balance));
    }
  };
  transactions(p, Uniform(4, 8));
  if (Uniform(0, 1) == 1) {
    pages.emplace_back();
    y = 120;
    Add(pages[1], 72, 80, "Account activity (continued)", 14, true);
    transactions(pages[1], Uniform(4, 8));
  }
  Add(pages.back(), 72, y + 20, "Closing Balance: " + Money(balance));
  return pages;
}

std::vector<PageLayout> Content::Pages(DocClass c) {
  switch (c) {
    case DocClass::kInvoice: return InvoicePages(RandomInvoice());
    case DocClass::kReceipt: return ReceiptPages();
    case DocClass::kStatement: return StatementPages();
  }
  return {};
}

json::value InvoiceExpected(const Invoice& inv) {
  json::array items;
  for (const auto& it : inv.items)
    items.push_back(json::object{{"description", it.description},
                                 {"quantity", it.quantity},
                                 {"unit_price", it.unit_price},
                                 {"amount", it.amount}});
  return json::object{{"value", json::object{{"invoice_number", inv.number},
                                             {"invoice_date", inv.date_iso},
                                             {"vendor_name", inv.vendor},
                                             {"total", json::object{{"amount", inv.total}, {"iso_4217_currency_code", inv.currency_code}}},
                                             {"line_items", std::move(items)}}}};
}

namespace {

json::object Nullable(const char* type, const char* description) {
  return json::object{{"type", json::array{type, "null"}}, {"description", description}};
}

}  // namespace

json::object ExtractorConfig() {
  json::object invoice_number = Nullable("string", "The invoice number");
  invoice_number["x-rules"] = json::object{
      {"patterns", json::array{R"(Invoice\W*(?:Number|No\.?|#)\W*([A-Z]{2,4}\s?-\s?\d{4,8}))"}},
      {"labels", json::array{"Invoice Number"}}};
  json::object invoice_date = Nullable("string", "The date the invoice was issued");
  invoice_date["format"] = "date";  // JSON Schema's date format (issue 24: engines emit ISO for it too)
  invoice_date["x-rules"] = json::object{{"labels", json::array{"Invoice Date"}}, {"dateOrder", "MDY"}};
  json::object vendor = Nullable("string", "The name of the vendor");
  vendor["x-rules"] = json::object{{"labels", json::array{"Vendor"}}};
  json::object total{{"type", "object"},
                     {"description", "The total amount due"},
                     {"extend:type", "currency"},
                     {"properties", json::object{{"amount", Nullable("number", "Amount")},
                                                 {"iso_4217_currency_code", Nullable("string", "Currency code")}}},
                     {"required", json::array{"amount", "iso_4217_currency_code"}},
                     {"additionalProperties", false},
                     {"x-rules", json::object{{"labels", json::array{"Total Due"}}}}};
  json::object item{{"type", "object"},
                    {"properties", json::object{{"description", Nullable("string", "Item description")},
                                                {"quantity", Nullable("number", "Quantity")},
                                                {"unit_price", Nullable("number", "Unit price")},
                                                {"amount", Nullable("number", "Line amount")}}},
                    {"required", json::array{"description", "quantity", "unit_price", "amount"}},
                    {"additionalProperties", false}};
  json::object line_items{
      {"type", "array"},
      {"description", "The invoice's line items"},
      {"items", std::move(item)},
      {"x-rules",
       json::object{{"rowPattern",
                     R"(^(?P<description>[A-Za-z][A-Za-z ]*[A-Za-z])\s+(?P<quantity>\d{1,3})\s+(?P<unit_price>\d[\d,]*\.\d\d)\s+(?P<amount>\d[\d,]*\.\d\d)$)"}}}};
  json::object schema{{"type", "object"},
                      {"properties", json::object{{"invoice_number", std::move(invoice_number)},
                                                  {"invoice_date", std::move(invoice_date)},
                                                  {"vendor_name", std::move(vendor)},
                                                  {"total", std::move(total)},
                                                  {"line_items", std::move(line_items)}}},
                      {"required", json::array{"invoice_number", "invoice_date", "vendor_name", "total", "line_items"}},
                      {"additionalProperties", false}};
  return json::object{{"extractionRules", "Dates are month first when numeric."}, {"schema", std::move(schema)}};
}

namespace {

json::object Classification(DocClass c, const char* description, json::array keywords, json::array start) {
  json::object rules{{"keywords", std::move(keywords)}};
  if (!start.empty()) rules["startKeywords"] = std::move(start);
  return json::object{{"id", ClassId(c)}, {"type", ClassType(c)}, {"description", description}, {"x-rules", std::move(rules)}};
}

json::array ClassList(bool with_start) {
  return json::array{
      Classification(DocClass::kInvoice, "A bill from a vendor requesting payment for goods or services",
                     json::array{"invoice", "invoice number", "bill to", "payment terms", "total due", "qty", "unit price"},
                     with_start ? json::array{"Invoice Number"} : json::array{}),
      Classification(DocClass::kReceipt, "Proof of a completed purchase at a store",
                     json::array{"receipt", "store", "cashier", "paid by", "change", "sales tax", "shopping"},
                     with_start ? json::array{"Receipt No"} : json::array{}),
      Classification(DocClass::kStatement, "A bank's periodic summary of an account's transactions",
                     json::array{"bank statement", "account holder", "account number", "opening balance",
                                 "closing balance", "deposit", "withdrawal", "balance"},
                     with_start ? json::array{"Statement Period"} : json::array{})};
}

}  // namespace

json::object ClassifierConfig() {
  return json::object{{"classifications", ClassList(false)},
                      {"classificationRules", "Choose the single best document type."}};
}

json::object SplitterConfig() {
  return json::object{{"splitClassifications", ClassList(true)},
                      {"splitRules", "Each sub-document starts on the page with its header."}};
}

}  // namespace goldset::docgen
