#include "parse/text_formats.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/encoding.h"

namespace goldset::parse {

namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// Decodes the common named entities and all numeric ones; unknown entities stay as written.
std::string DecodeEntities(std::string_view s) {
  static const std::pair<const char*, const char*> kNamed[] = {
      {"amp", "&"},       {"lt", "<"},        {"gt", ">"},        {"quot", "\""},
      {"apos", "'"},      {"nbsp", " "},      {"euro", "\xE2\x82\xAC"}, {"pound", "\xC2\xA3"},
      {"copy", "\xC2\xA9"}, {"mdash", "\xE2\x80\x94"}, {"ndash", "\xE2\x80\x93"}, {"hellip", "..."}};
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (!name.empty() && name[0] == '#') {
      std::string num(name.substr(1));
      char* end = nullptr;
      unsigned long cp = (!num.empty() && (num[0] == 'x' || num[0] == 'X'))
                             ? std::strtoul(num.c_str() + 1, &end, 16)
                             : std::strtoul(num.c_str(), &end, 10);
      if (end && *end == '\0' && cp > 0) {
        AppendUtf8(static_cast<uint32_t>(cp), &out);
        done = true;
      }
    } else {
      for (const auto& [n, v] : kNamed)
        if (name == n) {
          out += v;
          done = true;
          break;
        }
    }
    if (done) {
      i = semi;
    } else {
      out.push_back('&');
    }
  }
  return out;
}

// Collapses runs of spaces/tabs and blank lines.
std::string TidyLines(std::string_view s) {
  std::string out, line;
  auto flush = [&] {
    size_t b = line.find_first_not_of(' ');
    if (b != std::string::npos) {
      size_t e = line.find_last_not_of(' ');
      out += line.substr(b, e - b + 1);
      out += '\n';
    }
    line.clear();
  };
  for (char c : s) {
    if (c == '\n') {
      flush();
    } else if (c == ' ' || c == '\t' || c == '\r') {
      if (!line.empty() && line.back() != ' ') line.push_back(' ');
    } else {
      line.push_back(c);
    }
  }
  flush();
  if (!out.empty()) out.pop_back();
  return out;
}

bool IsBlockTag(const std::string& tag) {
  static const char* kBlocks[] = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                                  "table", "ul", "ol", "section", "article", "header", "footer",
                                  "blockquote", "pre", "hr", "dt", "dd", "title"};
  for (const char* b : kBlocks)
    if (tag == b) return true;
  return false;
}

}  // namespace

Document DocumentFromText(std::string_view text) {
  Document doc;
  size_t start = 0;
  while (true) {
    size_t ff = text.find('\f', start);
    std::string_view chunk = text.substr(start, ff == std::string_view::npos ? std::string_view::npos : ff - start);
    Page page;
    page.number = static_cast<int>(doc.pages.size()) + 1;
    // Rebuild the text from tokens so `text` and `words` agree token for token.
    std::string normalized = TidyLines(chunk);
    int line_no = 0, col = 0;
    std::string tok;
    auto emit = [&] {
      if (tok.empty()) return;
      page.words.push_back(Word{tok, double(col), double(line_no), double(col + 1), double(line_no + 1), 1.0});
      ++col;
      tok.clear();
    };
    for (char c : normalized) {
      if (c == '\n') {
        emit();
        ++line_no;
        col = 0;
      } else if (c == ' ') {
        emit();
      } else {
        tok.push_back(c);
      }
    }
    emit();
    page.text = std::move(normalized);
    page.width = 0;
    page.height = line_no + 1;
    doc.pages.push_back(std::move(page));
    if (ff == std::string_view::npos) break;
    start = ff + 1;
  }
  // A trailing form feed does not start a real page.
  while (doc.pages.size() > 1 && doc.pages.back().words.empty()) doc.pages.pop_back();
  return doc;
}

std::string HtmlVisibleText(std::string_view html) {
  std::string raw;
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] != '<') {
      raw.push_back(html[i++]);
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    size_t close = html.find('>', i);
    if (close == std::string_view::npos) break;
    std::string_view inner = html.substr(i + 1, close - i - 1);
    bool closing = !inner.empty() && inner[0] == '/';
    size_t name_start = closing ? 1 : 0;
    size_t name_end = name_start;
    while (name_end < inner.size() && (std::isalnum(static_cast<unsigned char>(inner[name_end]))))
      ++name_end;
    std::string tag = Lower(inner.substr(name_start, name_end - name_start));
    i = close + 1;
    if (!closing && (tag == "script" || tag == "style" || tag == "head" || tag == "noscript" ||
                     tag == "template")) {
      std::string lower_rest = Lower(html.substr(i));
      size_t end = lower_rest.find("</" + tag);
      if (end == std::string::npos) break;
      i += end;
      size_t gt = html.find('>', i);
      i = gt == std::string_view::npos ? html.size() : gt + 1;
      continue;
    }
    if (IsBlockTag(tag)) {
      raw.push_back('\n');
    } else if (tag == "td" || tag == "th") {
      raw.push_back(' ');
    }
  }
  std::string decoded = DecodeEntities(raw);
  for (char& c : decoded)
    if (c == '\t') c = ' ';
  return TidyLines(decoded);
}

std::string XmlText(std::string_view xml) {
  std::string raw;
  size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      raw.push_back(xml[i++]);
      continue;
    }
    if (xml.substr(i, 9) == "<![CDATA[") {
      size_t end = xml.find("]]>", i + 9);
      size_t stop = end == std::string_view::npos ? xml.size() : end;
      raw += "\n";
      raw += xml.substr(i + 9, stop - i - 9);
      raw += "\n";
      i = end == std::string_view::npos ? xml.size() : end + 3;
      continue;
    }
    std::string_view terminator = xml.substr(i, 4) == "<!--" ? "-->" : ">";
    size_t end = xml.find(terminator, i + 1);
    i = end == std::string_view::npos ? xml.size() : end + terminator.size();
    raw.push_back('\n');
  }
  return TidyLines(DecodeEntities(raw));
}

}  // namespace goldset::parse
