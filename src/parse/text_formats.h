// Text-based formats: TXT, CSV, HTML (visible text), XML (character data).
//
// Every function runs in time linear in its input (no search restarts from a position
// it has already passed) and returns Unprocessable(TimeLimitMessage) once `limit` has
// passed; the clock is read every 64 KiB of input. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parse/deadline.h"
#include "parse/document.h"

namespace goldset::parse {

// Splits text into pages at form feeds (one page when there are none) and builds the
// words of each page (boxes: x = token index in its line, y = line index). More than
// `max_words` words -> WordLimitError, as soon as the count is passed.
StatusOr<Document> DocumentFromText(std::string_view text, const TimeLimit& limit = {}, size_t max_words = SIZE_MAX);

// The text a browser would show: tags removed, <script>/<style>/<head> content and
// comments dropped, block elements become line breaks, entities decoded. A '<' that
// cannot start a tag is text; a '>' inside a quoted attribute value does not end its tag.
StatusOr<std::string> HtmlVisibleText(std::string_view html, const TimeLimit& limit = {});

// Character data of an XML document (tags, comments, processing instructions and the
// DOCTYPE removed, CDATA kept, entities decoded), one line per text node.
StatusOr<std::string> XmlText(std::string_view xml, const TimeLimit& limit = {});

}  // namespace goldset::parse
