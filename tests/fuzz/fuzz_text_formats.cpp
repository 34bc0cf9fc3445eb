// libFuzzer target: TXT/CSV/HTML/XML extraction through ParseDocument.
// Input: one byte choosing the format, then the file.
// Checks: success or Unprocessable only; every page's text is valid UTF-8 and its
// whitespace-separated tokens are exactly its words; the cache form round-trips.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/encoding.h"
#include "parse/parse.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace goldset::parse;
  if (size < 1) return 0;
  static const char* kTypes[] = {"TXT", "CSV", "HTML", "XML"};
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  ParseOptions options;
  options.timeout_ms = 10000;
  options.max_words = 100000;
  auto doc = ParseDocument(bytes, kTypes[data[0] % 4], options);
  if (!doc.ok()) {
    Check(doc.status().code() == goldset::Status::Code::kUnprocessable);
    return 0;
  }
  for (const Page& p : doc->pages) {
    Check(goldset::IsValidUtf8(p.text));
    size_t w = 0, i = 0;
    while (i < p.text.size()) {
      while (i < p.text.size() && (p.text[i] == ' ' || p.text[i] == '\n')) ++i;
      size_t start = i;
      while (i < p.text.size() && p.text[i] != ' ' && p.text[i] != '\n') ++i;
      if (i > start) Check(w < p.words.size() && p.words[w++].text == p.text.substr(start, i - start));
    }
    Check(w == p.words.size());
  }
  auto back = DeserializeDocument(SerializeDocument(*doc));
  Check(back.ok() && back->pages.size() == doc->pages.size());
  for (size_t k = 0; k < doc->pages.size(); ++k) Check(back->pages[k].text == doc->pages[k].text);
  return 0;
}
