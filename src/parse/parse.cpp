#include "parse/parse.h"

#include <atomic>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/json.h"
#include "parse/ocr.h"
#include "parse/pdf.h"
#include "parse/text_formats.h"

namespace goldset::parse {

namespace {

std::atomic<uint64_t> g_parses{0};

// Text files that are not UTF-8 are taken as Latin-1, the most common legacy encoding,
// so every Document holds valid UTF-8.
std::string AsUtf8(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// The page and word limits, also for documents from the cache (limits may have changed).
Status CheckLimits(const Document& doc, const ParseOptions& options) {
  if (static_cast<int>(doc.pages.size()) > options.max_pages)
    return Status::Unprocessable("document has " + std::to_string(doc.pages.size()) + " pages, over the " +
                                 std::to_string(options.max_pages) + "-page limit");
  size_t words = 0;
  for (const Page& p : doc.pages) words += p.words.size();
  if (words > options.max_words) return WordLimitError(options.max_words);
  return Status::OK();
}

// Text formats check the deadline as they go (text_formats.h), like PDF pages and OCR.
StatusOr<Document> ParseTextFormat(const std::string& text, std::string_view file_type, const TimeLimit& limit,
                                   size_t max_words) {
  if (file_type == "HTML" || file_type == "XML") {
    auto visible = file_type == "HTML" ? HtmlVisibleText(text, limit) : XmlText(text, limit);
    if (!visible.ok()) return visible.status();
    return DocumentFromText(*visible, limit, max_words);
  }
  return DocumentFromText(text, limit, max_words);
}

}  // namespace

uint64_t ParsesPerformed() { return g_parses.load(); }

StatusOr<Document> ParseDocument(std::string_view bytes, std::string_view file_type, const ParseOptions& options) {
  g_parses.fetch_add(1);
  const Deadline deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  if (bytes.empty()) return Status::Unprocessable("file is empty");
  StatusOr<Document> doc = Status::Internal("unreachable");
  if (file_type == "PDF") {
    doc = ParsePdf(bytes, options, deadline);
  } else if (file_type == "IMG") {
    doc = OcrImageFile(bytes, options, deadline);
  } else if (file_type == "TXT" || file_type == "CSV" || file_type == "HTML" || file_type == "XML") {
    doc = ParseTextFormat(AsUtf8(bytes), file_type, TimeLimit{deadline, options.timeout_ms}, options.max_words);
  } else {
    return Status::Unprocessable("unsupported file type " + std::string(file_type));
  }
  if (!doc.ok()) return doc;
  GOLDSET_RETURN_IF_ERROR(CheckLimits(*doc, options));
  return doc;
}

namespace {

// 128 bits of SHA-256 over the password, salted with the content hash so that equal
// passwords of different documents do not share a digest.
std::string PasswordDigest(const std::string& content_sha256, const std::string& password) {
  return Sha256Hex("goldset cache password\n" + content_sha256 + "\n" + password).substr(0, 32);
}

}  // namespace

std::string ParseCacheKey(std::string_view scope, const std::string& content_sha256, std::string_view file_type,
                          const ParseOptions& options) {
  // Bump "v2" when the parser's output changes.
  return "parse:v2:" + std::string(scope) + ":" + content_sha256 + ":" +
         PasswordDigest(content_sha256, options.password) + ":" + std::string(file_type) + ":dpi" +
         std::to_string(options.ocr_dpi) + ":" + options.ocr_language;
}

std::string PageImageCacheKey(std::string_view scope, const std::string& content_sha256, const std::string& password,
                              int page_number, int dpi) {
  return "png:v2:" + std::string(scope) + ":" + content_sha256 + ":" + PasswordDigest(content_sha256, password) + ":" +
         std::to_string(page_number) + ":" + std::to_string(dpi);
}

StatusOr<Document> ParseDocumentCached(std::string_view bytes, const std::string& content_sha256,
                                       std::string_view file_type, const ParseOptions& options, std::string_view scope,
                                       ParseCache* cache) {
  return ParseDocumentCached([&]() -> StatusOr<std::string> { return std::string(bytes); }, content_sha256, file_type,
                             options, scope, cache);
}

StatusOr<Document> ParseDocumentCached(const std::function<StatusOr<std::string>()>& load_bytes,
                                       const std::string& content_sha256, std::string_view file_type,
                                       const ParseOptions& options, std::string_view scope, ParseCache* cache) {
  const std::string key = ParseCacheKey(scope, content_sha256, file_type, options);
  if (cache) {
    if (auto hit = cache->Get(key)) {
      auto doc = DeserializeDocument(*hit);
      if (doc.ok() && CheckLimits(*doc, options).ok()) return doc;
      if (doc.ok()) return CheckLimits(*doc, options);
      // A damaged entry is rebuilt rather than failing the item.
    }
  }
  auto bytes = load_bytes();
  if (!bytes.ok()) return bytes.status();
  auto doc = ParseDocument(*bytes, file_type, options);
  if (doc.ok() && cache) cache->Put(key, SerializeDocument(*doc));
  return doc;
}

}  // namespace goldset::parse
