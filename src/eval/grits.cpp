#include "eval/grits.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <map>

#include "eval/anls_star.h"

namespace goldset::eval {
namespace {

constexpr size_t kMaxCellPairs = 1'000'000;

std::u32string CodePoints(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    out.push_back(static_cast<char32_t>(c < 0 ? 0xFFFD : c));
  }
  return out;
}

// The index difflib.SequenceMatcher builds of its second text (b2j, after the autojunk
// purge): built once per predicted cell and shared by every true cell compared with it.
class TextIndex {
 public:
  explicit TextIndex(const std::u32string& b) : b_(&b) {
    for (size_t j = 0; j < b.size(); ++j) b2j_[b[j]].push_back(j);
    // autojunk: in a b of 200 or more, elements occurring more than 1% + 1 times are
    // dropped from the index (not junk: matches still extend across them).
    if (b.size() >= 200) {
      size_t ntest = b.size() / 100 + 1;
      for (auto it = b2j_.begin(); it != b2j_.end();) {
        if (it->second.size() > ntest) it = b2j_.erase(it);
        else ++it;
      }
    }
  }
  const std::u32string& text() const { return *b_; }
  const std::vector<size_t>* Positions(char32_t c) const {
    auto it = b2j_.find(c);
    return it == b2j_.end() ? nullptr : &it->second;
  }

 private:
  const std::u32string* b_;
  std::map<char32_t, std::vector<size_t>> b2j_;
};

// Buffers reused across comparisons: match lengths by position in b (0: none) for the
// previous and the current position in a, and which of them are set.
struct MatchScratch {
  std::vector<size_t> prev, next, prev_set, next_set;
  std::vector<std::array<size_t, 4>> queue;
};

// difflib.SequenceMatcher(None, a, b) reduced to what lcs_similarity reads: the total
// size of get_matching_blocks().
class BlockMatcher {
 public:
  BlockMatcher(const std::u32string& a, const TextIndex& b, MatchScratch& scratch)
      : a_(a), b_(b.text()), index_(b), s_(scratch) {
    if (s_.prev.size() < b_.size()) {
      s_.prev.assign(b_.size(), 0);
      s_.next.assign(b_.size(), 0);
    }
  }

  size_t MatchedSize() {
    size_t total = 0;
    s_.queue.assign(1, {0, a_.size(), 0, b_.size()});
    while (!s_.queue.empty()) {
      auto [alo, ahi, blo, bhi] = s_.queue.back();
      s_.queue.pop_back();
      auto [i, j, k] = LongestMatch(alo, ahi, blo, bhi);
      if (k == 0) continue;
      total += k;
      if (alo < i && blo < j) s_.queue.push_back({alo, i, blo, j});
      if (i + k < ahi && j + k < bhi) s_.queue.push_back({i + k, ahi, j + k, bhi});
    }
    return total;
  }

 private:
  // find_longest_match: the longest block a[i:i+k] == b[j:j+k] in the ranges, the
  // earliest i on ties, then the earliest j; then extended over elements left out of
  // the index.
  std::array<size_t, 3> LongestMatch(size_t alo, size_t ahi, size_t blo, size_t bhi) {
    size_t besti = alo, bestj = blo, bestsize = 0;
    // prev[j]: length of the match ending at a[i - 1], b[j] (0: none).
    for (size_t i = alo; i < ahi; ++i) {
      if (const std::vector<size_t>* positions = index_.Positions(a_[i])) {
        for (size_t j : *positions) {
          if (j < blo) continue;
          if (j >= bhi) break;
          size_t k = (j > 0 ? s_.prev[j - 1] : 0) + 1;
          s_.next[j] = k;
          s_.next_set.push_back(j);
          if (k > bestsize) {
            besti = i + 1 - k;
            bestj = j + 1 - k;
            bestsize = k;
          }
        }
      }
      for (size_t j : s_.prev_set) s_.prev[j] = 0;
      std::swap(s_.prev, s_.next);
      std::swap(s_.prev_set, s_.next_set);
      s_.next_set.clear();
    }
    for (size_t j : s_.prev_set) s_.prev[j] = 0;
    s_.prev_set.clear();
    while (besti > alo && bestj > blo && a_[besti - 1] == b_[bestj - 1]) {
      --besti;
      --bestj;
      ++bestsize;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a_[besti + bestsize] == b_[bestj + bestsize]) ++bestsize;
    return {besti, bestj, bestsize};
  }

  const std::u32string& a_;
  const std::u32string& b_;
  const TextIndex& index_;
  MatchScratch& s_;
};

double Similarity(const std::u32string& a, const TextIndex& b, MatchScratch& scratch) {
  if (a.empty() && b.text().empty()) return 1;
  BlockMatcher m(a, b, scratch);
  return 2.0 * static_cast<double>(m.MatchedSize()) / static_cast<double>(a.size() + b.text().size());
}

struct Grid {
  size_t rows = 0, cols = 0;
  std::vector<std::u32string> cells;  // row-major
};

Grid Decode(const TextGrid& g) {
  Grid out;
  out.rows = g.size();
  out.cols = g.empty() ? 0 : g[0].size();
  if (out.cols == 0) out.rows = 0;
  for (size_t r = 0; r < out.rows; ++r)
    for (size_t c = 0; c < out.cols; ++c) out.cells.push_back(c < g[r].size() ? CodePoints(g[r][c]) : std::u32string());
  return out;
}

// The reference's DP over two sequences, with its tie order (diagonal, then skipping
// the first sequence, then the second). `reward(i, j)` pairs element i of the first with
// element j of the second. Returns the score; `pairs` (when given) the aligned indexes.
template <typename Reward>
double Align(size_t n, size_t m, const Reward& reward, std::vector<std::pair<size_t, size_t>>* pairs) {
  std::vector<double> score((n + 1) * (m + 1), 0.0);
  std::vector<signed char> pointer((n + 1) * (m + 1), 0);
  for (size_t i = 1; i <= n; ++i) pointer[i * (m + 1)] = -1;
  for (size_t j = 1; j <= m; ++j) pointer[j] = 1;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      double diag = score[(i - 1) * (m + 1) + j - 1] + reward(i - 1, j - 1);
      double skip_second = score[i * (m + 1) + j - 1];
      double skip_first = score[(i - 1) * (m + 1) + j];
      double best = std::max({diag, skip_first, skip_second});
      score[i * (m + 1) + j] = best;
      pointer[i * (m + 1) + j] = diag == best ? 0 : skip_first == best ? -1 : 1;
    }
  }
  if (pairs) {
    pairs->clear();
    size_t i = n, j = m;
    while (i > 0 || j > 0) {
      signed char p = pointer[i * (m + 1) + j];
      if (p == -1) {
        --i;
      } else if (p == 1) {
        --j;
      } else {
        --i;
        --j;
        pairs->emplace_back(i, j);
      }
    }
    std::reverse(pairs->begin(), pairs->end());
  }
  return score[n * (m + 1) + m];
}

// compute_fscore(true_positives, num_true, num_positives) -> (fscore, precision, recall).
void FScore(double tp, double num_true, double num_pos, double* f, double* precision, double* recall) {
  double p = num_pos > 0 ? tp / num_pos : 1;
  double r = num_true > 0 ? tp / num_true : 1;
  *f = p + r > 0 ? 2 * p * r / (p + r) : 0;
  if (precision) *precision = p;
  if (recall) *recall = r;
}

const json::value* Walk(const json::value& row, const std::vector<std::string>& path) {
  const json::value* cur = &row;
  for (const auto& k : path) {
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(k);
    if (!cur) return nullptr;
  }
  return cur;
}

}  // namespace

double LcsSimilarity(const std::u32string& a, const std::u32string& b) {
  MatchScratch scratch;
  return Similarity(a, TextIndex(b), scratch);
}

StatusOr<GritsScore> GritsCon(const TextGrid& truth, const TextGrid& pred, uint64_t max_steps) {
  Grid t = Decode(truth), p = Decode(pred);
  // Work: every true cell against every predicted cell.
  long double t_len = 0, p_len = 0;
  for (const auto& c : t.cells) t_len += static_cast<long double>(c.size() + 1);
  for (const auto& c : p.cells) p_len += static_cast<long double>(c.size() + 1);
  if (t_len * p_len > static_cast<long double>(max_steps)) {
    return Status::TooLarge("GriTS: more than " + std::to_string(max_steps) + " cell comparison steps");
  }
  const uint64_t steps = static_cast<uint64_t>(t_len * p_len);
  const size_t tr = t.rows, tc = t.cols, pr = p.rows, pc = p.cols;
  // The reward table holds a double per pair of cells: 8 MB at most.
  if (static_cast<long double>(tr * tc) * static_cast<long double>(pr * pc) > kMaxCellPairs) {
    return Status::TooLarge("GriTS: more than " + std::to_string(kMaxCellPairs) + " pairs of cells");
  }
  // reward[((ti * tc + tj) * pr + pi) * pc + pj]
  std::vector<double> reward(tr * tc * pr * pc);
  std::vector<TextIndex> indexes;
  indexes.reserve(p.cells.size());
  for (const auto& cell : p.cells) indexes.emplace_back(cell);
  MatchScratch scratch;
  for (size_t a = 0; a < tr * tc; ++a)
    for (size_t b = 0; b < pr * pc; ++b) reward[a * pr * pc + b] = Similarity(t.cells[a], indexes[b], scratch);
  auto at = [&](size_t ti, size_t tj, size_t pi, size_t pj) { return reward[((ti * tc + tj) * pr + pi) * pc + pj]; };

  std::vector<std::pair<size_t, size_t>> row_pairs, col_pairs;
  double row_score = Align(
      tr, pr,
      [&](size_t ti, size_t pi) {
        return Align(
            tc, pc, [&](size_t tj, size_t pj) { return at(ti, tj, pi, pj); }, nullptr);
      },
      &row_pairs);
  double col_score = Align(
      tc, pc,
      [&](size_t tj, size_t pj) {
        return Align(
            tr, pr, [&](size_t ti, size_t pi) { return at(ti, tj, pi, pj); }, nullptr);
      },
      &col_pairs);
  const double num_true = static_cast<double>(tr * tc), num_pos = static_cast<double>(pr * pc);
  GritsScore out;
  out.steps = steps;
  FScore(std::min(row_score, col_score), num_pos, num_true, &out.upper_bound, nullptr, nullptr);
  double matched = 0;
  for (auto [ti, pi] : row_pairs)
    for (auto [tj, pj] : col_pairs) matched += at(ti, tj, pi, pj);
  FScore(matched, num_true, num_pos, &out.grits, &out.precision, &out.recall);
  return out;
}

TextGrid GridOfRows(const json::value& rows, const std::vector<std::vector<std::string>>& columns) {
  TextGrid out;
  if (!rows.is_array()) return out;
  for (const auto& row : rows.as_array()) {
    std::vector<std::string> cells;
    cells.reserve(columns.size());
    for (const auto& path : columns) {
      const json::value* v = Walk(row, path);
      if (!v || v->is_null()) cells.emplace_back();
      else if (v->is_string() || v->is_number() || v->is_bool()) cells.push_back(PythonStr(*v));
      else cells.push_back(json::serialize(*v));
    }
    out.push_back(std::move(cells));
  }
  return out;
}

}  // namespace goldset::eval
