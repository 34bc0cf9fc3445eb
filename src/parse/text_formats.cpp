#include "parse/text_formats.h"

#include "common/strings.h"
#include "parse/text_util.h"

namespace goldset::parse {

namespace {

constexpr size_t npos = std::string_view::npos;

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }
bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Finds `needle` (ASCII, lower case when `fold_case`) at or after positions that only move
// forward between calls. The last answer is remembered, so a closer that is missing, or
// far away, is searched for once rather than once per opener: total work is linear.
// With `tag_name`, a match must end where a tag name ends ("</script" in "</scripts" is
// not a match).
class ForwardFinder {
 public:
  ForwardFinder(std::string_view hay, std::string needle, bool fold_case, bool tag_name = false)
      : hay_(hay), needle_(std::move(needle)), fold_case_(fold_case), tag_name_(tag_name) {}

  size_t Find(size_t from) {
    if (searched_ && from >= from_ && (found_ == npos || found_ >= from)) return found_;
    searched_ = true;
    from_ = from;
    found_ = Search(from);
    return found_;
  }

 private:
  bool MatchesAt(size_t p) const {
    if (hay_.size() - p < needle_.size()) return false;
    for (size_t k = 1; k < needle_.size(); ++k) {
      char c = fold_case_ ? AsciiLower(hay_[p + k]) : hay_[p + k];
      if (c != needle_[k]) return false;
    }
    if (!tag_name_) return true;
    size_t after = p + needle_.size();
    return after == hay_.size() || IsHtmlSpace(hay_[after]) || hay_[after] == '/' || hay_[after] == '>';
  }
  // needle_[0] is never a letter, so the first byte is found without folding.
  size_t Search(size_t from) const {
    for (size_t p = hay_.find(needle_[0], from); p != npos; p = hay_.find(needle_[0], p + 1))
      if (MatchesAt(p)) return p;
    return npos;
  }

  std::string_view hay_;
  std::string needle_;
  bool fold_case_, tag_name_;
  bool searched_ = false;
  size_t from_ = 0, found_ = npos;
};

// The '>' that ends a tag whose name ended at `j`, skipping quoted attribute values (a
// quote opens a value only right after '=' and optional spaces, as in an HTML tokenizer).
// npos when the input ends inside the tag.
size_t TagEnd(std::string_view s, size_t j) {
  bool after_equals = false;
  for (; j < s.size(); ++j) {
    char c = s[j];
    if (c == '>') return j;
    if (c == '=') {
      after_equals = true;
    } else if (after_equals && (c == '"' || c == '\'')) {
      j = s.find(c, j + 1);
      if (j == npos) return npos;
      after_equals = false;
    } else if (!IsHtmlSpace(c)) {
      after_equals = false;
    }
  }
  return npos;
}

bool IsBlockTag(std::string_view tag) {
  static constexpr std::string_view kBlocks[] = {
      "p",  "div", "br",      "tr",      "li",     "h1",     "h2",         "h3",  "h4", "h5", "h6", "table",
      "ul", "ol",  "section", "article", "header", "footer", "blockquote", "pre", "hr", "dt", "dd", "title"};
  for (std::string_view b : kBlocks)
    if (tag == b) return true;
  return false;
}

// Elements whose content a browser does not show.
constexpr std::string_view kHiddenElements[] = {"script", "style", "head", "noscript", "template"};

// Reads a tag name starting at `start` (ASCII letters and digits), lower-cased; names
// longer than any element we act on come back truncated, which matches none of them.
std::string TagName(std::string_view s, size_t start, size_t* end) {
  std::string name;
  size_t k = start;
  while (k < s.size() && IsAsciiAlnum(s[k])) {
    if (name.size() < 16) name.push_back(AsciiLower(s[k]));
    ++k;
  }
  *end = k;
  return name.size() < 16 ? name : std::string();
}

}  // namespace

StatusOr<Document> DocumentFromText(std::string_view text, const TimeLimit& limit, size_t max_words) {
  DeadlineTicker ticker(limit);
  Document doc;
  size_t words = 0;
  size_t start = 0;
  while (true) {
    size_t ff = text.find('\f', start);
    std::string_view chunk = text.substr(start, ff == npos ? npos : ff - start);
    if (ticker.Expired(start)) return limit.Error();
    Page page;
    page.number = static_cast<int>(doc.pages.size()) + 1;
    // Rebuild the text from tokens so `text` and `words` agree token for token.
    std::string normalized = TidyLines(chunk);
    int line_no = 0, col = 0;
    size_t tok_start = 0;
    for (size_t k = 0; k <= normalized.size(); ++k) {
      if (ticker.Expired(start + k)) return limit.Error();
      char c = k < normalized.size() ? normalized[k] : '\n';
      if (c != '\n' && c != ' ') continue;
      if (k > tok_start) {
        if (++words > max_words) return WordLimitError(max_words);
        page.words.push_back(Word{normalized.substr(tok_start, k - tok_start), double(col), double(line_no),
                                  double(col + 1), double(line_no + 1), 1.0});
        ++col;
      }
      tok_start = k + 1;
      if (c == '\n' && k < normalized.size()) {
        ++line_no;
        col = 0;
      }
    }
    page.text = std::move(normalized);
    page.width = 0;
    page.height = line_no + 1;
    doc.pages.push_back(std::move(page));
    if (ff == npos) break;
    start = ff + 1;
  }
  // A trailing form feed does not start a real page.
  while (doc.pages.size() > 1 && doc.pages.back().words.empty()) doc.pages.pop_back();
  return doc;
}

StatusOr<std::string> HtmlVisibleText(std::string_view html, const TimeLimit& limit) {
  DeadlineTicker ticker(limit);
  const size_t n = html.size();
  ForwardFinder comment_end(html, "-->", false);
  ForwardFinder body_start(html, "<body", true, true);
  std::vector<ForwardFinder> hidden_end;
  for (std::string_view tag : kHiddenElements) hidden_end.emplace_back(html, "</" + std::string(tag), true, true);
  std::string raw;
  raw.reserve(n);
  size_t i = 0;
  while (i < n) {
    if (ticker.Expired(i)) return limit.Error();
    size_t lt = html.find('<', i);
    raw.append(html.substr(i, lt == npos ? npos : lt - i));
    if (lt == npos) break;
    i = lt;
    if (html.substr(i, 4) == "<!--") {
      size_t end = comment_end.Find(i + 4);
      i = end == npos ? n : end + 3;
      continue;
    }
    const char next = i + 1 < n ? html[i + 1] : '\0';
    const bool closing = next == '/';
    if (next == '!' || next == '?' || (closing && (i + 2 >= n || !IsAsciiAlpha(html[i + 2])))) {
      // <!DOCTYPE …>, <?…>, </…> without a name: bogus comments up to the next '>'.
      size_t gt = html.find('>', i);
      i = gt == npos ? n : gt + 1;
      continue;
    }
    if (!closing && !IsAsciiAlpha(next)) {  // "a < b": text
      raw.push_back('<');
      ++i;
      continue;
    }
    size_t name_end = 0;
    std::string tag = TagName(html, i + (closing ? 2 : 1), &name_end);
    size_t close = TagEnd(html, name_end);
    if (close == npos) break;  // the document ends inside a tag, which shows nothing
    i = close + 1;
    size_t hidden = std::size(kHiddenElements);
    for (size_t k = 0; k < std::size(kHiddenElements) && !closing; ++k)
      if (tag == kHiddenElements[k]) hidden = k;
    if (hidden < std::size(kHiddenElements)) {
      size_t end = hidden_end[hidden].Find(i);
      if (tag == "head") {
        // </head> is optional: the head also ends where the body starts.
        size_t body = body_start.Find(i);
        if (body < end) end = body;
        if (end == npos) continue;
        i = end;
        continue;
      }
      if (end == npos) break;  // an unclosed <script> hides the rest of the document
      size_t gt = TagEnd(html, end + 2 + tag.size());
      i = gt == npos ? n : gt + 1;
      continue;
    }
    if (IsBlockTag(tag)) {
      raw.push_back('\n');
    } else if (tag == "td" || tag == "th") {
      raw.push_back(' ');
    }
  }
  std::string decoded = DecodeEntities(raw);
  raw = std::string();
  for (char& c : decoded)
    if (c == '\t') c = ' ';
  return TidyLines(decoded);
}

StatusOr<std::string> XmlText(std::string_view xml, const TimeLimit& limit) {
  DeadlineTicker ticker(limit);
  const size_t n = xml.size();
  ForwardFinder cdata_end(xml, "]]>", false), comment_end(xml, "-->", false), pi_end(xml, "?>", false);
  std::string raw;
  raw.reserve(n);
  size_t i = 0;
  while (i < n) {
    if (ticker.Expired(i)) return limit.Error();
    size_t lt = xml.find('<', i);
    raw.append(xml.substr(i, lt == npos ? npos : lt - i));
    if (lt == npos) break;
    i = lt;
    if (xml.substr(i, 9) == "<![CDATA[") {
      size_t end = cdata_end.Find(i + 9);
      size_t stop = end == npos ? n : end;
      raw += '\n';
      raw.append(xml.substr(i + 9, stop - i - 9));
      raw += '\n';
      i = end == npos ? n : end + 3;
      continue;
    }
    size_t end;
    if (xml.substr(i, 4) == "<!--") {
      end = comment_end.Find(i + 4);
      if (end != npos) end += 2;
    } else if (xml.substr(i, 2) == "<?") {
      end = pi_end.Find(i + 2);
      if (end != npos) end += 1;
    } else if (xml.substr(i, 2) == "<!") {
      // <!DOCTYPE …> may hold an internal subset in brackets, whose declarations have '>'.
      end = xml.find('>', i);
      size_t bracket = xml.substr(i, end == npos ? npos : end - i).find('[');
      if (bracket != npos) {
        bracket += i;
        size_t close = xml.find(']', bracket);
        end = close == npos ? npos : xml.find('>', close);
      }
    } else {
      end = TagEnd(xml, i + 1);
    }
    i = end == npos ? n : end + 1;
    raw.push_back('\n');
  }
  return TidyLines(DecodeEntities(raw));
}

}  // namespace goldset::parse
