#include "common/strings.h"
#include "parse/file_type.h"

#include <poppler-document.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

namespace goldset::parse {

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string Extension(std::string_view filename) {
  auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "";
  return AsciiLower(filename.substr(dot + 1));
}

std::optional<std::string> FromExtension(const std::string& ext) {
  if (ext == "pdf") return "PDF";
  if (ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "tif" || ext == "tiff" || ext == "gif" || ext == "bmp" ||
      ext == "webp" || ext == "heic" || ext == "heif" || ext == "svg" || ext == "psd" || ext == "pcx")
    return "IMG";
  if (ext == "csv") return "CSV";
  if (ext == "txt" || ext == "md" || ext == "rtf" || ext == "lis" || ext == "eml") return "TXT";
  if (ext == "html" || ext == "htm") return "HTML";
  if (ext == "xml") return "XML";
  if (ext == "docx" || ext == "doc" || ext == "dotx" || ext == "odt" || ext == "wpd") return "DOCX";
  if (ext == "xlsx" || ext == "xls" || ext == "xltm" || ext == "xltx" || ext == "ods") return "EXCEL";
  return std::nullopt;
}

bool LooksLikeText(std::string_view bytes) {
  size_t n = std::min<size_t>(bytes.size(), 4096);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = bytes[i];
    if (c == 0) return false;
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> DetectFileType(std::string_view bytes, std::string_view filename,
                                          std::string_view mime_type) {
  const std::string ext = Extension(filename);
  if (StartsWith(bytes, "%PDF-")) return "PDF";
  if (StartsWith(bytes, "\x89PNG\r\n\x1a\n") || StartsWith(bytes, "\xFF\xD8\xFF") || StartsWith(bytes, "II*\0") ||
      StartsWith(bytes, std::string_view("MM\0*", 4)) || StartsWith(bytes, "GIF8") || StartsWith(bytes, "BM"))
    return "IMG";
  if (StartsWith(bytes, std::string_view("II*\0", 4))) return "IMG";
  if (StartsWith(bytes, "PK\x03\x04")) {
    // Office Open XML: the zip's directory names tell Word from Excel.
    size_t scan = std::min<size_t>(bytes.size(), 1 << 20);
    std::string_view head = bytes.substr(0, scan);
    if (head.find("word/") != std::string_view::npos) return "DOCX";
    if (head.find("xl/") != std::string_view::npos) return "EXCEL";
    if (auto t = FromExtension(ext)) return t;
    return std::nullopt;
  }
  if (StartsWith(bytes, "\xD0\xCF\x11\xE0")) {  // legacy OLE2 .doc/.xls
    if (auto t = FromExtension(ext)) return t;
    return std::nullopt;
  }
  if (auto t = FromExtension(ext)) return t;
  std::string mime = AsciiLower(mime_type);
  if (mime == "application/pdf") return "PDF";
  if (StartsWith(mime, "image/")) return "IMG";
  if (mime == "text/csv") return "CSV";
  if (mime == "text/html") return "HTML";
  if (mime == "application/xml" || mime == "text/xml") return "XML";
  if (LooksLikeText(bytes)) {
    std::string head = AsciiLower(bytes.substr(0, 512));
    size_t first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    std::string_view trimmed = first == std::string::npos ? "" : std::string_view(head).substr(first);
    if (StartsWith(trimmed, "<!doctype html") || StartsWith(trimmed, "<html")) return "HTML";
    if (StartsWith(trimmed, "<?xml")) return "XML";
    if (StartsWith(mime, "text/") || mime.empty() || mime == "application/octet-stream") return "TXT";
  }
  return std::nullopt;
}

std::optional<int> PdfPageCount(std::string_view bytes, const std::string& password) {
  // poppler reads the bytes in place (no copy of the upload).
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size()), password, password));
  if (!doc) return std::nullopt;
  // unlock() returns the locking state after the attempt, so test is_locked() again.
  if (doc->is_locked()) {
    doc->unlock(password, password);
    if (doc->is_locked()) return std::nullopt;
  }
  int pages = doc->pages();
  if (pages <= 0) return std::nullopt;
  return pages;
}

}  // namespace goldset::parse
