// Text-based formats: TXT, CSV, HTML (visible text), XML (character data).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "parse/document.h"

namespace goldset::parse {

// Splits text into pages at form feeds (one page when there are none) and builds the
// words of each page (boxes: x = token index in its line, y = line index).
Document DocumentFromText(std::string_view text);

// The text a browser would show: tags removed, <script>/<style>/<head> content and
// comments dropped, block elements become line breaks, entities decoded.
std::string HtmlVisibleText(std::string_view html);

// Character data of an XML document (tags, comments, processing instructions removed,
// CDATA kept, entities decoded), one line per text node.
std::string XmlText(std::string_view xml);

}  // namespace goldset::parse
