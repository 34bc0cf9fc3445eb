// ANLS* leaf similarity bounds (anls_text.h, leaf_grid.h): a bound is never below the
// similarity, is the similarity when it says so, and the packed loops (portable and, when
// the processor has it, AVX-512) compute the scalar bound.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/rng.h"
#include "eval/anls_text.h"
#include "eval/leaf_grid.h"

namespace goldset::eval {
namespace {

// Short texts over a small alphabet (many near and equal pairs), some non-ASCII, some
// long enough for the general Levenshtein (> 64 code points), some with spaces to collapse.
std::string RandomText(Rng& rng) {
  static const char* kPieces[] = {"a", "b", "A", "1", "2", ".", " ", "  ", "é", "x", "ab", "10"};
  size_t n = rng.Below(8);
  if (rng.Below(40) == 0) n = 40 + rng.Below(30);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kPieces[rng.Below(12)];
  return s;
}

TEST(LeafText, BoundIsNeverBelowTheSimilarityAndExactWhenItSaysSo) {
  Rng rng(1);
  int exact_count = 0, loose_count = 0;
  for (int round = 0; round < 100000; ++round) {
    LeafText g, p;
    g.Assign(RandomText(rng));
    p.Assign(RandomText(rng));
    bool exact = false;
    const double bound = g.SimilarityBound(p, &exact);
    const double similarity = g.Similarity(p);
    ASSERT_GE(bound + 1e-15, similarity) << round;
    if (exact) {
      ASSERT_EQ(bound, similarity) << round;
      ++exact_count;
    } else {
      ++loose_count;
    }
  }
  EXPECT_GT(exact_count, 10000);
  EXPECT_GT(loose_count, 10000);
}

// Text within Latin-1 is lower-cased without ICU; a code point beyond it (U+0100, which
// lower-cases to U+0101) sends the same text through ICU's full mapping: both agree on
// every Latin-1 code point, whitespace (U+0085, U+00A0) included.
TEST(LeafText, Latin1ShortcutEqualsTheFullLowerCaseMapping) {
  for (char32_t c = 1; c < 0x100; ++c) {
    std::string s = "A";
    if (c < 0x80) {
      s += static_cast<char>(c);
    } else {
      s += static_cast<char>(0xC0 | (c >> 6));
      s += static_cast<char>(0x80 | (c & 0x3F));
    }
    s += "z";
    LeafText latin1, full;
    latin1.Assign(s);
    full.Assign(s + "\u0100");
    std::u32string want(full.text());
    ASSERT_EQ(want.back(), U'\u0101');
    want.pop_back();
    EXPECT_EQ(std::u32string(latin1.text()), want) << static_cast<uint32_t>(c);
    bool exact = false;
    LeafText again;
    again.Assign(s);
    EXPECT_EQ(latin1.SimilarityBound(again, &exact), 1.0);  // same fingerprint
  }
  LeafText broken;
  broken.Assign("a\xC3");  // malformed UTF-8 goes the full way (U+FFFD)
  EXPECT_EQ(std::u32string(broken.text()), U"a\uFFFD");
}

TEST(LeafText, TextIsLowerCasedWithSpacesCollapsed) {
  LeafText a, b;
  a.Assign("  Hello \t WORLD  ");
  b.Assign("hello world");
  EXPECT_EQ(a.text(), b.text());
  EXPECT_EQ(a.Similarity(b), 1.0);
  a.Assign("MÜLLER");  // the non-ASCII path
  b.Assign("müller");
  EXPECT_EQ(a.text(), b.text());
  a.Assign("\u212A");  // KELVIN SIGN lower-cases to an ASCII "k": both paths fingerprint alike
  b.Assign("k");
  EXPECT_EQ(a.text(), b.text());
  EXPECT_EQ(a.Similarity(b), 1.0);
  bool exact = false;
  EXPECT_EQ(a.SimilarityBound(b, &exact), 1.0);
  EXPECT_TRUE(exact);
  a.Assign("abcd");
  b.Assign("abcx");
  EXPECT_DOUBLE_EQ(a.Similarity(b), 0.75);
  b.Assign("axyz");
  EXPECT_EQ(a.Similarity(b), 0.0);  // 1 - 3/4 is below one half
}

struct Table {
  std::vector<LeafText> cells;  // row-major
  std::vector<char> leaf, nonish;
};

Table RandomTable(Rng& rng, size_t rows, size_t cols) {
  Table t;
  t.cells.reserve(rows * cols);
  for (size_t x = 0; x < rows * cols; ++x) {
    t.cells.emplace_back();
    const bool leaf = rng.Below(6) != 0;
    const std::string text = leaf ? RandomText(rng) : "";
    t.cells.back().Assign(text);
    t.leaf.push_back(leaf);
    t.nonish.push_back(!leaf || text.empty());
  }
  return t;
}

LeafGrid GridOf(const Table& t, size_t rows, size_t cols) {
  LeafGrid grid(rows, cols);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      const size_t x = r * cols + c;
      grid.Set(r, c, t.leaf[x] ? &t.cells[x] : nullptr, t.nonish[x]);
    }
  return grid;
}

TEST(LeafGrid, BoundsEqualTheScalarBoundsOnEveryPath) {
  Rng rng(2);
  for (int round = 0; round < 300; ++round) {
    const size_t n = 1 + rng.Below(20), m = 1 + rng.Below(20), k = 1 + rng.Below(5);  // m not a multiple of 8, too
    Table gt = RandomTable(rng, n, k), pred = RandomTable(rng, m, k);
    LeafGrid g = GridOf(gt, n, k), p = GridOf(pred, m, k);
    for (LeafGrid::Isa isa : {LeafGrid::Isa::kPortable, LeafGrid::Isa::kBest}) {
      std::vector<double> bound(n * m, -1);
      std::vector<char> exact(n * m, 2);
      LeafGrid::Bounds(g, p, bound.data(), exact.data(), isa);
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < m; ++j) {
          double want = 0, similarity = 0;
          bool settled = true;
          for (size_t c = 0; c < k; ++c) {
            const size_t gx = i * k + c, px = j * k + c;
            if (!gt.leaf[gx]) {
              want += pred.nonish[px];
              similarity += pred.nonish[px];
            } else if (pred.leaf[px]) {
              bool cell_exact;
              want += gt.cells[gx].SimilarityBound(pred.cells[px], &cell_exact);
              similarity += gt.cells[gx].Similarity(pred.cells[px]);
              settled = settled && cell_exact;
            }
          }
          ASSERT_NEAR(bound[i * m + j], want, 1e-9) << round << " " << i << " " << j;
          ASSERT_GE(bound[i * m + j] + 1e-15, similarity);
          ASSERT_EQ(exact[i * m + j], settled ? 1 : 0);
          if (settled) {
            ASSERT_NEAR(bound[i * m + j], similarity, 1e-12);
          }
        }
      }
    }
  }
}

// Texts of up to three code points with equal fingerprints are taken as equal without
// comparing them (LeafText::SameText): every such text against every other, on both
// paths, scores 1 exactly when the texts are equal.
TEST(LeafGrid, ShortTextsWithEqualFingerprintsAreEqualTexts) {
  static const char* kChars[] = {"a", "b", "1", ".", "\u00e9", "\u4e2d", "\U0001F600", "\u0100"};
  std::vector<std::string> texts;
  for (const char* x : kChars) {
    texts.push_back(x);
    for (const char* y : kChars) {
      texts.push_back(std::string(x) + y);
      for (const char* z : kChars) texts.push_back(std::string(x) + y + z);
    }
  }
  const size_t n = texts.size();
  std::vector<LeafText> cells(n);
  LeafGrid grid(n, 1);
  for (size_t i = 0; i < n; ++i) {
    cells[i].Assign(texts[i]);
    grid.Set(i, 0, &cells[i], false);
  }
  for (LeafGrid::Isa isa : {LeafGrid::Isa::kPortable, LeafGrid::Isa::kBest}) {
    std::vector<double> bound(n * n);
    std::vector<char> exact(n * n);
    LeafGrid::Bounds(grid, grid, bound.data(), exact.data(), isa);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        ASSERT_EQ(bound[i * n + j] == 1.0, texts[i] == texts[j]) << texts[i] << " " << texts[j];
  }
}

}  // namespace
}  // namespace goldset::eval
