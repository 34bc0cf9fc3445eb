// File type detection and page counting, used at upload time.
// Pure functions over the file's bytes; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace goldset::parse {

// The contract's FileType values: "PDF", "CSV", "IMG", "TXT", "DOCX", "EXCEL", "XML", "HTML".
// Content sniffing first (magic bytes), then the file name's extension, then
// the declared MIME type. nullopt when the type cannot be determined.
std::optional<std::string> DetectFileType(std::string_view bytes, std::string_view filename,
                                          std::string_view mime_type);

// Page count of a PDF (poppler). nullopt when the bytes are not a readable PDF,
// including an encrypted PDF whose password is not given or wrong.
std::optional<int> PdfPageCount(std::string_view bytes, const std::string& password);

}  // namespace goldset::parse
