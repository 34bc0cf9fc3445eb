// Random business documents with known field values for tests, benchmarks and the
// end-to-end evaluation corpus: invoices (extraction), receipts and bank statements
// (classification, splitting), as page layouts plus the expected processor outputs.
// Deterministic for a given seed. Not thread-safe (one Content per thread).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/json.h"

namespace goldset::docgen {

struct TextLine {
  double x = 72, y = 72;  // points from the top-left corner, baseline
  double size = 11;
  bool bold = false;
  std::string text;
};
struct PageLayout {
  std::vector<TextLine> lines;
};

struct LineItem {
  std::string description;
  int quantity = 1;
  double unit_price = 0, amount = 0;
};

struct Invoice {
  std::string number, vendor, customer, date_text, date_iso, currency_code, terms;
  double subtotal = 0, tax = 0, total = 0;
  std::string total_text;  // as printed, e.g. "$1,234.50" or "EUR 1,234.50"
  std::vector<LineItem> items;
};

enum class DocClass { kInvoice = 0, kReceipt = 1, kStatement = 2 };
const char* ClassId(DocClass c);    // "invoice", "receipt", "bank_statement"
const char* ClassType(DocClass c);  // "Invoice", "Receipt", "Bank Statement"

class Content {
 public:
  explicit Content(uint64_t seed) : rng_(seed) {}

  Invoice RandomInvoice();
  // Page 1 has the header, fields and the first items; more than 8 items continue on
  // page 2 (without the header's "Invoice Number" start keyword).
  std::vector<PageLayout> InvoicePages(const Invoice& inv);
  std::vector<PageLayout> ReceiptPages();
  std::vector<PageLayout> StatementPages();  // 1 or 2 pages
  std::vector<PageLayout> Pages(DocClass c);

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::string Pick(const std::vector<std::string>& v) { return v[Uniform(0, static_cast<int>(v.size()) - 1)]; }
  std::mt19937_64 rng_;
};

// Extend's expectedOutput for an invoice under ExtractorConfig().
json::value InvoiceExpected(const Invoice& inv);

// The processor configs the corpus assumes, with x-rules hints.
json::object ExtractorConfig();
json::object ClassifierConfig();
json::object SplitterConfig();

// "1,234.50"
std::string Money(double v);

}  // namespace goldset::docgen
