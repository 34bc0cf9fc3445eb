// Test corpora built from docgen content and renderers: each document with its file
// bytes, contract FileType and Extend expectedOutput. Deterministic per seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"

namespace goldset::docgen {

struct GeneratedDoc {
  std::string set;        // "extract_text", "extract_scan", "classify", "split"
  std::string name;       // file name, e.g. "invoice_003.pdf"
  std::string file_type;  // contract FileType: "PDF" or "IMG"
  std::string bytes;
  json::value expected;   // expectedOutput in the contract shape for the set's processor
};

// Invoices as text PDFs.
std::vector<GeneratedDoc> TextInvoiceSet(int n, uint64_t seed);
// Invoices as noisy scans, cycling PNG, multi-page TIFF and image-only PDF.
std::vector<GeneratedDoc> ScanInvoiceSet(int n, uint64_t seed, int dpi = 200, double noise = 12);
// Invoices, receipts and bank statements (round robin) as text PDFs.
std::vector<GeneratedDoc> ClassifySet(int n, uint64_t seed);
// Packets of 2-4 documents; every `scanned_every`-th packet (0 = none) is a
// multi-page TIFF scan instead of a text PDF.
std::vector<GeneratedDoc> SplitSet(int n, uint64_t seed, int scanned_every = 0);

}  // namespace goldset::docgen
