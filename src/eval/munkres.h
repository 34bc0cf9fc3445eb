// Munkres' assignment algorithm (Munkres 1957) in the step formulation of R. A. Pilgrim
// ("Munkres' Assignment Algorithm, Modified for Rectangular Matrices"), with the
// zero-search order fixed, so that among equally cheap assignments the one chosen is
// always the same: ANLS* (anls_star.h) pairs list elements with it, and its reference
// implementation breaks ties this way. O(n^3)..O(n^4) on the padded n x n matrix:
// callers bound n. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace goldset::eval {

// Minimum-cost assignment of a rows x cols matrix (row-major), padded with zero-cost
// rows or columns to a square. Returns min(rows, cols) (row, column) pairs in row order.
// Ties: step 2 stars the first zero of each row (row-major); step 4 searches uncovered
// zeros row by row from the last primed row, taking the last such zero of the first row
// holding one, scanning columns cyclically from the last column visited.
std::vector<std::pair<int, int>> MunkresAssignment(std::vector<double> cost, size_t rows, size_t cols);

}  // namespace goldset::eval
