// Orders a page's words into visual lines, the reading order the engines rely on.
//
// Both poppler's and tesseract's own orders follow detected text blocks, which split a
// table into one block per column; invoices, receipts and forms read better row by
// row. Words are grouped into lines by vertical centre, sorted left to right, and a
// horizontal gap wider than twice the line height (a column gap) becomes three spaces
// instead of one, so label values can stop at the next column.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "parse/document.h"

namespace goldset::parse {

// Reorders `*words` into line order and returns the page text ('\n' between lines).
// REQUIRES: no word text contains whitespace.
std::string LayoutWords(std::vector<Word>* words);

}  // namespace goldset::parse
