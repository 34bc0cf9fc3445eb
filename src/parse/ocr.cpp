#include "parse/ocr.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>
#include <omp.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <memory>

#include "parse/image_decode.h"
#include "parse/layout.h"

namespace goldset::parse {

namespace {

// One engine per thread and language; tesseract engines are not thread-safe but are
// expensive to start (~100 ms), so each worker keeps its own.
tesseract::TessBaseAPI* ThreadEngine(const std::string& language) {
  // libgomp reads OMP_THREAD_LIMIT only when the process starts, so setting the
  // variable here is not enough, and tesseract's regions name their own
  // num_threads(...). With dynamic adjustment on, libgomp caps every region this
  // thread starts at nthreads-var, here 1. Without it each worker's tesseract starts
  // a team of spinning threads, which on a busy machine more than halves throughput.
  thread_local bool single_threaded = [] {
    omp_set_num_threads(1);
    omp_set_dynamic(1);
    return true;
  }();
  (void)single_threaded;
  thread_local std::map<std::string, std::unique_ptr<tesseract::TessBaseAPI>> engines;
  auto it = engines.find(language);
  if (it != engines.end()) return it->second.get();
  // Some of what starting an engine sets is process-wide (the environment; debug_file,
  // one of tesseract's global parameters, which every engine reads while it works):
  // engines start one at a time, and the globals are set once, before any engine runs.
  static std::mutex start_mu;
  static bool globals_set = false;
  std::lock_guard<std::mutex> lock(start_mu);
  // For child processes and OpenMP runtimes that read it late.
  if (!globals_set) setenv("OMP_THREAD_LIMIT", "1", /*overwrite=*/0);
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  if (api->Init(nullptr, language.c_str()) != 0) return nullptr;
  // Silences "Estimating resolution..." noise for every engine.
  if (!globals_set) api->SetVariable("debug_file", "/dev/null");
  globals_set = true;
  api->SetPageSegMode(tesseract::PSM_AUTO);
  return engines.emplace(language, std::move(api)).first->second.get();
}

// Appends the recognized words of the engine's current image to `page`.
void CollectWords(tesseract::TessBaseAPI* api, Page* page) {
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  double conf_sum = 0;
  if (it) {
    do {
      if (it->Empty(tesseract::RIL_WORD)) continue;
      std::unique_ptr<char[]> raw(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!raw) continue;
      std::string w;
      for (const char* c = raw.get(); *c; ++c)
        if (!std::isspace(static_cast<unsigned char>(*c))) w.push_back(*c);
      if (w.empty()) continue;
      int l = 0, t = 0, r = 0, b = 0;
      it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b);
      double conf = it->Confidence(tesseract::RIL_WORD) / 100.0;
      if (conf < 0) conf = 0;
      if (conf > 1) conf = 1;
      conf_sum += conf;
      page->words.push_back(Word{std::move(w), double(l), double(t), double(r), double(b), conf});
    } while (it->Next(tesseract::RIL_WORD));
  }
  page->text = LayoutWords(&page->words);
  page->ocr = true;
  page->mean_confidence = page->words.empty() ? 0 : conf_sum / page->words.size();
}

// tesseract's monitor callback: true stops recognition.
bool StopWhenCancelled(void* token, int) { return static_cast<const CancelToken*>(token)->cancelled(); }

Status Recognize(tesseract::TessBaseAPI* api, Deadline deadline, int timeout_ms, Page* page,
                 const CancelToken* cancel) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return Status::Unprocessable(TimeLimitMessage(timeout_ms));
  if (cancel && cancel->cancelled()) return cancel->reason();
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(static_cast<int32_t>(std::min<long long>(left.count(), 1 << 30)));
  if (cancel) {
    monitor.cancel = &StopWhenCancelled;
    monitor.cancel_this = const_cast<CancelToken*>(cancel);
  }
  int rc = api->Recognize(&monitor);
  if (cancel && cancel->cancelled()) {
    api->Clear();
    return cancel->reason();
  }
  if (std::chrono::steady_clock::now() >= deadline) return Status::Unprocessable(TimeLimitMessage(timeout_ms));
  if (rc != 0) return Status::Unprocessable("OCR failed to recognize the page image");
  CollectWords(api, page);
  api->Clear();
  return Status::OK();
}

}  // namespace

Status OcrGray8(const unsigned char* data, int width, int height, int bytes_per_line, int ppi,
                const std::string& language, Deadline deadline, int timeout_ms, Page* page, const CancelToken* cancel) {
  tesseract::TessBaseAPI* api = ThreadEngine(language);
  if (!api) return Status::Internal("OCR engine failed to start for language " + language);
  api->SetImage(data, width, height, 1, bytes_per_line);
  api->SetSourceResolution(ppi);
  page->width = width;
  page->height = height;
  return Recognize(api, deadline, timeout_ms, page, cancel);
}

StatusOr<Document> OcrImageFile(std::string_view bytes, const ParseOptions& options, Deadline deadline) {
  // Headers and the frame count first; then one frame at a time, decoded only after its
  // dimensions passed the pixel budget and freed before the next.
  auto file = ImageFile::Open(bytes, ImageLimits{options.max_page_megapixels, options.max_pages});
  if (!file.ok()) return file.status();
  Document doc;
  size_t words = 0;
  for (int i = 0; i < file->frames(); ++i) {
    if (std::chrono::steady_clock::now() >= deadline)
      return Status::Unprocessable(TimeLimitMessage(options.timeout_ms));
    auto frame = file->Decode(i);
    if (!frame.ok()) return frame.status();
    Page page;
    page.number = i + 1;
    GOLDSET_RETURN_IF_ERROR(OcrGray8(frame->pixels.data(), frame->width, frame->rows, frame->width,
                                     frame->ppi > 0 ? frame->ppi : 300, options.ocr_language, deadline,
                                     options.timeout_ms, &page, options.cancel));
    page.height = frame->height;  // page coordinates are those of the whole image
    if (!frame->damage.empty())
      doc.warnings.push_back((file->frames() > 1 ? "page " + std::to_string(i + 1) + ": " : "") +
                             DamageWarning(*frame));
    words += page.words.size();
    if (words > options.max_words) return WordLimitError(options.max_words);
    doc.pages.push_back(std::move(page));
  }
  return doc;
}

}  // namespace goldset::parse
