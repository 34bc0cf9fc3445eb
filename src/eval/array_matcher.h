// Optimal assignment (Hungarian algorithm, shortest augmenting paths with
// potentials), O(n^2 m) for an n x m matrix with n <= m; rectangular matrices are
// handled by transposing. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

namespace goldset::eval {

// `weight` is row-major rows x cols. Returns, per row, the column it is assigned to,
// or -1 (only when rows > cols), maximizing the total weight of assigned pairs.
std::vector<int> MaxWeightAssignment(const std::vector<double>& weight, size_t rows, size_t cols);

// Same, minimizing total cost; every row (rows <= cols) or every column gets a partner.
std::vector<int> MinCostAssignment(const std::vector<double>& cost, size_t rows, size_t cols);

}  // namespace goldset::eval
