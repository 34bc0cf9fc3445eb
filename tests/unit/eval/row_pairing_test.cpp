// Row pairing (F2 of the 2026-12 security audit): the int32 assignment and the
// exact-row prefilter keep the optimum (brute force on small tables), the assignment's
// step budget stops hostile matrices, and the row cap holds at 5,000 / 5,001 rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "eval/array_matcher.h"
#include "eval/eval.h"
#include "eval/row_pairing.h"
#include "eval/stats.h"

namespace goldset::eval {
namespace {

// Best total over every injection of the smaller side into the larger; `score(i, j)`.
template <typename F>
int64_t BruteForceMax(size_t rows, size_t cols, F score) {
  size_t small = std::min(rows, cols), large = std::max(rows, cols);
  std::vector<size_t> perm(large);
  std::iota(perm.begin(), perm.end(), 0);
  int64_t best = INT64_MIN;
  do {
    int64_t total = 0;
    for (size_t k = 0; k < small; ++k) total += rows <= cols ? score(k, perm[k]) : score(perm[k], k);
    best = std::max(best, total);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

TEST(Int32Assignment, MatchesBruteForceOnSmallRandomMatrices) {
  Rng rng(11);
  for (int iter = 0; iter < 800; ++iter) {
    size_t rows = 1 + rng.Below(6), cols = rows + rng.Below(3);
    std::vector<int32_t> cost(rows * cols);
    const uint64_t range = iter % 3 == 0 ? 3 : iter % 3 == 1 ? 10 : 100000;  // ties galore, some, none
    for (auto& c : cost) c = static_cast<int32_t>(rng.Below(range));
    auto pair = MinCostAssignmentInPlace(cost.data(), rows, cols, 0);
    ASSERT_TRUE(pair.has_value());
    std::vector<int> used(cols, 0);
    int64_t total = 0;
    for (size_t r = 0; r < rows; ++r) {
      ASSERT_GE((*pair)[r], 0);
      ASSERT_EQ(used[static_cast<size_t>((*pair)[r])]++, 0) << "column used twice";
      total += cost[r * cols + static_cast<size_t>((*pair)[r])];
    }
    EXPECT_EQ(-total, BruteForceMax(rows, cols, [&](size_t i, size_t j) { return -int64_t{cost[i * cols + j]}; }))
        << rows << "x" << cols;
  }
}

// Rows of keyed columns drawn from a small alphabet, so many rows are equal in every
// column (the prefilter pairs them) and many are not.
TEST(PairRows, PrefilterAndAssignmentKeepTheOptimum) {
  Rng rng(24);
  size_t prefiltered = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    size_t ne = rng.Below(7), na = rng.Below(7), nc = 1 + rng.Below(3);
    std::vector<PairingColumn> columns(nc);
    for (auto& c : columns) {
      c.mode = PairingColumn::Mode::kKeys;
      for (size_t i = 0; i < ne; ++i) c.expected_keys.push_back(static_cast<int64_t>(rng.Below(2)));
      for (size_t j = 0; j < na; ++j) c.actual_keys.push_back(static_cast<int64_t>(rng.Below(2)));
    }
    // A third of the time one column compares through a callback: no prefilter then.
    if (iter % 3 == 0) {
      const std::vector<int64_t> e = columns[0].expected_keys, a = columns[0].actual_keys;
      columns[0].mode = PairingColumn::Mode::kCallback;
      columns[0].equal = [e, a](size_t i, size_t j) { return e[i] == a[j]; };
    } else {
      ++prefiltered;
    }
    auto matches = [&](size_t i, size_t j) {
      int64_t m = 0;
      for (const auto& c : columns) m += CellsEqual(c, i, j);
      return m;
    };
    auto pairs = PairRows(ne, na, columns, 0);
    ASSERT_TRUE(pairs.has_value());
    ASSERT_EQ(pairs->size(), ne);
    std::vector<int> used(na, 0);
    int64_t total = 0;
    size_t paired = 0;
    for (size_t i = 0; i < ne; ++i) {
      if ((*pairs)[i] < 0) continue;
      ASSERT_EQ(used[static_cast<size_t>((*pairs)[i])]++, 0);
      total += matches(i, static_cast<size_t>((*pairs)[i]));
      ++paired;
    }
    EXPECT_EQ(paired, std::min(ne, na));
    if (ne && na) {
      EXPECT_EQ(total, BruteForceMax(ne, na, matches)) << ne << "x" << na << " columns " << nc;
    }
  }
  EXPECT_GT(prefiltered, 900u);
}

// c = floor(i * j * 10 / n^2): a staircase with many tied levels that costs the
// assignment O(n^3) (tens of seconds at 5,000 rows). The step budget stops it early.
TEST(Int32Assignment, StepBudgetStopsHostileMatrices) {
  const size_t n = 400;
  std::vector<int32_t> cost(n * n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) cost[i * n + j] = static_cast<int32_t>(i * j * 10 / (n * n));
  }
  EXPECT_FALSE(MinCostAssignmentInPlace(cost.data(), n, n, 64 * n).has_value());
  auto solved = MinCostAssignmentInPlace(cost.data(), n, n, 0);
  ASSERT_TRUE(solved.has_value());
  EXPECT_EQ(solved->size(), n);
}

// A realistic table of `n` rows and its prediction: rows shuffled, every 7th price a
// cent off, every 11th description dropped to null.
json::object Table(size_t n, bool actual) {
  json::array rows;
  for (size_t i = 0; i < n; ++i) {
    size_t k = actual ? (i * 7919) % n : i;  // a permutation when n is not a multiple of 7919
    double price = static_cast<double>(k % 997) + 0.25;
    if (actual && k % 7 == 0) price += 0.01;
    json::value description = json::string("item " + std::to_string(k));
    if (actual && k % 11 == 0) description = nullptr;
    rows.push_back(json::object{{"description", description}, {"price", price}, {"qty", static_cast<int64_t>(k % 5)}});
  }
  return json::object{{"value", json::object{{"lines", rows}}}};
}

json::object TableConfig() {
  json::object row{{"type", "object"},
                   {"properties",
                    {{"description", {{"type", json::array{"string", "null"}}}},
                     {"price", {{"type", json::array{"number", "null"}}}},
                     {"qty", {{"type", json::array{"integer", "null"}}}}}}};
  return json::object{
      {"schema", {{"type", "object"}, {"properties", {{"lines", {{"type", "array"}, {"items", row}}}}}}}};
}

TEST(ArrayLimits, FiveThousandRowsScoreAndOneMoreFails) {
  const json::object config = TableConfig();
  Options options;  // max_array_rows 5000 by default
  auto scored = ScoreItem(Kind::kExtractor, config, Table(5000, false), Table(5000, true), options);
  ASSERT_TRUE(scored.ok()) << scored.status().ToString();
  const json::object& f = scored->at("fields").at("lines").as_object();
  // 15,000 cells; wrong: 715 cent-off prices, 455 null descriptions (k % 77 == 0: 65 rows both).
  EXPECT_EQ(f.at("totalCells").as_int64(), 15000);
  EXPECT_EQ(f.at("correctCells").as_int64(), 15000 - 715 - 455);
  EXPECT_EQ(f.at("columns").at("lines[].price").at("correct").to_number<int64_t>(), 5000 - 715);

  auto over_actual = ScoreItem(Kind::kExtractor, config, Table(5000, false), Table(5001, true), options);
  ASSERT_FALSE(over_actual.ok());
  EXPECT_EQ(over_actual.status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(over_actual.status().message(),
            "lines: the actual output has 5001 rows; at most 5000 rows per array are scored (--max-array-rows)");
  auto over_expected = ScoreItem(Kind::kExtractor, config, Table(5001, false), Table(10, true), options);
  ASSERT_FALSE(over_expected.ok());
  EXPECT_EQ(over_expected.status().message(),
            "lines: the expected output has 5001 rows; at most 5000 rows per array are scored (--max-array-rows)");
  options.max_array_rows = 4999;
  EXPECT_FALSE(ScoreItem(Kind::kExtractor, config, Table(5000, false), Table(5000, true), options).ok());
}

}  // namespace
}  // namespace goldset::eval
