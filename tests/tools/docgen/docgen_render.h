// Renders docgen page layouts: real-text PDFs (cairo), noisy grayscale "scans", and
// scans packaged as PNG, multi-page TIFF (leptonica) or image-only PDF (cairo).
// Reentrant; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "docgen_content.h"

namespace goldset::docgen {

struct GrayImage {
  int width = 0, height = 0, dpi = 0;
  std::vector<uint8_t> pixels;  // row-major, 0 = black
};

// US Letter pages with the layouts' text as a real text layer (DejaVu Sans).
std::string RenderTextPdf(const std::vector<PageLayout>& pages);

// A scan of `page` at `dpi`: slightly rotated (|angle| <= 0.4 degrees), Gaussian noise
// of standard deviation `noise` grey levels and 0.2% salt-and-pepper specks.
GrayImage RenderScan(const PageLayout& page, int dpi, double noise, uint64_t seed);

std::string EncodePng(const GrayImage& img);
std::string EncodeMultipageTiff(const std::vector<GrayImage>& imgs);
// A PDF whose pages are only the images (no text layer), sized to US Letter.
std::string RenderImagePdf(const std::vector<GrayImage>& imgs);

}  // namespace goldset::docgen
