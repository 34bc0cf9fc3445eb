#include "processors/rules_extract.h"

#include <re2/re2.h>

#include <cctype>
#include <memory>

#include "common/strings.h"
#include "eval/dates.h"
#include "processors/doc_lines.h"
#include "processors/schema_util.h"
#include "processors/value_convert.h"

namespace goldset::processors {

namespace {

// How much a match kind is trusted before OCR confidence is applied.
constexpr double kPatternWeight = 0.95;
constexpr double kLabelWeight = 0.85;
constexpr double kHeuristicWeight = 0.6;

struct Found {
  json::value value;
  double confidence = 0;  // match weight x OCR confidence
  double ocr = 1;
  int page = 0;
  std::string reference_text;  // the text as printed, where the value was rewritten (dates)
  std::optional<WordBox> box;  // the words the value was read from
};

struct Ctx {
  const std::vector<DocLine>& lines;
  const parse::Document& doc;
  const WordLocator& words;
  json::object metadata;

  // The words under bytes [begin, end) of `line`.
  std::optional<WordBox> BoxOf(const DocLine& line, size_t begin, size_t end) const {
    return words.BoxOf(line.page, line.offset + begin, line.offset + end);
  }
};

// [begin, end) of `part` (a trimmed piece of `line`) within it.
std::pair<size_t, size_t> SpanIn(const std::string& line, std::string_view piece, const std::string& trimmed) {
  size_t begin = static_cast<size_t>(piece.data() - line.data());
  size_t lead = piece.find(trimmed);
  if (lead != std::string_view::npos) begin += lead;
  return {begin, begin + trimmed.size()};
}

// Read with the scorer's rules (eval/dates.h): x-rules.dateOrder, else '.' day-first
// and '/' or '-' month-first.
eval::DateOrder OrderOf(const json::object* rules) {
  if (rules)
    if (auto o = GetString(*rules, "dateOrder")) {
      if (*o == "DMY") return eval::DateOrder::kDMY;
      if (*o == "MDY") return eval::DateOrder::kMDY;
      if (*o == "YMD") return eval::DateOrder::kYMD;
    }
  return eval::DateOrder::kDefault;
}

bool IsDateField(const json::object& prop) {
  return ExtendType(prop) == "date" || GetString(prop, "format").value_or("") == "date";
}

// Converts raw text to the property's JSON type; nullopt when it does not fit. A date
// becomes ISO 8601 ("YYYY-MM-DD", as Extend's processors emit), and `reference` gets
// the date as printed ("25 Mar 2018 9:27PM") for the field's metadata.
std::optional<json::value> Convert(const std::string& raw, const json::object& prop, std::string* reference) {
  const json::object* rules = XRules(prop);
  std::string type = PrimaryType(prop), ext = ExtendType(prop);
  if (ext == "currency") {
    auto c = ParseCurrency(raw);
    if (!c || !c->amount) return std::nullopt;
    json::object o{{"amount", *c->amount}, {"iso_4217_currency_code", nullptr}};
    if (c->code) o["iso_4217_currency_code"] = *c->code;
    else if (rules)
      if (auto d = GetString(*rules, "defaultCurrency")) o["iso_4217_currency_code"] = *d;
    return o;
  }
  if (IsDateField(prop)) {
    auto d = eval::FindDate(raw, OrderOf(rules));
    if (!d) return std::nullopt;
    *reference = raw.substr(d->begin, d->end - d->begin);
    return json::value(eval::IsoDate(d->date));
  }
  if (type == "number" || type == "integer") {
    auto n = ParseNumber(raw);
    if (!n) return std::nullopt;
    if (type == "integer") return json::value(static_cast<int64_t>(std::llround(*n)));
    return json::value(*n);
  }
  if (type == "boolean") {
    auto b = ParseBool(raw);
    if (!b) return std::nullopt;
    return json::value(*b);
  }
  auto options = EnumOptions(prop);
  if (!options.empty()) {
    auto o = ClosestOption(raw, options);
    if (!o) return std::nullopt;
    return json::value(*o);
  }
  std::string t(Trim(raw));
  while (!t.empty() && (t.front() == ':' || t.front() == '#' || t.front() == '-')) t = std::string(Trim(t.substr(1)));
  // OCR debris after the value ("Initech Solutions :").
  while (!t.empty() && !std::isalnum(static_cast<unsigned char>(t.back())) && t.back() != ')' && t.back() != '.')
    t = std::string(Trim(t.substr(0, t.size() - 1)));
  if (t.empty()) return std::nullopt;
  return json::value(t);
}

std::optional<Found> ByPatterns(const json::array& patterns, const json::object& prop, Ctx& ctx) {
  for (const auto& p : patterns) {
    RE2 re(std::string(p.as_string()));
    if (!re.ok() || re.NumberOfCapturingGroups() != 1) continue;
    for (const DocLine& line : ctx.lines) {
      re2::StringPiece cap;
      if (!RE2::PartialMatch(line.text, re, &cap)) continue;
      std::string reference;
      auto v = Convert(std::string(cap), prop, &reference);
      if (!v) continue;
      size_t begin = cap.data() - line.text.data();
      double ocr = line.ConfidenceOf(begin, begin + cap.size());
      return Found{*v, kPatternWeight * ocr, ocr, line.page, reference, ctx.BoxOf(line, begin, begin + cap.size())};
    }
    // Patterns spanning lines run over whole pages.
    for (const auto& page : ctx.doc.pages) {
      re2::StringPiece cap;
      if (!RE2::PartialMatch(page.text, re, &cap)) continue;
      std::string reference;
      size_t begin = cap.data() - page.text.data();
      if (auto v = Convert(std::string(cap), prop, &reference))
        return Found{*v,
                     kPatternWeight * page.mean_confidence,
                     page.mean_confidence,
                     page.number,
                     reference,
                     ctx.words.BoxOf(page.number, begin, begin + cap.size())};
    }
  }
  return std::nullopt;
}

// Regex for a label tolerant of OCR spacing ("Invoice  No", "InvoiceNo"), followed by
// optional "No."/"#"/":" decorations; captures the rest of the line.
std::string LabelRegex(const std::string& label) {
  std::string re = "(?i)(?:^|[^A-Za-z0-9])";
  bool first = true;
  for (char c : label) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      re += "[\\s:.,]*";  // OCR often inserts punctuation between words
      first = true;
      continue;
    }
    if (!first) re += "\\s?";
    re += RE2::QuoteMeta(std::string(1, c));
    first = false;
  }
  re += R"((?:\s*(?:no\.?|number|num\.?|#|:|-)(?:\s|$|[:#]))*\s*(.*)$)";
  return re;
}

std::optional<Found> ByLabels(const std::vector<std::string>& labels, const json::object& prop, double weight,
                              Ctx& ctx) {
  for (const auto& label : labels) {
    if (Trim(label).empty()) continue;
    RE2 re(LabelRegex(std::string(Trim(label))));
    if (!re.ok()) continue;
    for (size_t i = 0; i < ctx.lines.size(); ++i) {
      const DocLine& line = ctx.lines[i];
      re2::StringPiece rest;
      if (!RE2::PartialMatch(line.text, re, &rest)) continue;
      // A value ends at a column gap (three spaces, see parse/layout.h).
      std::string_view rest_view(rest.data(), rest.size());
      std::string right(Trim(rest_view.substr(0, rest_view.find("   "))));
      std::string reference;
      if (!right.empty()) {
        if (auto v = Convert(right, prop, &reference)) {
          size_t begin = rest.data() - line.text.data();
          double ocr = line.ConfidenceOf(begin, begin + rest.size());
          auto [b, e] = SpanIn(line.text, rest_view, right);
          return Found{*v, weight * ocr, ocr, line.page, reference, ctx.BoxOf(line, b, e)};
        }
      }
      // Value below the label (column headers, stacked forms).
      if (i + 1 < ctx.lines.size() && ctx.lines[i + 1].page == line.page && right.empty()) {
        const DocLine& below = ctx.lines[i + 1];
        std::string first_segment(Trim(below.text.substr(0, below.text.find("   "))));
        // "Other Label: value" below is another field, not this label's value.
        if (first_segment.find(':') != std::string::npos) continue;
        if (auto v = Convert(first_segment, prop, &reference)) {
          double ocr = below.Confidence();
          auto [b, e] = SpanIn(below.text, below.text, first_segment);
          return Found{*v, weight * 0.9 * ocr, ocr, below.page, reference, ctx.BoxOf(below, b, e)};
        }
      }
    }
  }
  return std::nullopt;
}

// Labels guessed from a field with no hints: its name as words, the name without a
// generic last word ("total amount" -> "total"), and a quoted phrase in the description.
std::vector<std::string> HeuristicLabels(const std::string& key, const json::object& prop) {
  std::vector<std::string> out;
  std::string words = FieldWords(key);
  out.push_back(words);
  size_t sp = words.rfind(' ');
  if (sp != std::string::npos) {
    std::string last = words.substr(sp + 1);
    if (last == "amount" || last == "name" || last == "value" || last == "number" || last == "id")
      out.push_back(words.substr(0, sp));
  }
  if (auto d = GetString(prop, "description")) {
    size_t q = d->find_first_of("'\"");
    if (q != std::string::npos) {
      size_t e = d->find((*d)[q], q + 1);
      if (e != std::string::npos && e > q + 1) out.push_back(d->substr(q + 1, e - q - 1));
    }
  }
  return out;
}

// One citation in Extend's shape: the page, the text as printed where the value was
// rewritten, and the polygon (clockwise from top-left, in the page's coordinates, which
// page.width/height give) around the words the value was read from.
json::object Meta(const Found& f) {
  json::object page{{"number", f.page}};
  if (f.box) {
    page["width"] = f.box->page_width;
    page["height"] = f.box->page_height;
  }
  json::object citation{{"page", std::move(page)}};
  if (!f.reference_text.empty()) citation["referenceText"] = f.reference_text;
  if (f.box) {
    const WordBox& b = *f.box;
    auto point = [](double x, double y) { return json::object{{"x", x}, {"y", y}}; };
    citation["polygon"] = json::array{point(b.x0, b.y0), point(b.x1, b.y0), point(b.x1, b.y1), point(b.x0, b.y1)};
  }
  return json::object{
      {"confidence", f.confidence}, {"ocrConfidence", f.ocr}, {"citations", json::array{std::move(citation)}}};
}

json::object MissingMeta() { return json::object{{"confidence", 0.0}, {"citations", json::array{}}}; }

json::value ExtractRows(const std::string& path, const json::object& prop, const std::string& pattern, Ctx& ctx) {
  RE2 re(pattern);
  if (!re.ok()) return nullptr;
  const json::object* item_props = nullptr;
  if (const json::value* items = Find(prop, "items"); items && items->is_object())
    if (const json::value* ip = Find(items->as_object(), "properties"); ip && ip->is_object())
      item_props = &ip->as_object();
  const int n = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(n + 1);
  json::array rows;
  double conf_sum = 0;
  int first_page = 0;
  std::optional<WordBox> first_page_box;  // the rows on the array's first page
  for (const DocLine& line : ctx.lines) {
    // Try the line as read, then without OCR debris; `subject` owns the matched text.
    std::string subject = line.text;
    if (!re.Match(subject, 0, subject.size(), RE2::UNANCHORED, groups.data(), n + 1)) {
      subject = CleanOcrLine(line.text);
      if (!re.Match(subject, 0, subject.size(), RE2::UNANCHORED, groups.data(), n + 1)) continue;
    }
    json::object row;
    if (item_props)
      for (const auto& [k, v] : *item_props) row[k] = nullptr;
    const std::string row_path = path + "[" + std::to_string(rows.size()) + "]";
    const bool as_read = subject == line.text;
    double ocr = as_read ? line.ConfidenceOf(groups[0].data() - subject.data(),
                                             groups[0].data() - subject.data() + groups[0].size())
                         : line.Confidence();
    // Cells of a cleaned line have no exact span in the page text: they cite the whole line.
    auto box_of = [&](const re2::StringPiece& g) {
      if (!as_read || g.data() == nullptr) return ctx.BoxOf(line, 0, line.text.size());
      size_t b = static_cast<size_t>(g.data() - subject.data());
      return ctx.BoxOf(line, b, b + g.size());
    };
    for (const auto& [name, index] : re.NamedCapturingGroups()) {
      std::string raw(groups[index]), reference;
      const json::value* sub = item_props ? Find(*item_props, name) : nullptr;
      std::optional<json::value> v = sub && sub->is_object() ? Convert(raw, sub->as_object(), &reference)
                                                             : std::optional<json::value>(json::value(Trim(raw)));
      row[name] = v ? *v : json::value(nullptr);
      Found f{nullptr, v ? kPatternWeight * ocr : 0.0, ocr, line.page, reference, box_of(groups[index])};
      ctx.metadata[row_path + "." + name] = v ? Meta(f) : MissingMeta();
    }
    if (!first_page) first_page = line.page;
    if (line.page == first_page)
      if (auto row_box = box_of(groups[0])) {
        if (first_page_box) first_page_box->Add(*row_box);
        else first_page_box = row_box;
      }
    conf_sum += kPatternWeight * ocr;
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    ctx.metadata[path] = MissingMeta();
    return json::array{};
  }
  ctx.metadata[path] = Meta(
      Found{nullptr, conf_sum / rows.size(), conf_sum / rows.size() / kPatternWeight, first_page, "", first_page_box});
  return rows;
}

json::value ExtractObject(const std::string& prefix, const json::object& schema, Ctx& ctx);

json::value ExtractField(const std::string& path, const std::string& key, const json::object& prop, Ctx& ctx) {
  const json::object* rules = XRules(prop);
  std::string type = PrimaryType(prop), ext = ExtendType(prop);
  if (type == "object" && ext != "currency") return ExtractObject(path + ".", prop, ctx);
  if (type == "array") {
    if (rules)
      if (auto rp = GetString(*rules, "rowPattern")) return ExtractRows(path, prop, *rp, ctx);
    ctx.metadata[path] = MissingMeta();
    return nullptr;
  }
  std::optional<Found> found;
  if (rules) {
    if (const json::value* p = Find(*rules, "patterns"); p && p->is_array())
      found = ByPatterns(p->as_array(), prop, ctx);
    if (!found)
      if (const json::value* l = Find(*rules, "labels"); l && l->is_array()) {
        std::vector<std::string> labels;
        for (const auto& s : l->as_array())
          if (s.is_string()) labels.emplace_back(s.as_string());
        found = ByLabels(labels, prop, kLabelWeight, ctx);
      }
  }
  if (!found) found = ByLabels(HeuristicLabels(key, prop), prop, kHeuristicWeight, ctx);
  if (!found) {
    ctx.metadata[path] = MissingMeta();
    return nullptr;
  }
  ctx.metadata[path] = Meta(*found);
  return found->value;
}

json::value ExtractObject(const std::string& prefix, const json::object& schema, Ctx& ctx) {
  json::object out;
  const json::value* props = Find(schema, "properties");
  if (!props || !props->is_object()) return out;
  for (const auto& [k, v] : props->as_object()) {
    std::string key(k);
    if (!v.is_object()) {
      out[key] = nullptr;
      continue;
    }
    out[key] = ExtractField(prefix + key, key, v.as_object(), ctx);
  }
  return out;
}

}  // namespace

StatusOr<json::value> RulesExtract(const json::object& config, const parse::Document& doc) {
  const json::value* schema = Find(config, "schema");
  if (!schema || !schema->is_object())
    return Status::Unprocessable("the rules engine needs an extractor config with a JSON schema");
  std::vector<DocLine> lines = SplitLines(doc);
  WordLocator words(doc);
  Ctx ctx{lines, doc, words, {}};
  json::value value = ExtractObject("", schema->as_object(), ctx);
  return json::value(json::object{{"value", std::move(value)}, {"metadata", std::move(ctx.metadata)}});
}

}  // namespace goldset::processors
