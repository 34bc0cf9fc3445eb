#include "docgen_render.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>

#include <cmath>
#include <random>
#include <stdexcept>

namespace goldset::docgen {

namespace {

constexpr double kPageW = 612, kPageH = 792;  // US Letter in points

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void DrawPage(cairo_t* cr, const PageLayout& page) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (const TextLine& l : page.lines) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           l.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, l.size);
    cairo_move_to(cr, l.x, l.y);
    cairo_show_text(cr, l.text.c_str());
  }
}

Pix* ToPix(const GrayImage& img) {
  Pix* pix = pixCreate(img.width, img.height, 8);
  pixSetResolution(pix, img.dpi, img.dpi);
  l_uint32* data = pixGetData(pix);
  int wpl = pixGetWpl(pix);
  for (int y = 0; y < img.height; ++y) {
    l_uint32* line = data + y * wpl;
    for (int x = 0; x < img.width; ++x) SET_DATA_BYTE(line, x, img.pixels[y * img.width + x]);
  }
  return pix;
}

}  // namespace

std::string RenderTextPdf(const std::vector<PageLayout>& pages) {
  std::string out;
  cairo_surface_t* s = cairo_pdf_surface_create_for_stream(&AppendToString, &out, kPageW, kPageH);
  cairo_t* cr = cairo_create(s);
  for (const auto& p : pages) {
    DrawPage(cr, p);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_surface_destroy(s);
  return out;
}

GrayImage RenderScan(const PageLayout& page, int dpi, double noise, uint64_t seed) {
  std::mt19937_64 rng(seed);
  GrayImage img;
  img.dpi = dpi;
  img.width = static_cast<int>(kPageW / 72 * dpi);
  img.height = static_cast<int>(kPageH / 72 * dpi);
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img.width, img.height);
  cairo_t* cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, dpi / 72.0, dpi / 72.0);
  double angle = std::uniform_real_distribution<double>(-0.4, 0.4)(rng) * M_PI / 180;
  cairo_translate(cr, kPageW / 2, kPageH / 2);
  cairo_rotate(cr, angle);
  cairo_translate(cr, -kPageW / 2, -kPageH / 2);
  DrawPage(cr, page);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  int stride = cairo_image_surface_get_stride(s);
  img.pixels.resize(static_cast<size_t>(img.width) * img.height);
  std::normal_distribution<double> gauss(0, noise);
  std::uniform_real_distribution<double> uni(0, 1);
  for (int y = 0; y < img.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < img.width; ++x) {
      uint32_t px = row[x];
      double g = 0.299 * ((px >> 16) & 0xff) + 0.587 * ((px >> 8) & 0xff) + 0.114 * (px & 0xff);
      if (noise > 0) g += gauss(rng);
      double r = uni(rng);
      if (r < 0.001) g = 0;
      else if (r < 0.002) g = 255;
      img.pixels[static_cast<size_t>(y) * img.width + x] =
          static_cast<uint8_t>(std::clamp(g, 0.0, 255.0));
    }
  }
  cairo_surface_destroy(s);
  return img;
}

std::string EncodePng(const GrayImage& img) {
  Pix* pix = ToPix(img);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixWriteMemPng(&data, &size, pix, 0);
  pixDestroy(&pix);
  if (!data) throw std::runtime_error("PNG encoding failed");
  std::string out(reinterpret_cast<char*>(data), size);
  lept_free(data);
  return out;
}

std::string EncodeMultipageTiff(const std::vector<GrayImage>& imgs) {
  Pixa* pixa = pixaCreate(static_cast<int>(imgs.size()));
  for (const auto& img : imgs) pixaAddPix(pixa, ToPix(img), L_INSERT);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixaWriteMemMultipageTiff(&data, &size, pixa);
  pixaDestroy(&pixa);
  if (!data) throw std::runtime_error("TIFF encoding failed");
  std::string out(reinterpret_cast<char*>(data), size);
  lept_free(data);
  return out;
}

std::string RenderImagePdf(const std::vector<GrayImage>& imgs) {
  std::string out;
  cairo_surface_t* s = cairo_pdf_surface_create_for_stream(&AppendToString, &out, kPageW, kPageH);
  cairo_t* cr = cairo_create(s);
  for (const auto& img : imgs) {
    cairo_surface_t* is = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img.width, img.height);
    cairo_surface_flush(is);
    unsigned char* data = cairo_image_surface_get_data(is);
    int stride = cairo_image_surface_get_stride(is);
    for (int y = 0; y < img.height; ++y) {
      auto* row = reinterpret_cast<uint32_t*>(data + y * stride);
      for (int x = 0; x < img.width; ++x) {
        uint32_t g = img.pixels[static_cast<size_t>(y) * img.width + x];
        row[x] = (g << 16) | (g << 8) | g;
      }
    }
    cairo_surface_mark_dirty(is);
    cairo_save(cr);
    cairo_scale(cr, 72.0 / img.dpi, 72.0 / img.dpi);
    cairo_set_source_surface(cr, is, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_show_page(cr);
    cairo_surface_destroy(is);
  }
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_surface_destroy(s);
  return out;
}

}  // namespace goldset::docgen
