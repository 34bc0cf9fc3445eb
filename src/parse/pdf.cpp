#include "parse/pdf.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <cmath>
#include <memory>
#include <mutex>

#include "parse/image_codecs.h"
#include "parse/image_decode.h"
#include "parse/layout.h"
#include "parse/parse.h"

namespace goldset::parse {

namespace {

// poppler prints every syntax error of a damaged file to stderr; the caller gets a
// Status instead, so the library's chatter is dropped.
void SilencePoppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

StatusOr<std::unique_ptr<poppler::document>> OpenPdf(std::string_view bytes, const std::string& password) {
  SilencePoppler();
  if (bytes.size() < 8 || bytes.substr(0, 5) != "%PDF-")
    return Status::Unprocessable("corrupt or truncated PDF: missing %PDF- header");
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size()), password, password));
  if (!doc) return Status::Unprocessable("corrupt or truncated PDF");
  if (doc->is_locked()) {
    doc->unlock(password, password);
    if (doc->is_locked()) return Status::Unprocessable("PDF is encrypted and the password is missing or wrong");
  }
  if (doc->pages() <= 0) return Status::Unprocessable("corrupt or truncated PDF: no pages");
  return doc;
}

// Reads the text layer's words; LayoutWords puts them in line order.
void ReadTextLayer(const poppler::page& p, Page* page) {
  std::vector<poppler::text_box> boxes = p.text_list();
  page->words.reserve(boxes.size());
  for (const auto& box : boxes) {
    poppler::byte_array utf8 = box.text().to_utf8();
    std::string w;
    for (char c : utf8)
      if (!std::isspace(static_cast<unsigned char>(c)) && c != '\0') w.push_back(c);
    if (w.empty()) continue;
    poppler::rectf r = box.bbox();
    page->words.push_back(Word{std::move(w), r.x(), r.y(), r.x() + r.width(), r.y() + r.height(), 1.0});
  }
  page->text = LayoutWords(&page->words);
}

// The size in pixels poppler renders page `p` at `dpi` (its crop box, turned by the
// page's rotation). TooLarge when that is over the pixel budget, Unprocessable when the
// box is no size at all.
Status RenderSize(const poppler::page& p, int page_number, int dpi, double max_megapixels, int* width, int* height) {
  poppler::rectf box = p.page_rect(poppler::crop_box);
  double w = std::ceil(box.width() / 72.0 * dpi), h = std::ceil(box.height() / 72.0 * dpi);
  if (!(w >= 1 && h >= 1))
    return Status::Unprocessable("corrupt PDF: page " + std::to_string(page_number) + " has an empty page box");
  char note[96];
  std::snprintf(note, sizeof note, "at %d dpi (%.0f x %.0f pt)", dpi, box.width(), box.height());
  if (Status st = CheckPixelBudget(page_number, w, h, max_megapixels, note); !st.ok())
    return Status::TooLarge(st.message());
  const auto turn = p.orientation();
  if (turn == poppler::page::landscape || turn == poppler::page::seascape) std::swap(w, h);
  *width = static_cast<int>(w);
  *height = static_cast<int>(h);
  return Status::OK();
}

// A page counts as having a text layer when it yields at least a few characters;
// scanned pages often carry a stray invisible glyph or two.
bool HasTextLayer(const Page& page) {
  size_t chars = 0;
  for (const auto& w : page.words) chars += w.text.size();
  return chars >= 3;
}

}  // namespace

StatusOr<Document> ParsePdf(std::string_view bytes, const ParseOptions& options, Deadline deadline) {
  auto opened = OpenPdf(bytes, options.password);
  if (!opened.ok()) return opened.status();
  poppler::document& doc = **opened;
  const int n = doc.pages();
  if (n > options.max_pages)
    return Status::Unprocessable("document has " + std::to_string(n) + " pages, over the " +
                                 std::to_string(options.max_pages) + "-page limit");
  Document out;
  size_t words = 0;
  std::unique_ptr<poppler::page_renderer> renderer;
  for (int i = 0; i < n; ++i) {
    if (std::chrono::steady_clock::now() >= deadline)
      return Status::Unprocessable(TimeLimitMessage(options.timeout_ms));
    if (options.cancel && options.cancel->cancelled()) return options.cancel->reason();
    std::unique_ptr<poppler::page> p(doc.create_page(i));
    if (!p) return Status::Unprocessable("corrupt or truncated PDF: page " + std::to_string(i + 1));
    Page page;
    page.number = i + 1;
    poppler::rectf box = p->page_rect(poppler::media_box);
    page.width = box.width();
    page.height = box.height();
    ReadTextLayer(*p, &page);
    if (!HasTextLayer(page)) {
      if (!renderer) {
        renderer = std::make_unique<poppler::page_renderer>();
        renderer->set_image_format(poppler::image::format_gray8);
        renderer->set_render_hint(poppler::page_renderer::antialiasing, true);
        renderer->set_render_hint(poppler::page_renderer::text_antialiasing, true);
      }
      // Checked before rendering; the slice size also caps what poppler allocates.
      int w = 0, h = 0;
      if (Status st = RenderSize(*p, i + 1, options.ocr_dpi, options.max_page_megapixels, &w, &h); !st.ok())
        return Status::Unprocessable(st.message());
      poppler::image img = renderer->render_page(p.get(), options.ocr_dpi, options.ocr_dpi, 0, 0, w, h);
      if (!img.is_valid())
        return Status::Unprocessable("corrupt PDF: page " + std::to_string(i + 1) + " cannot be rendered");
      Page ocr_page;
      ocr_page.number = i + 1;
      GOLDSET_RETURN_IF_ERROR(OcrGray8(reinterpret_cast<const unsigned char*>(img.const_data()), img.width(),
                                       img.height(), img.bytes_per_row(), options.ocr_dpi, options.ocr_language,
                                       deadline, options.timeout_ms, &ocr_page, options.cancel));
      page = std::move(ocr_page);
    }
    words += page.words.size();
    if (words > options.max_words) return WordLimitError(options.max_words);
    out.pages.push_back(std::move(page));
  }
  return out;
}

StatusOr<std::string> RenderPdfPagePng(std::string_view bytes, const std::string& password, int page_number, int dpi,
                                       double max_megapixels) {
  if (dpi < 10 || dpi > 600) return Status::InvalidArgument("dpi must be between 10 and 600");
  auto opened = OpenPdf(bytes, password);
  if (!opened.ok()) return opened.status();
  poppler::document& doc = **opened;
  if (page_number < 1 || page_number > doc.pages())
    return Status::NotFound("page " + std::to_string(page_number) + " does not exist; the PDF has " +
                            std::to_string(doc.pages()) + " pages");
  std::unique_ptr<poppler::page> p(doc.create_page(page_number - 1));
  if (!p) return Status::Unprocessable("corrupt or truncated PDF");
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_argb32);
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  int w = 0, h = 0;
  GOLDSET_RETURN_IF_ERROR(RenderSize(*p, page_number, dpi, max_megapixels, &w, &h));
  poppler::image img = renderer.render_page(p.get(), dpi, dpi, 0, 0, w, h);
  if (!img.is_valid()) return Status::Unprocessable("corrupt PDF: page cannot be rendered");
  return EncodeArgbPng(reinterpret_cast<const unsigned char*>(img.const_data()), img.width(), img.height(),
                       img.bytes_per_row(), dpi);
}

}  // namespace goldset::parse
