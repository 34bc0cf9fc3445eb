// Image files built for the parse tests: pixel bombs (huge declared sizes in a few KB)
// and images written so that a cut or corruption lands on a known row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "docgen_render.h"

namespace goldset::parse::testing {

// A white grayscale PNG (bit depth 1 or 8), image data deflated in one IDAT.
std::string BlankPng(uint32_t width, uint32_t height, int bit_depth);

// A little-endian TIFF of 8-bit frames of the given sizes that all point at one shared
// deflated strip of white pixels (the audit's R7 bomb: 600 frames of 4000² in ~70 KB).
struct FrameSize {
  uint32_t width, height;
};
std::string SharedStripTiff(const std::vector<FrameSize>& frames);

// A one-page PDF without text (so parsing renders and OCRs it) on a MediaBox of
// width × height points.
std::string BlankPdf(double width_pt, double height_pt);

// A grayscale baseline JPEG with a restart marker after every row of 8×8 blocks, so the
// entropy data of block row k starts right after the k-th RST marker.
std::string JpegWithRestarts(const docgen::GrayImage& img, int quality = 90);
// The offset just after the k-th restart marker (k >= 1) of such a JPEG; npos if none.
size_t RestartMarkerEnd(const std::string& jpeg, int k);

// A deflate-compressed 8-bit TIFF with `rows_per_strip` rows per strip.
std::string StripTiff(const docgen::GrayImage& img, uint32_t rows_per_strip);

}  // namespace goldset::parse::testing
