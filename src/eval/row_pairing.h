// Row pairing for arrays of objects (docs/decisions.md §3): expected and actual rows are
// paired one to one so that the number of equal cells is maximal.
//
// Rows equal in every column are paired first when every column's comparison is an
// equivalence (keyed columns, see cells.h): some maximal pairing contains those pairs
// (exchange argument in row_pairing.cpp), so this changes no score, only the work. The
// rest goes to an optimal assignment over one int32 cost matrix of the rows left
// (rows x rows x 4 bytes at most). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace goldset::eval {

// How to tell whether expected row i's cell of one column equals actual row j's.
struct PairingColumn {
  enum class Mode { kKeys, kNumbers, kCallback };
  Mode mode = Mode::kCallback;
  std::vector<int64_t> expected_keys, actual_keys;       // kKeys: equal keys <=> equal cells
  std::vector<double> expected_numbers, actual_numbers;  // kNumbers: NumbersEqual
  std::function<bool(size_t i, size_t j)> equal;         // kCallback
};

bool CellsEqual(const PairingColumn& column, size_t i, size_t j);

// Per expected row (`num_expected` of them), the actual row paired with it, -1 for
// none; min(num_expected, num_actual) pairs. nullopt when the assignment needed more
// than `max_steps` steps (see MinCostAssignmentInPlace; 0: no limit).
// REQUIRES: each column holds num_expected / num_actual entries for its mode.
std::optional<std::vector<int>> PairRows(size_t num_expected, size_t num_actual,
                                         const std::vector<PairingColumn>& columns, uint64_t max_steps);

}  // namespace goldset::eval
