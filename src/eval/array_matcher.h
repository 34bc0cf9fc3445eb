// Optimal assignment: shortest augmenting paths with potentials (Jonker-Volgenant,
// in Crouse's 2016 formulation, as scipy's linear_sum_assignment), started from a row
// reduction that pairs every row whose cheapest column is still free. O(n^2 m) worst
// case for n rows <= m columns; memory O(n + m) beside the caller's matrix, which is
// read in place (never copied). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace goldset::eval {

// `cost` is row-major rows x cols with rows <= cols; every row gets a distinct column.
// Returns, per row, its column. Costs must be finite; results are deterministic.
// The int32 form gives up (nullopt) after `max_steps` inner-loop steps (0: no limit;
// rows x cols steps pair most rows, each augmenting path costs its visited rows x cols),
// so that a hostile matrix cannot hold a worker for minutes.
// REQUIRES: rows <= cols; rows and cols < 2^31.
std::optional<std::vector<int>> MinCostAssignmentInPlace(const int32_t* cost, size_t rows, size_t cols,
                                                         uint64_t max_steps);
std::vector<int> MinCostAssignmentInPlace(const double* cost, size_t rows, size_t cols);

// Conveniences over a copy (tests, benchmarks): any shape; a row left without a
// column (only when rows > cols) gets -1.
std::vector<int> MinCostAssignment(const std::vector<double>& cost, size_t rows, size_t cols);
// Maximizes the total weight of assigned pairs.
std::vector<int> MaxWeightAssignment(const std::vector<double>& weight, size_t rows, size_t cols);

}  // namespace goldset::eval
