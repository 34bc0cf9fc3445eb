// gen_test_docs OUTDIR [--count N] [--seed S]
//
// Writes a generated evaluation corpus (see README.md): per set a folder of files with
// NAME.expected.json next to each, configs/{extractor,classifier,splitter}.json with
// the x-rules hints the corpus assumes, and manifest.json listing everything.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/json.h"
#include "docgen_content.h"
#include "docgen_corpus.h"

namespace fs = std::filesystem;
using goldset::json::array;
using goldset::json::object;

namespace {

void Write(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!f) {
    std::cerr << "gen_test_docs: cannot write " << p << "\n";
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]).rfind("--", 0) == 0) {
    std::cerr << "usage: gen_test_docs OUTDIR [--count N] [--seed S]\n";
    return 2;
  }
  fs::path out = argv[1];
  int count = 10;
  uint64_t seed = 42;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--count") count = std::atoi(argv[i + 1]);
    else if (a == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::cerr << "gen_test_docs: unknown option " << a << "\n";
      return 2;
    }
  }
  if (count < 1) count = 1;
  Write(out / "configs/extractor.json", goldset::ToJson(goldset::docgen::ExtractorConfig()));
  Write(out / "configs/classifier.json", goldset::ToJson(goldset::docgen::ClassifierConfig()));
  Write(out / "configs/splitter.json", goldset::ToJson(goldset::docgen::SplitterConfig()));
  array manifest;
  auto emit = [&](const std::vector<goldset::docgen::GeneratedDoc>& docs, const char* processor) {
    for (const auto& d : docs) {
      fs::path file = out / d.set / d.name;
      std::string stem = fs::path(d.name).stem().string();
      Write(file, d.bytes);
      Write(out / d.set / (stem + ".expected.json"), goldset::ToJson(d.expected));
      manifest.push_back(object{{"set", d.set},
                                {"processor", processor},
                                {"config", std::string("configs/") + processor + ".json"},
                                {"file", d.set + "/" + d.name},
                                {"fileType", d.file_type},
                                {"expected", d.set + "/" + stem + ".expected.json"}});
    }
  };
  emit(goldset::docgen::TextInvoiceSet(count, seed), "extractor");
  emit(goldset::docgen::ScanInvoiceSet(count, seed), "extractor");
  emit(goldset::docgen::ClassifySet(count, seed), "classifier");
  emit(goldset::docgen::SplitSet(count, seed, 4), "splitter");
  Write(out / "manifest.json", goldset::ToJson(manifest));
  std::cout << "gen_test_docs: wrote " << manifest.size() << " documents to " << out << "\n";
  return 0;
}
