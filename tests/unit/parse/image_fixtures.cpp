#include "image_fixtures.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include <jpeglib.h>
#include <zlib.h>

namespace goldset::parse::testing {

namespace {

void Be32(std::string* s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s->push_back(static_cast<char>(v >> shift));
}

void PngChunk(std::string* out, const char* type, const std::string& data) {
  Be32(out, static_cast<uint32_t>(data.size()));
  std::string td = std::string(type, 4) + data;
  out->append(td);
  Be32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(td.data()), static_cast<uInt>(td.size()))));
}

std::string Deflate(const std::vector<unsigned char>& raw) {
  uLongf size = compressBound(raw.size());
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size, raw.data(), raw.size(), 9);
  out.resize(size);
  return out;
}

}  // namespace

std::string BlankPng(uint32_t width, uint32_t height, int bit_depth) {
  std::string ihdr;
  Be32(&ihdr, width);
  Be32(&ihdr, height);
  ihdr += static_cast<char>(bit_depth);
  ihdr.append("\0\0\0\0", 4);  // grayscale, deflate, adaptive filtering, no interlace
  const size_t row = 1 + (static_cast<size_t>(width) * bit_depth + 7) / 8;
  std::vector<unsigned char> raw(row * height, 0xff);
  for (size_t y = 0; y < height; ++y) raw[y * row] = 0;
  std::string out = "\x89PNG\r\n\x1a\n";
  PngChunk(&out, "IHDR", ihdr);
  PngChunk(&out, "IDAT", Deflate(raw));
  PngChunk(&out, "IEND", "");
  return out;
}

std::string SharedStripTiff(const std::vector<FrameSize>& frames) {
  size_t largest = 0;
  for (const FrameSize& f : frames) largest = std::max<size_t>(largest, static_cast<size_t>(f.width) * f.height);
  std::string strip = Deflate(std::vector<unsigned char>(largest, 0xff));
  if (strip.size() % 2) strip.push_back('\0');
  std::string out("II*\0", 4);
  auto le16 = [&](uint32_t v) {
    out.push_back(static_cast<char>(v));
    out.push_back(static_cast<char>(v >> 8));
  };
  auto le32 = [&](uint32_t v) {
    le16(v & 0xffff);
    le16(v >> 16);
  };
  const uint32_t first_ifd = 8 + static_cast<uint32_t>(strip.size());
  const uint32_t ifd_size = 2 + 10 * 12 + 4;
  le32(first_ifd);
  out += strip;
  for (size_t f = 0; f < frames.size(); ++f) {
    le16(10);
    auto tag = [&](uint32_t id, uint32_t type, uint32_t value) {
      le16(id);
      le16(type);
      le32(1);
      le32(value);  // SHORT values sit in the low half (little endian)
    };
    tag(256, 4, frames[f].width);
    tag(257, 4, frames[f].height);
    tag(258, 3, 8);
    tag(259, 3, 8);  // deflate
    tag(262, 3, 1);  // black is zero
    tag(273, 4, 8);  // the shared strip
    tag(277, 3, 1);
    tag(278, 4, frames[f].height);
    tag(279, 4, static_cast<uint32_t>(strip.size()));
    tag(284, 3, 1);
    le32(f + 1 < frames.size() ? first_ifd + static_cast<uint32_t>(f + 1) * ifd_size : 0);
  }
  return out;
}

std::string BlankPdf(double width_pt, double height_pt) {
  char page[160];
  std::snprintf(page, sizeof page, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] >>", width_pt, height_pt);
  const std::string objs[] = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page};
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < 3; ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 4\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    out += line;
  }
  out += "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string JpegWithRestarts(const docgen::GrayImage& img, int quality) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = static_cast<JDIMENSION>(img.width);
  c.image_height = static_cast<JDIMENSION>(img.height);
  c.input_components = 1;
  c.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  c.restart_in_rows = 1;
  c.density_unit = 1;
  c.X_density = c.Y_density = static_cast<UINT16>(img.dpi);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(img.pixels.data() + static_cast<size_t>(c.next_scanline) * img.width);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::string out(reinterpret_cast<char*>(buf), size);
  free(buf);
  return out;
}

size_t RestartMarkerEnd(const std::string& jpeg, int k) {
  int seen = 0;
  for (size_t i = 0; i + 1 < jpeg.size(); ++i) {
    if (static_cast<unsigned char>(jpeg[i]) == 0xFF && (static_cast<unsigned char>(jpeg[i + 1]) & 0xF8) == 0xD0 &&
        ++seen == k)
      return i + 2;
  }
  return std::string::npos;
}

std::string StripTiff(const docgen::GrayImage& img, uint32_t rows_per_strip) {
  // Written by hand with the directory first and the strips after it, as many scanners
  // do, so a file cut short keeps its directory and the strips before the cut.
  const uint32_t width = static_cast<uint32_t>(img.width), height = static_cast<uint32_t>(img.height);
  const uint32_t strips = (height + rows_per_strip - 1) / rows_per_strip;
  std::vector<std::string> data;
  for (uint32_t s = 0; s < strips; ++s) {
    const size_t first = static_cast<size_t>(s) * rows_per_strip * width;
    const size_t rows = std::min<uint32_t>(rows_per_strip, height - s * rows_per_strip);
    data.push_back(
        Deflate(std::vector<unsigned char>(img.pixels.begin() + first, img.pixels.begin() + first + rows * width)));
  }
  const uint32_t entries = 13;
  const uint32_t ifd = 8, arrays = ifd + 2 + entries * 12 + 4;
  const uint32_t offsets_at = arrays, counts_at = offsets_at + 4 * strips, res_at = counts_at + 4 * strips;
  uint32_t data_at = res_at + 8;
  std::string out("II*\0", 4);
  auto le16 = [&](uint32_t v) {
    out.push_back(static_cast<char>(v));
    out.push_back(static_cast<char>(v >> 8));
  };
  auto le32 = [&](uint32_t v) {
    le16(v & 0xffff);
    le16(v >> 16);
  };
  auto tag = [&](uint32_t id, uint32_t type, uint32_t count, uint32_t value) {
    le16(id);
    le16(type);
    le32(count);
    le32(value);
  };
  le32(ifd);
  le16(entries);
  tag(256, 4, 1, width);
  tag(257, 4, 1, height);
  tag(258, 3, 1, 8);
  tag(259, 3, 1, 8);  // deflate
  tag(262, 3, 1, 1);  // black is zero
  tag(273, 4, strips, strips == 1 ? data_at : offsets_at);
  tag(277, 3, 1, 1);
  tag(278, 4, 1, rows_per_strip);
  tag(279, 4, strips, strips == 1 ? static_cast<uint32_t>(data[0].size()) : counts_at);
  tag(282, 5, 1, res_at);  // XResolution
  tag(283, 5, 1, res_at);  // YResolution
  tag(284, 3, 1, 1);
  tag(296, 3, 1, 2);  // inch
  le32(0);
  uint32_t at = data_at;
  for (const std::string& d : data) {
    le32(at);
    at += static_cast<uint32_t>(d.size());
  }
  for (const std::string& d : data) le32(static_cast<uint32_t>(d.size()));
  le32(static_cast<uint32_t>(img.dpi));
  le32(1);
  for (const std::string& d : data) out += d;
  return out;
}

}  // namespace goldset::parse::testing
