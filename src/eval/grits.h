// GriTS-Con (Smock, Pesala & Abraham, 2023, "GriTS: Grid table similarity metric for table
// structure recognition"), equal to the reference implementation (microsoft/table-transformer,
// src/grits.py, grits_con) within floating-point rounding: two grids of cell texts are
// aligned by the factored 2D most-similar-substructures heuristic (rows by dynamic
// programming over row-to-row 1D alignments, columns likewise), and the cell similarities
// of the aligned rows x columns, summed, give precision (over predicted cells), recall
// (over true cells) and their F-score. Cell similarity is the reference's lcs_similarity:
// 2 * matched / (len(a) + len(b)) with the matches of Python's difflib.SequenceMatcher
// (Ratcliff-Obershelp longest blocks, with its "popular element" heuristic for texts of
// 200 code points or more), not a true longest common subsequence. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace goldset::eval {

// rows x columns of cell texts (UTF-8); every row of one grid has the same length.
using TextGrid = std::vector<std::vector<std::string>>;

struct GritsScore {
  double grits = 0, precision = 0, recall = 0, upper_bound = 0;
  uint64_t steps = 0;  // the cell comparison steps it took (what max_steps bounds)
};

// grits_con(true_grid, pred_grid). An empty grid (no rows or no columns) has no cells:
// precision or recall is then 1 as in the reference's compute_fscore. Fails with
// TooLarge when the cell comparisons (sum of (|a|+1)(|b|+1) over true x predicted cells)
// would exceed `max_steps`, or the true x predicted cells exceed 1,000,000 (the table of
// their similarities).
StatusOr<GritsScore> GritsCon(const TextGrid& truth, const TextGrid& pred, uint64_t max_steps = 20'000'000);

// lcs_similarity(a, b) of the reference (a is the true cell). Exposed for tests.
double LcsSimilarity(const std::u32string& a, const std::u32string& b);

// An array of objects as a grid: a row per element, a column per entry of `columns`
// (each a key path into the row object); a cell's text is a string as it is, a number or
// boolean as Python's str() prints it (anls_star.h), null or absent as "", anything else
// as its JSON. A non-array is a grid of no rows.
TextGrid GridOfRows(const json::value& rows, const std::vector<std::vector<std::string>>& columns);

}  // namespace goldset::eval
