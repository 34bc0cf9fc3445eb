// Entry points of the parsing module: file bytes -> Document.
//
// Thread-safety: every function here may be called concurrently from any number of
// threads; OCR uses one tesseract engine per calling thread (see ocr.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parse/document.h"

namespace goldset::parse {

// Parses `bytes` of contract FileType `file_type` ("PDF","IMG","TXT","CSV","HTML",
// "XML","DOCX","EXCEL"). PDF pages with a text layer use it; pages without one and
// images are OCR'd. Errors are Status::Unprocessable with a readable reason
// (unsupported type, encrypted without/with wrong password, corrupt PDF, time or page
// limit exceeded); a failure to start the OCR engine is Internal.
StatusOr<Document> ParseDocument(std::string_view bytes, std::string_view file_type, const ParseOptions& options);

// Cache keys of derived artifacts (parsed documents, page images). A key holds
//  - `scope`: whose artifact it is. Callers pass the workspace id, so no workspace is ever
//    served, or can time, an entry another workspace produced;
//  - the content hash and a digest of the password salted with it (an encrypted PDF
//    opened with a password is a different artifact from the same bytes without it);
//  - every setting that changes the result.
std::string ParseCacheKey(std::string_view scope, const std::string& content_sha256, std::string_view file_type,
                          const ParseOptions& options);
std::string PageImageCacheKey(std::string_view scope, const std::string& content_sha256, const std::string& password,
                              int page_number, int dpi);

// As ParseDocument, but looks the result up in `cache` first (keyed by ParseCacheKey)
// and stores successful results there. A hit performs no parsing or OCR.
// `cache` may be null. REQUIRES: content_sha256 is the SHA-256 hex of `bytes`.
StatusOr<Document> ParseDocumentCached(std::string_view bytes, const std::string& content_sha256,
                                       std::string_view file_type, const ParseOptions& options, std::string_view scope,
                                       ParseCache* cache);
// The same with the bytes loaded by `load_bytes` only on a cache miss (a hit reads no
// file content at all); an error from it is returned as is.
StatusOr<Document> ParseDocumentCached(const std::function<StatusOr<std::string>()>& load_bytes,
                                       const std::string& content_sha256, std::string_view file_type,
                                       const ParseOptions& options, std::string_view scope, ParseCache* cache);

// Number of ParseDocument calls in this process (cache hits do not count); for tests
// and benchmarks that prove a cached run did no parsing.
uint64_t ParsesPerformed();

// Compact binary-safe (JSON) round trip of a Document, used as the cache value.
std::string SerializeDocument(const Document& doc);
StatusOr<Document> DeserializeDocument(std::string_view data);

// Renders page `page_number` (1-based) of a PDF to PNG bytes at `dpi` (10..600).
// A page over `max_megapixels` at that dpi is TooLarge, checked before rendering; a
// missing page is NotFound; a corrupt or locked PDF is Unprocessable.
StatusOr<std::string> RenderPdfPagePng(std::string_view bytes, const std::string& password, int page_number, int dpi,
                                       double max_megapixels = 50);

}  // namespace goldset::parse
