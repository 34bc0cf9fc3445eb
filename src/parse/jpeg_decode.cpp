// JPEG through libjpeg(-turbo), scanline by scanline. libjpeg reports bad entropy data
// and a file that ends early as warnings and goes on with filler; the first such warning
// marks where the good rows end.
// jpeglib.h needs size_t and FILE declared first.
#include <csetjmp>
#include <cstddef>
#include <cstdio>

#include <jpeglib.h>
#include <jerror.h>

#include "parse/image_codecs.h"

namespace goldset::parse {

namespace {

struct JpegErrors {
  jpeg_error_mgr mgr;  // first: libjpeg passes &mgr, cast back to JpegErrors
  jmp_buf jump;
  char error[JMSG_LENGTH_MAX] = "";
  bool reading_rows = false;
  bool damaged = false;
  bool damaged_in_rows = false;  // else found before the first scanline
  JDIMENSION damaged_row = 0;    // rows before the damage
  char damage[JMSG_LENGTH_MAX] = "";
};

void OnError(j_common_ptr c) {
  auto* e = reinterpret_cast<JpegErrors*>(c->err);
  (*c->err->format_message)(c, e->error);
  std::longjmp(e->jump, 1);
}

// Warnings that mean the image data itself is bad; others (an unknown JFIF revision, a
// few stray bytes before a marker) leave the pixels intact.
bool IsDataDamage(int code) {
  return code == JWRN_HIT_MARKER || code == JWRN_JPEG_EOF || code == JWRN_HUFF_BAD_CODE ||
         code == JWRN_ARITH_BAD_CODE || code == JWRN_MUST_RESYNC || code == JWRN_NOT_SEQUENTIAL ||
         code == JWRN_BOGUS_PROGRESSION;
}

void OnMessage(j_common_ptr c, int level) {
  if (level >= 0) return;  // trace output
  auto* e = reinterpret_cast<JpegErrors*>(c->err);
  c->err->num_warnings++;
  if (e->damaged || !IsDataDamage(c->err->msg_code)) return;
  e->damaged = true;
  // libjpeg decodes a band of 8 or 16 rows when the first of them is asked for, so the
  // rows before the one being read are intact. Before the first scanline (a progressive
  // file is read whole by start_decompress) the damage has no row.
  e->damaged_in_rows = e->reading_rows;
  e->damaged_row = reinterpret_cast<j_decompress_ptr>(c)->output_scanline;
  (*c->err->format_message)(c, e->damage);
}

struct Decompressor {
  jpeg_decompress_struct info{};
  JpegErrors errors;
  Decompressor() {
    info.err = jpeg_std_error(&errors.mgr);
    errors.mgr.error_exit = OnError;
    errors.mgr.emit_message = OnMessage;
  }
  ~Decompressor() { jpeg_destroy_decompress(&info); }
};

// Header and decoder start-up. No C++ objects live here, so a longjmp skips no destructor.
bool Start(Decompressor* d, const unsigned char* data, size_t size, int page, double max_megapixels, Status* budget) {
  if (setjmp(d->errors.jump)) return false;
  jpeg_create_decompress(&d->info);
  jpeg_mem_src(&d->info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&d->info, TRUE);
  *budget = CheckPixelBudget(page, d->info.image_width, d->info.image_height, max_megapixels);
  if (!budget->ok()) return false;
  const bool cmyk = d->info.jpeg_color_space == JCS_CMYK || d->info.jpeg_color_space == JCS_YCCK;
  d->info.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
  // A progressive file keeps every coefficient in memory (2 bytes per sample); bound that
  // too, so libjpeg fails cleanly rather than allocating past the pixel budget.
  d->info.mem->max_memory_to_use = static_cast<long>(max_megapixels * 1e6 * 8) + (64L << 20);
  jpeg_start_decompress(&d->info);
  return true;
}

// CMYK as Adobe writes it (inverted: 255 = no ink) to gray.
void CmykToGray(const unsigned char* cmyk, unsigned char* gray, JDIMENSION width, bool inverted) {
  for (JDIMENSION x = 0; x < width; ++x) {
    unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
    if (!inverted) c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
    gray[x] = static_cast<unsigned char>((299 * c + 587 * m + 114 * y) / 1000 * k / 255);
  }
}

// Reads scanlines into `gray` until the end, an error, or the first damage. *rows counts
// the rows read. False on a libjpeg error.
bool ReadRows(Decompressor* d, unsigned char* gray, unsigned char* cmyk_row, JDIMENSION* rows) {
  if (setjmp(d->errors.jump)) return false;
  d->errors.reading_rows = true;
  const JDIMENSION width = d->info.output_width;
  while (d->info.output_scanline < d->info.output_height) {
    JDIMENSION y = d->info.output_scanline;
    JSAMPROW row = cmyk_row ? cmyk_row : gray + static_cast<size_t>(y) * width;
    if (jpeg_read_scanlines(&d->info, &row, 1) != 1) break;
    if (cmyk_row) CmykToGray(cmyk_row, gray + static_cast<size_t>(y) * width, width, d->info.saw_Adobe_marker);
    if (d->errors.damaged_in_rows) {
      *rows = d->errors.damaged_row;
      break;
    }
    *rows = y + 1;
  }
  return true;
}

}  // namespace

StatusOr<GrayFrame> DecodeJpeg(std::string_view bytes, int page, double max_megapixels) {
  Decompressor d;
  Status budget;
  if (!Start(&d, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), page, max_megapixels, &budget)) {
    if (!budget.ok()) return budget;
    return UnreadableImage("JPEG", d.errors.error);
  }
  GrayFrame frame;
  frame.width = static_cast<int>(d.info.output_width);
  frame.height = static_cast<int>(d.info.output_height);
  if (d.info.density_unit == 1) frame.ppi = d.info.X_density;
  if (d.info.density_unit == 2) frame.ppi = static_cast<int>(d.info.X_density * 2.54 + 0.5);
  frame.pixels.resize(static_cast<size_t>(frame.width) * static_cast<size_t>(frame.height));
  std::vector<unsigned char> cmyk_row;
  if (d.info.out_color_space == JCS_CMYK) cmyk_row.resize(static_cast<size_t>(frame.width) * 4);
  JDIMENSION rows = 0;
  bool complete = ReadRows(&d, frame.pixels.data(), cmyk_row.empty() ? nullptr : cmyk_row.data(), &rows);
  if (rows == 0) return UnreadableImage("JPEG", d.errors.damaged ? d.errors.damage : d.errors.error);
  frame.rows = static_cast<int>(rows);
  frame.pixels.resize(static_cast<size_t>(frame.width) * rows);
  if (!complete) {
    frame.damage = d.errors.error;
  } else if (d.errors.damaged) {
    frame.damage = d.errors.damage;
  }
  return frame;
}

}  // namespace goldset::parse
