// Scoring of one array field (DESIGN.md section 3): arrays of objects by cells with
// optimal row pairing; arrays of scalars (or of arrays) as multisets. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "eval/comparators.h"
#include "eval/field_rules.h"
#include "eval/schema.h"

namespace goldset::eval {

// Cell counts of one column (`line_items[].description`) within one item.
struct ColumnTally {
  std::string path;
  size_t expected = 0;  // expected rows (cells labelled, null included)
  size_t present = 0;   // actual cells with a non-null value
  size_t correct = 0;   // correct cells in paired rows
  size_t cells = 0;     // max(expected rows, actual rows)
};

struct ArrayScore {
  Verdict verdict;                  // score = correct cells / max(expected, actual cells)
  size_t correct_cells = 0, total_cells = 0;
  json::array rows;                 // pairing detail (when requested)
  std::vector<ColumnTally> columns;  // arrays of objects only
};

// The columns of an array-of-objects field with their options resolved: computed once
// per config (ExtractPlan) instead of once per item.
struct RowColumns {
  std::vector<Leaf> all;                     // FlattenObject(items[0])
  std::vector<size_t> scored;                // indexes into `all` of the columns not excluded
  std::vector<std::string> paths;            // "<field>[].<column>", per scored column
  std::vector<std::optional<double>> fuzzy;  // per scored column
};
// Empty `all` when `item` is not an object or has no columns.
RowColumns PlanRowColumns(const FieldSpec& item, const FieldRules& rules, const std::string& path);

// `expected` and `actual` are the field's values; null counts as an empty array.
// A non-array actual is a type mismatch. `path` is the field's path (for column
// paths and their options).
// REQUIRES: spec.type == FieldType::kArray.
// `storage` holds the detail JSON (the caller's result arena). `columns`, when given,
// is PlanRowColumns(spec.items[0], rules, path).
ArrayScore ScoreArray(const FieldSpec& spec, const json::value& expected, const json::value& actual,
                      const FieldRules& rules, const std::string& path, bool with_detail,
                      json::storage_ptr storage = {}, const RowColumns* columns = nullptr);

}  // namespace goldset::eval
