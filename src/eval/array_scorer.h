// Scoring of one array field (docs/decisions.md §3): arrays of objects by cells with
// optimal row pairing; arrays of scalars (or of arrays) as multisets. Pure; thread-safe
// (an ArrayBudget belongs to one call).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "eval/comparators.h"
#include "eval/field_rules.h"
#include "eval/schema.h"

namespace goldset::eval {

// Cell counts of one column (`line_items[].description`) within one item. They depend
// on the expected rows alone where the contract says so: a missing, null or mistyped
// actual array leaves every expected cell expected and wrong.
struct ColumnTally {
  std::string path;
  size_t expected = 0;           // expected rows (cells labelled, null included)
  size_t expected_non_null = 0;  // expected cells with a non-null value (relevant items)
  size_t present = 0;            // actual cells with a non-null value (positives), paired or not
  size_t correct = 0;            // correct cells in paired rows (null = null included)
  size_t correct_non_null = 0;   // correct cells of paired rows with both sides non-null (true positives)
  size_t cells = 0;              // max(expected rows, actual rows)
};

struct ArrayScore {
  Verdict verdict;  // score = correct cells / max(expected, actual cells)
  size_t correct_cells = 0, total_cells = 0;
  json::array rows;                  // pairing detail (when requested)
  std::vector<ColumnTally> columns;  // arrays of objects only
};

// The work one array field may cost, nested arrays included, so that no input holds a
// worker for long or makes it allocate without bound: at most `max_rows` rows per side
// of any array, max_rows^2 row pairs compared in all, and 64 * max_rows^2 assignment
// steps in all (a few seconds). Records the first limit hit; scoring then stops early.
class ArrayBudget {
 public:
  explicit ArrayBudget(size_t max_rows);
  // Charges an array of `path` with these row counts; false when over a limit.
  bool Charge(const std::string& path, size_t expected_rows, size_t actual_rows);
  uint64_t* assignment_steps() { return &steps_left_; }
  void AssignmentTooLong(const std::string& path);
  bool exhausted() const { return !status_.ok(); }
  const Status& status() const { return status_; }

 private:
  size_t max_rows_;
  uint64_t pairs_left_, steps_left_;
  Status status_;
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

// `expected` and `actual` are the field's values; null counts as an empty array. A
// non-array actual is a type mismatch and scores like an empty one (reason
// "type_mismatch"). `path` is the field's path (for column paths and their options).
// `storage` holds the detail JSON (the caller's result arena). `columns`, when given,
// is PlanRowColumns(spec.items[0], rules, path). When `budget` runs out the result is
// meaningless: check budget.exhausted().
// REQUIRES: spec.type == FieldType::kArray.
ArrayScore ScoreArray(const FieldSpec& spec, const json::value& expected, const json::value& actual,
                      const FieldRules& rules, const std::string& path, bool with_detail, ArrayBudget& budget,
                      json::storage_ptr storage = {}, const RowColumns* columns = nullptr);

}  // namespace goldset::eval
