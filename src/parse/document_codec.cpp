// The cache form of a Document: compact JSON written straight into one string (no JSON
// tree: a document of a million words would need one ten times its size), read back
// with Boost.JSON.
#include <charconv>
#include <cmath>

#include "common/json.h"
#include "parse/parse.h"

namespace goldset::parse {

namespace {

void AppendString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// Shortest round-trip form; a non-finite value (never produced by the parsers) as 0.
void AppendNumber(std::string* out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, std::isfinite(v) ? v : 0.0);
  out->append(buf, r.ptr);
}

}  // namespace

std::string SerializeDocument(const Document& doc) {
  size_t estimate = 64;
  for (const Page& p : doc.pages) estimate += 2 * p.text.size() + 48 * p.words.size() + 96;
  std::string out;
  out.reserve(estimate);
  out += "{\"v\":1,\"pages\":[";
  for (size_t i = 0; i < doc.pages.size(); ++i) {
    const Page& p = doc.pages[i];
    if (i) out += ',';
    out += "{\"n\":";
    AppendNumber(&out, p.number);
    out += ",\"w\":";
    AppendNumber(&out, p.width);
    out += ",\"h\":";
    AppendNumber(&out, p.height);
    out += ",\"t\":";
    AppendString(&out, p.text);
    out += p.ocr ? ",\"ocr\":true,\"mc\":" : ",\"ocr\":false,\"mc\":";
    AppendNumber(&out, p.mean_confidence);
    out += ",\"words\":[";
    for (size_t k = 0; k < p.words.size(); ++k) {
      const Word& w = p.words[k];
      out += k ? ",[" : "[";
      AppendString(&out, w.text);
      for (double v : {w.x0, w.y0, w.x1, w.y1, w.confidence}) {
        out += ',';
        AppendNumber(&out, v);
      }
      out += ']';
    }
    out += "]}";
  }
  out += ']';
  if (!doc.warnings.empty()) {
    out += ",\"warn\":[";
    for (size_t i = 0; i < doc.warnings.size(); ++i) {
      if (i) out += ',';
      AppendString(&out, doc.warnings[i]);
    }
    out += ']';
  }
  out += '}';
  return out;
}

StatusOr<Document> DeserializeDocument(std::string_view data) {
  auto parsed = ParseJson(data, 8);
  if (!parsed.ok()) return parsed.status();
  try {
    const json::object& root = parsed->as_object();
    if (root.at("v").to_number<int>() != 1) return Status::InvalidArgument("unknown document version");
    Document doc;
    for (const auto& pv : root.at("pages").as_array()) {
      const json::object& po = pv.as_object();
      Page p;
      p.number = po.at("n").to_number<int>();
      p.width = po.at("w").to_number<double>();
      p.height = po.at("h").to_number<double>();
      p.text = std::string(po.at("t").as_string());
      p.ocr = po.at("ocr").as_bool();
      p.mean_confidence = po.at("mc").to_number<double>();
      for (const auto& wv : po.at("words").as_array()) {
        const json::array& wa = wv.as_array();
        p.words.push_back(Word{std::string(wa.at(0).as_string()), wa.at(1).to_number<double>(),
                               wa.at(2).to_number<double>(), wa.at(3).to_number<double>(), wa.at(4).to_number<double>(),
                               wa.at(5).to_number<double>()});
      }
      doc.pages.push_back(std::move(p));
    }
    if (const json::value* warnings = root.if_contains("warn"))
      for (const auto& w : warnings->as_array()) doc.warnings.emplace_back(w.as_string());
    return doc;
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("malformed serialized document: ") + e.what());
  }
}

}  // namespace goldset::parse
