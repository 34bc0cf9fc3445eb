// ANLS* beyond the reference's values (those are data: tests/cases/anls_star/): the
// Python str() table and the work budget.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/rng.h"
#include "eval/anls_star.h"
#include "eval/munkres.h"

namespace goldset::eval {
namespace {

json::value Parse(const char* s) { return *ParseJson(s); }

TEST(AnlsStar, PythonStrOfScalars) {
  EXPECT_EQ(PythonStr(Parse("10")), "10");
  EXPECT_EQ(PythonStr(Parse("10.0")), "10.0");
  EXPECT_EQ(PythonStr(Parse("true")), "True");
  EXPECT_EQ(PythonStr(Parse("false")), "False");
  EXPECT_EQ(PythonStr(Parse("1e16")), "1e+16");
  EXPECT_EQ(PythonStr(Parse("1e15")), "1000000000000000.0");
  EXPECT_EQ(PythonStr(Parse("0.0001")), "0.0001");
  EXPECT_EQ(PythonStr(Parse("0.00001")), "1e-05");
  EXPECT_EQ(PythonStr(Parse("-0.0")), "-0.0");
  EXPECT_EQ(PythonStr(Parse("1.5e-7")), "1.5e-07");
  EXPECT_EQ(PythonStr(Parse("123456789.123")), "123456789.123");
  EXPECT_EQ(PythonStr(Parse("12345678901234567890")), "12345678901234567890");
  EXPECT_EQ(PythonStr(Parse("\"x\"")), "x");
  // Either side of repr's switch between positional and scientific notation.
  EXPECT_EQ(PythonStr(Parse("9999999999999998.0")), "9999999999999998.0");
  EXPECT_EQ(PythonStr(Parse("1000000000000000.2")), "1000000000000000.2");
  EXPECT_EQ(PythonStr(Parse("9.999999999999999e-05")), "9.999999999999999e-05");
  EXPECT_EQ(PythonStr(Parse("0.00012345678901234567")), "0.00012345678901234567");
  EXPECT_EQ(PythonStr(Parse("-123.456")), "-123.456");
  EXPECT_EQ(PythonStr(Parse("0.1")), "0.1");
  EXPECT_EQ(PythonStr(Parse("5e-324")), "5e-324");
  EXPECT_EQ(PythonStr(Parse("1.7976931348623157e308")), "1.7976931348623157e+308");
}

// Numbers with a few decimals take a shortcut; it must print what repr prints: the
// shortest round-trip digits, positional (std::to_chars in fixed notation gives those).
TEST(AnlsStar, PythonStrOfDecimalsEqualsShortestRoundTrip) {
  Rng rng(42);
  char buf[64];
  for (int i = 0; i < 200000; ++i) {
    const double scale[] = {1, 10, 100, 1000, 10000, 100000, 1e6};
    const int64_t r = static_cast<int64_t>(rng.Below(2'000'000'000)) - 1'000'000'000;
    double d = static_cast<double>(r) / scale[rng.Below(7)];
    if (i % 5 == 0) d = std::nextafter(d, 1e300);  // a neighbour that is no short decimal
    if (std::fabs(d) < 1e-4) continue;
    char* end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed).ptr;
    std::string want(buf, end);
    if (want.find('.') == std::string::npos) want += ".0";
    ASSERT_EQ(PythonStr(json::value(d)), want) << r;
  }
}

// A list of n elements against n: n*n pair steps plus n^3 for the pairing.
TEST(AnlsStar, BudgetBoundsListPairing) {
  json::array gt, pred;
  for (int i = 0; i < 20; ++i) {
    gt.push_back(json::value("v" + std::to_string(i)));
    pred.push_back(json::value("w" + std::to_string(i)));
  }
  AnlsStarOptions options;
  options.max_comparisons = 20 * 20 * 20;  // the pairing alone; the pairs overrun it
  auto over = AnlsStar(gt, pred, options);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), Status::Code::kTooLarge);
  options.max_comparisons = 1'000'000;
  auto fine = AnlsStar(gt, pred, options);
  ASSERT_TRUE(fine.ok());
  // "vN" vs "wN": one substitution in two (N < 10) or three code points.
  EXPECT_NEAR(*fine, (10 * 0.5 + 10 * (2.0 / 3.0)) / 20, 1e-12);
}

TEST(AnlsStar, OneOfObjectsOnlyWhenAsked) {
  json::value gt = Parse(R"({"a": {"$oneOf": ["x", "y"]}})");
  json::value pred = Parse(R"({"a": "y"})");
  EXPECT_NEAR(*AnlsStar(gt, pred, {.one_of_objects = true}), 1.0, 1e-12);
  EXPECT_NEAR(*AnlsStar(gt, pred), 0.0, 1e-12);  // a plain object against a string
}

// Tables paired by their total similarity (the default) against the row-by-row pairing
// every other list gets, on random tables whose cells tie, repeat, differ only in case,
// type ("10", 10, 10.0, true, 1) or none-ishness, also as elements of an outer list
// (where whether a table's pairing is all exact pairs decides ties).
json::value RandomCell(Rng& rng, bool tiny = false) {
  if (tiny) {  // ties everywhere: equal texts that are not equal values, and equal values
    switch (rng.Below(6)) {
      case 0: return json::value("a");
      case 1: return json::value("A");
      case 2: return json::value("10");
      case 3: return json::value("10.0");
      case 4: return json::value(int64_t{10});
      default: return json::value(10.0);
    }
  }
  static const char* kPool[] = {"a", "A", "", "ab", "abc", "b", "10", "x y", "X  Y", "10.0", "Müller", "müller"};
  switch (rng.Below(8)) {
    case 0: return nullptr;
    case 1: return json::value(int64_t{10});
    case 2: return json::value(10.0);
    case 3: return json::value(rng.Below(2) == 0);
    case 4: return json::value(int64_t{1});
    default: return json::value(kPool[rng.Below(12)]);
  }
}

json::value RandomTable(Rng& rng, const std::vector<std::string>& keys, size_t max_rows, bool tiny = false) {
  json::array rows;
  const size_t n = rng.Below(max_rows + 1);
  for (size_t r = 0; r < n; ++r) {
    json::object row;
    for (const auto& k : keys) row[k] = RandomCell(rng, tiny);
    if (r > 0 && rng.Below(4) == 0) rows.push_back(rows[rng.Below(r)]);  // a repeated row
    else rows.push_back(std::move(row));
  }
  return rows;
}

TEST(AnlsStar, TablesByWeightEqualRowByRowPairing) {
  Rng rng(20261205);
  AnlsStarOptions by_rows;
  by_rows.tables_by_weight = false;
  int tables = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> keys = {"k0"};
    for (uint64_t c = rng.Below(3); c > 0; --c) keys.push_back("k" + std::to_string(keys.size()));
    json::value gt, pred;
    const bool tiny = round % 3 == 2;
    if (round % 2 == 0) {
      gt = json::object{{"t", RandomTable(rng, keys, 7)}, {"v", RandomCell(rng)}};
      pred = json::object{{"t", RandomTable(rng, keys, 7)}, {"v", RandomCell(rng)}};
    } else {  // tables inside an outer list's elements
      json::array g, p;
      for (uint64_t e = 1 + rng.Below(3); e > 0; --e)
        g.push_back(json::object{{"t", RandomTable(rng, keys, tiny ? 2 : 4, tiny)}});
      for (uint64_t e = 1 + rng.Below(3); e > 0; --e)
        p.push_back(json::object{{"t", RandomTable(rng, keys, tiny ? 2 : 4, tiny)}});
      gt = g;
      pred = p;
    }
    auto fast = AnlsStar(gt, pred);
    auto slow = AnlsStar(gt, pred, by_rows);
    ASSERT_TRUE(fast.ok() && slow.ok());
    ASSERT_NEAR(*fast, *slow, 1e-12) << json::serialize(gt) << " vs " << json::serialize(pred);
    tables += *fast != 1.0;
  }
  EXPECT_GT(tables, 2000);  // the cases are not trivially equal
}

// Both pairings charge the same work: the budget refuses the same tables.
TEST(AnlsStar, TablesByWeightChargeTheRowByRowWork) {
  Rng rng(7);
  AnlsStarOptions fast, slow;
  slow.tables_by_weight = false;
  for (int round = 0; round < 50; ++round) {
    json::value gt = RandomTable(rng, {"a", "b"}, 6), pred = RandomTable(rng, {"a", "b"}, 6);
    uint64_t lo = 0, hi = 100'000;  // the least budget the row-by-row pairing accepts
    while (lo < hi) {
      slow.max_comparisons = (lo + hi) / 2;
      if (AnlsStar(gt, pred, slow).ok()) hi = slow.max_comparisons;
      else lo = slow.max_comparisons + 1;
    }
    fast.max_comparisons = lo;
    EXPECT_TRUE(AnlsStar(gt, pred, fast).ok());
    if (lo > 0) {
      fast.max_comparisons = lo - 1;
      auto over = AnlsStar(gt, pred, fast);
      ASSERT_FALSE(over.ok()) << json::serialize(gt) << " vs " << json::serialize(pred);
      EXPECT_EQ(over.status().code(), Status::Code::kTooLarge);
    }
  }
}

TEST(Munkres, TiesTakeTheFirstStarredZero) {
  // Every assignment costs 0: step 2 stars the diagonal.
  auto pairs = MunkresAssignment(std::vector<double>(9, 0.0), 3, 3);
  ASSERT_EQ(pairs.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pairs[static_cast<size_t>(i)], std::make_pair(i, i));
}

TEST(Munkres, RectangularFindsTheOptimum) {
  // 2 x 3: the best pairs are (0,2) and (1,0).
  auto pairs = MunkresAssignment({5, 4, 1, 2, 6, 7}, 2, 3);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], std::make_pair(0, 2));
  EXPECT_EQ(pairs[1], std::make_pair(1, 0));
}

// The plain step formulation with a mark matrix (what munkres.cpp computed before it
// kept its state in indexes): the fast one must choose the same pairs, ties included.
std::vector<std::pair<int, int>> PlainMunkres(const std::vector<double>& cost, size_t rows, size_t cols) {
  const size_t n = std::max(rows, cols);
  std::vector<double> c(n * n, 0.0);
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) c[i * n + j] = cost[i * cols + j];
  std::vector<int> mark(n * n, 0);  // 1 star, 2 prime
  std::vector<bool> rc(n), cc(n);
  auto clear = [&] {
    std::fill(rc.begin(), rc.end(), false);
    std::fill(cc.begin(), cc.end(), false);
  };
  for (size_t i = 0; i < n; ++i) {
    double m = *std::min_element(c.begin() + static_cast<long>(i * n), c.begin() + static_cast<long>((i + 1) * n));
    for (size_t j = 0; j < n; ++j) c[i * n + j] -= m;
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (c[i * n + j] == 0 && !cc[j] && !rc[i]) {
        mark[i * n + j] = 1;
        cc[j] = rc[i] = true;
        break;
      }
  clear();
  for (;;) {
    size_t count = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        if (mark[i * n + j] == 1 && !cc[j]) cc[j] = true, ++count;
    if (count >= n) break;
    size_t row = 0, col = 0;
    for (;;) {
      bool found = false;
      const size_t i0 = row, j0 = col;
      for (size_t di = 0; di < n && !found; ++di) {
        size_t i = (i0 + di) % n;
        if (rc[i]) continue;
        for (size_t dj = 0; dj < n; ++dj) {
          size_t j = (j0 + dj) % n;
          if (c[i * n + j] == 0 && !cc[j]) row = i, col = j, found = true;
        }
      }
      if (!found) {
        double m = std::numeric_limits<double>::max();
        for (size_t i = 0; i < n; ++i)
          for (size_t j = 0; j < n; ++j)
            if (!rc[i] && !cc[j]) m = std::min(m, c[i * n + j]);
        for (size_t i = 0; i < n; ++i)
          for (size_t j = 0; j < n; ++j) {
            if (rc[i]) c[i * n + j] += m;
            if (!cc[j]) c[i * n + j] -= m;
          }
        row = col = 0;
        continue;
      }
      mark[row * n + col] = 2;
      size_t star = n;
      for (size_t j = 0; j < n; ++j)
        if (mark[row * n + j] == 1) star = j;
      if (star == n) break;
      col = star;
      rc[row] = true;
      cc[star] = false;
    }
    std::vector<std::pair<size_t, size_t>> path{{row, col}};
    for (;;) {
      size_t r = n;
      for (size_t i = 0; i < n && r == n; ++i)
        if (mark[i * n + path.back().second] == 1) r = i;
      if (r == n) break;
      path.emplace_back(r, path.back().second);
      size_t p = n;
      for (size_t j = 0; j < n && p == n; ++j)
        if (mark[r * n + j] == 2) p = j;
      path.emplace_back(r, p);
    }
    for (auto [i, j] : path) mark[i * n + j] = mark[i * n + j] == 1 ? 0 : 1;
    clear();
    for (auto& m : mark)
      if (m == 2) m = 0;
  }
  std::vector<std::pair<int, int>> out;
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j)
      if (mark[i * n + j] == 1) out.emplace_back(static_cast<int>(i), static_cast<int>(j));
  return out;
}

TEST(Munkres, SamePairsAsThePlainFormulationOnTies) {
  // Costs from a few values (many ties) and from the ANLS* shape (top - mean, with
  // one-ulp nudges), square and rectangular, up to 70 x 70 (two 64-bit words per row).
  Rng rng(20261204);
  for (int round = 0; round < 400; ++round) {
    size_t rows = 1 + rng.Below(round < 380 ? 12 : 70), cols = 1 + rng.Below(round < 380 ? 12 : 70);
    int distinct = 1 + static_cast<int>(rng.Below(5));
    std::vector<double> cost(rows * cols);
    for (double& x : cost) {
      x = static_cast<double>(rng.Below(static_cast<uint64_t>(distinct))) / 3.0;
      if (rng.Below(4) == 0) x = std::nextafter(x, -1.0);
    }
    ASSERT_EQ(MunkresAssignment(cost, rows, cols), PlainMunkres(cost, rows, cols))
        << "round " << round << ", " << rows << " x " << cols;
  }
}

}  // namespace
}  // namespace goldset::eval
