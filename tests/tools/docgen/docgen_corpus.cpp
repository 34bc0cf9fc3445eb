#include "docgen_corpus.h"

#include <cstdio>

#include "docgen_content.h"
#include "docgen_render.h"

namespace goldset::docgen {

namespace {

std::string Numbered(const char* stem, int i, const char* ext) {
  char buf[64];
  snprintf(buf, sizeof buf, "%s_%03d.%s", stem, i, ext);
  return buf;
}

std::vector<GrayImage> Scans(const std::vector<PageLayout>& pages, int dpi, double noise, Content& c) {
  std::vector<GrayImage> out;
  for (const auto& p : pages) out.push_back(RenderScan(p, dpi, noise, c.rng()()));
  return out;
}

}  // namespace

std::vector<GeneratedDoc> TextInvoiceSet(int n, uint64_t seed) {
  Content c(seed);
  std::vector<GeneratedDoc> out;
  for (int i = 0; i < n; ++i) {
    Invoice inv = c.RandomInvoice();
    out.push_back(GeneratedDoc{"extract_text", Numbered("invoice", i, "pdf"), "PDF",
                               RenderTextPdf(c.InvoicePages(inv)), InvoiceExpected(inv)});
  }
  return out;
}

std::vector<GeneratedDoc> ScanInvoiceSet(int n, uint64_t seed, int dpi, double noise) {
  Content c(seed ^ 0x5ca7);
  std::vector<GeneratedDoc> out;
  for (int i = 0; i < n; ++i) {
    Invoice inv = c.RandomInvoice();
    // A PNG holds one page, so its invoices keep every item on page 1.
    while (i % 3 == 0 && inv.items.size() > 8) inv = c.RandomInvoice();
    std::vector<PageLayout> pages = c.InvoicePages(inv);
    std::vector<GrayImage> scans = Scans(pages, dpi, noise, c);
    GeneratedDoc d{"extract_scan", "", "IMG", "", InvoiceExpected(inv)};
    switch (i % 3) {
      case 0:  // a PNG holds one page
        d.name = Numbered("invoice", i, "png");
        d.bytes = EncodePng(scans[0]);
        break;
      case 1:
        d.name = Numbered("invoice", i, "tif");
        d.bytes = EncodeMultipageTiff(scans);
        break;
      default:
        d.name = Numbered("invoice", i, "pdf");
        d.file_type = "PDF";
        d.bytes = RenderImagePdf(scans);
        break;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<GeneratedDoc> ClassifySet(int n, uint64_t seed) {
  Content c(seed ^ 0xc1a55);
  std::vector<GeneratedDoc> out;
  for (int i = 0; i < n; ++i) {
    DocClass cls = static_cast<DocClass>(i % 3);
    out.push_back(GeneratedDoc{"classify", Numbered(ClassId(cls), i, "pdf"), "PDF", RenderTextPdf(c.Pages(cls)),
                               json::object{{"id", ClassId(cls)}, {"type", ClassType(cls)}}});
  }
  return out;
}

std::vector<GeneratedDoc> SplitSet(int n, uint64_t seed, int scanned_every) {
  Content c(seed ^ 0x5b117);
  std::vector<GeneratedDoc> out;
  for (int i = 0; i < n; ++i) {
    int docs = c.Uniform(2, 4);
    std::vector<PageLayout> pages;
    json::array splits;
    for (int d = 0; d < docs; ++d) {
      DocClass cls = static_cast<DocClass>(c.Uniform(0, 2));
      std::vector<PageLayout> p = c.Pages(cls);
      int start = static_cast<int>(pages.size()) + 1;
      pages.insert(pages.end(), p.begin(), p.end());
      splits.push_back(json::object{{"classificationId", ClassId(cls)},
                                    {"type", ClassType(cls)},
                                    {"startPage", start},
                                    {"endPage", static_cast<int>(pages.size())}});
    }
    json::value expected = json::object{{"splits", std::move(splits)}};
    if (scanned_every > 0 && i % scanned_every == scanned_every - 1) {
      out.push_back(GeneratedDoc{"split", Numbered("packet", i, "tif"), "IMG",
                                 EncodeMultipageTiff(Scans(pages, 150, 8, c)), expected});
    } else {
      out.push_back(GeneratedDoc{"split", Numbered("packet", i, "pdf"), "PDF", RenderTextPdf(pages), expected});
    }
  }
  return out;
}

}  // namespace goldset::docgen
