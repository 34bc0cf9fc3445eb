// Numbers and sentences shared by the text reports of `goldset eval` (table, markdown,
// junit). Fixed formats only, so the same inputs give byte-identical reports. Pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/json.h"

namespace goldset::evalcli {

double Num(const json::object& o, const char* key);            // 0 when absent
std::string Pct(double x);                                     // 0.9583 -> "95.8%"
std::string SignedPp(double x);                                // -0.0875 -> "-8.8 pp", 0 -> "0.0 pp"
std::string Pp(double x);                                      // size of a change: -0.0875 -> "8.8 pp"
std::string Interval(const json::object& o, const char* key);  // ci95 -> "-12.5 to -5.0 pp"
std::string PValue(double p);                                  // "0.0015", "< 0.0001"

// "Accuracy fell from 95.8% to 87.1% (-8.8 pp, 95% CI -12.5 to -5.0 pp) over 60 paired
// items; McNemar p = 0.0015: a significant regression at alpha 0.05."
std::string VerdictSentence(const json::object& comparison);
// "With 60 paired items this comparison detects a change of 22.6 pp with 80% power at
// alpha 0.05; detecting 1.0 pp needs about 21,583 items."
std::string PowerSentence(const json::object& comparison);
// "Non-inferior at a margin of 1.0 pp: no (the 95% CI's lower bound is -12.5 pp)."
std::string NonInferioritySentence(const json::object& comparison);

// comparison.fields: regressed first, then improved, then unchanged; by delta, then name.
std::vector<std::pair<std::string, const json::object*>> SortedFields(const json::object& comparison);

// "total" or "invoice_date, total" from an item's `fields` array.
std::string FieldList(const json::object& item);

}  // namespace goldset::evalcli
