// The cells of an array field's rows, brought to canonical form once for the many
// comparisons of row pairing, and keyed where the comparison is an equivalence.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "common/json.h"
#include "eval/comparators.h"
#include "eval/schema.h"

namespace goldset::eval {

struct Cell {
  Canonical canon;           // scalar specs
  const json::value* value;  // nullptr: the row has no such key; array/object specs compare it
  // Two keyed cells of one column match exactly when their keys are equal.
  bool keyed = false;
  int64_t key = 0;
};

// `v` is the cell's JSON value, nullptr when the row lacks the key.
Cell MakeCell(const FieldSpec& spec, const json::value* v, bool fuzzy);

// Keys the cells of one scalar, non-fuzzy column (expected and actual rows together).
// Keys follow CompareCanonical exactly and only where it is an equivalence relation
// (so that rows equal in every keyed column may be paired before the assignment):
//   null and missing -> one key; texts by normalized text; booleans; dates by calendar
//   day (unreadable date texts by text); enum strings by string; an invalid actual cell
//   (matches nothing) -> a key of its own; numbers by value when no two distinct values
//   of the column are within the 1e-9 relative tolerance; currency by (amount, code)
//   when no two distinct amounts are within half a cent.
// Cells left unkeyed (tolerance-close numbers, raw JSON, an unvalidated expected value)
// compare with CompareCanonical. `cells` holds the expected rows' cells first
// (`num_expected` of them), then the actual rows'; `type` is their spec's type.
// REQUIRES: every cell was made with one scalar spec of `type`, not fuzzy.
void KeyColumn(const std::vector<Cell*>& cells, size_t num_expected, FieldType type);

}  // namespace goldset::eval
