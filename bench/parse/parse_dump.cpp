// parse_dump FILE [TYPE]: prints the parsed pages of FILE (a debugging aid).
#include <fstream>
#include <iostream>
#include <iterator>

#include "parse/file_type.h"
#include "parse/parse.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: parse_dump FILE [TYPE]\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::string type = argc > 2 ? argv[2] : goldset::parse::DetectFileType(bytes, argv[1], "").value_or("TXT");
  auto doc = goldset::parse::ParseDocument(bytes, type, {});
  if (!doc.ok()) {
    std::cerr << doc.status().ToString() << "\n";
    return 1;
  }
  for (const auto& p : doc->pages)
    std::cout << "=== page " << p.number
              << (p.ocr ? " (OCR, mean confidence " + std::to_string(p.mean_confidence) + ")" : "") << " ===\n"
              << p.text << "\n";
  for (const auto& w : doc->warnings) std::cout << "warning: " << w << "\n";
  return 0;
}
