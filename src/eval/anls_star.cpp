#include "eval/anls_star.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory_resource>
#include <string>
#include <vector>

#include "eval/anls_text.h"
#include "eval/leaf_grid.h"
#include "eval/array_matcher.h"
#include "eval/munkres.h"

namespace goldset::eval {
namespace {

// repr(float) of most numbers in documents, which have a few decimals: when d is the
// double nearest to r / 10^4, that decimal without its trailing zeros is repr's (another
// decimal that rounds to d would have to be within half a double spacing, < 1e-7 here, of
// it, and decimals of four places are 1e-4 apart). Writes it to `buf` (24 bytes) and
// returns its length; 0 when d is not such a number.
size_t ShortDecimal(double d, char* buf) {
  if (const double a = std::fabs(d); !(a >= 1e-4 && a < 1e9)) return 0;
  const double x = d * 1e4;  // within 1e-3 of r: the nearest integer is r
  const auto r = static_cast<long long>(x < 0 ? x - 0.5 : x + 0.5);
  if (static_cast<double>(r) / 1e4 != d) return 0;  // exact: r < 2^53, one rounding
  const long long whole = std::llabs(r) / 10000;
  long long frac = std::llabs(r) % 10000;
  char* end = buf;
  if (d < 0) *end++ = '-';
  end = std::to_chars(end, buf + 24, whole).ptr;
  *end++ = '.';
  char digits[4];
  for (int i = 3; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
  int keep = 4;
  while (keep > 1 && digits[keep - 1] == '0') --keep;
  end = std::copy(digits, digits + keep, end);
  return static_cast<size_t>(end - buf);
}

// repr(float): shortest round-trip digits; positional when -4 <= exponent < 16.
std::string PythonFloat(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  if (size_t n = ShortDecimal(d, buf)) return std::string(buf, n);
  if (const double a = std::fabs(d); a == 0 || (a >= 1e-4 && a < 1e16)) {
    // Positional: the shortest round-trip digits in fixed notation are repr's digits.
    char* end = std::to_chars(buf, buf + sizeof buf - 2, d, std::chars_format::fixed).ptr;
    if (std::find(buf, end, '.') == end) *end++ = '.', *end++ = '0';
    return std::string(buf, end);
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  size_t e = sci.find('e');
  int exp10 = std::atoi(sci.c_str() + e + 1);
  std::string mant = sci.substr(0, e);
  bool neg = mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits.push_back(c);
  std::string out = neg ? "-" : "";
  if (exp10 < -4 || exp10 >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    return out + eb;
  }
  if (exp10 < 0) return out + "0." + std::string(static_cast<size_t>(-exp10 - 1), '0') + digits;
  size_t int_len = static_cast<size_t>(exp10) + 1;
  if (digits.size() <= int_len) return out + digits + std::string(int_len - digits.size(), '0') + ".0";
  return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

enum class Type : unsigned char { kNone, kLeaf, kList, kDict, kOneOf };

struct Node {
  Type type = Type::kNone;
  const json::value* raw = nullptr;  // leaves (Python equality); dicts (key lookup)
  explicit Node(std::pmr::memory_resource* arena = std::pmr::get_default_resource()) : text(arena), children(arena) {}
  LeafText text;                    // leaves
  std::pmr::vector<Node> children;  // list elements, dict values (object order), options
  int64_t len = 1;                  // the reference's len(): leaves (None counts 1)
  bool nonish = true;               // obj in (None, "", [], {})
};

// Fills `n` (freshly made in the arena) from `v`; children are made in place.
Status Build(const json::value& v, bool gt, const AnlsStarOptions& options, std::pmr::memory_resource* arena, Node& n) {
  n.raw = &v;
  if (v.is_null()) return Status::OK();
  if (v.is_array()) {
    n.type = Type::kList;
    n.len = 0;
    n.children.reserve(v.as_array().size());
    for (const auto& e : v.as_array()) {
      Node& child = n.children.emplace_back(arena);
      if (Status st = Build(e, gt, options, arena, child); !st.ok()) return st;
      n.len += child.len;
    }
    n.nonish = n.children.empty();
    return Status::OK();
  }
  if (v.is_object()) {
    const json::object& o = v.as_object();
    if (gt && options.one_of_objects && o.size() == 1 && o.begin()->key() == "$oneOf" &&
        o.begin()->value().is_array()) {
      n.type = Type::kOneOf;
      n.nonish = false;
      n.len = 0;
      if (o.begin()->value().as_array().empty()) {
        return Status::InvalidArgument("ANLS*: a one-of-n ground truth needs at least one option");
      }
      n.children.reserve(o.begin()->value().as_array().size());
      for (const auto& e : o.begin()->value().as_array()) {
        Node& child = n.children.emplace_back(arena);
        if (Status st = Build(e, gt, options, arena, child); !st.ok()) return st;
        n.len = std::max(n.len, child.len);
      }
      return Status::OK();
    }
    n.type = Type::kDict;
    n.len = 0;
    n.children.reserve(o.size());
    for (const auto& kv : o) {
      Node& child = n.children.emplace_back(arena);
      if (Status st = Build(kv.value(), gt, options, arena, child); !st.ok()) return st;
      n.len += child.len;
    }
    n.nonish = n.children.empty();
    return Status::OK();
  }
  n.type = Type::kLeaf;
  if (v.is_string()) {
    n.nonish = v.as_string().empty();
    n.text.Assign(v.as_string());
  } else {
    n.nonish = false;
    char buf[24];
    const size_t len = v.is_double() ? ShortDecimal(v.as_double(), buf) : 0;
    if (len > 0) n.text.Assign({buf, len});
    else n.text.Assign(PythonStr(v));  // the rare numbers ShortDecimal leaves, booleans
  }
  return Status::OK();
}

// Python == between two leaf values: strings by content, numbers and booleans by value.
bool PyLeafEqual(const json::value& a, const json::value& b) {
  if (a.is_string() || b.is_string()) return a.is_string() && b.is_string() && a.as_string() == b.as_string();
  auto num = [](const json::value& v) -> long double {
    if (v.is_bool()) return v.as_bool() ? 1 : 0;
    if (v.is_int64()) return static_cast<long double>(v.as_int64());
    if (v.is_uint64()) return static_cast<long double>(v.as_uint64());
    return v.as_double();
  };
  if (a.is_int64() && b.is_int64()) return a.as_int64() == b.as_int64();
  return num(a) == num(b);
}

struct Result {
  double sum = 0;             // sum of the leaf scores
  int64_t len = 0;            // pairwise length
  bool exact = false;         // the reference's closest ground truth == the prediction
  bool chosen_nonish = true;  // that closest ground truth is none-ish
};

double Mean(const Result& r) { return r.len > 0 ? r.sum / static_cast<double>(r.len) : 1.0; }

const Node kNoneNode;

constexpr size_t kArenaBytes = 256 * 1024;

class Scorer {
 public:
  Scorer(uint64_t budget, bool tables_by_weight, std::pmr::memory_resource* arena)
      : budget_(budget), tables_by_weight_(tables_by_weight), arena_(arena) {}
  bool over() const { return over_; }
  // When set, the top-level object's keys receive their own scores.
  std::vector<std::pair<std::string, double>>* keys = nullptr;

  Result Eval(const Node& g, const Node& p) {
    if (!Spend(1)) return {};
    switch (g.type) {
      case Type::kLeaf: return Leaf(g, p);
      case Type::kNone: return {p.nonish ? 1.0 : 0.0, std::max<int64_t>(1, p.len), p.nonish, true};
      case Type::kList: return List(g, p);
      case Type::kDict: return Dict(g, p);
      case Type::kOneOf: return OneOf(g, p);
    }
    return {};
  }

 private:
  bool Spend(uint64_t steps) {
    used_ += steps;
    if (used_ > budget_) over_ = true;
    return !over_;
  }

  Result Leaf(const Node& g, const Node& p) {
    if (p.type != Type::kLeaf) return {0.0, std::max<int64_t>(1, p.len), false, g.nonish};
    if (!Spend(g.text.text().size() + p.text.text().size())) return {};
    return {g.text.Similarity(p.text), 1, PyLeafEqual(*g.raw, *p.raw), g.nonish};
  }

  Result List(const Node& g, const Node& p) {
    if (p.type != Type::kList) return {0.0, std::max(g.len, p.len), false, g.nonish};
    const size_t n = g.children.size(), m = p.children.size();
    if (n == 0 || m == 0) return {0.0, g.len + p.len, n == 0 && m == 0, g.nonish};
    // Charged before the pair tables exist: a hostile list is refused, not allocated.
    if (!Spend(n * m * std::max(n, m))) return {};  // Munkres on the padded square
    const bool flat = FlatTable(g, p);
    if (flat && tables_by_weight_) return TableByWeight(g, p);
    std::vector<Result> pair(n * m);
    std::vector<double> mean(n * m);
    double top = -1;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < m; ++j) {
        Result r = flat ? FlatRowPair(g.children[i], p.children[j]) : Eval(g.children[i], p.children[j]);
        if (over_) return {};
        double a = Mean(r);
        if (r.exact) a = std::nextafter(a, 2.0);  // the reference favours exact pairs on ties
        pair[i * m + j] = r;
        mean[i * m + j] = a;
        top = std::max(top, a);
      }
    }
    for (double& a : mean) a = top - a;  // profits to costs as the reference does
    auto pairs = MunkresAssignment(std::move(mean), n, m);
    Result out{0.0, 0, n == m, g.nonish};
    std::vector<bool> g_used(n), p_used(m);
    for (auto [i, j] : pairs) {
      const Result& r = pair[static_cast<size_t>(i) * m + static_cast<size_t>(j)];
      out.sum += r.sum;
      out.len += r.len;
      out.exact = out.exact && r.exact;
      g_used[static_cast<size_t>(i)] = p_used[static_cast<size_t>(j)] = true;
    }
    for (size_t i = 0; i < n; ++i)
      if (!g_used[i]) out.len += g.children[i].len;
    for (size_t j = 0; j < m; ++j)
      if (!p_used[j]) out.len += p.children[j].len;
    return out;
  }

  // A table: every element of both lists an object of scalars (or nulls) with the same
  // keys in the same order. Its rows are then compared slot by slot (FlatRowPair),
  // without looking keys up for each of the rows x rows pairs.
  static bool FlatTable(const Node& g, const Node& p) {
    const Node& first = g.children[0];
    if (first.type != Type::kDict || first.children.empty()) return false;
    const json::object& keys = first.raw->as_object();
    for (const Node* list : {&g, &p}) {
      for (const Node& row : list->children) {
        if (row.type != Type::kDict || row.children.size() != keys.size()) return false;
        const json::object& o = row.raw->as_object();
        auto k = keys.begin();
        for (auto it = o.begin(); it != o.end(); ++it, ++k)
          if (it->key() != k->key()) return false;
        for (const Node& cell : row.children)
          if (cell.type != Type::kLeaf && cell.type != Type::kNone) return false;
      }
    }
    return true;
  }

  // The pairing of a FlatTable's rows without a Result per row pair. Every row pair
  // has the same pairwise length (one per column), as has every row left unpaired, so
  // the score is the optimal total similarity over max(n, m) rows whichever optimal
  // pairing is taken: cells are scored column by column into one n x m weight matrix
  // and any optimal assignment (array_matcher.h) gives it. Which pairing the reference
  // takes matters only to `exact` (AllExactIsOptimal). Charges what the row-by-row
  // path charges, up front.
  Result TableByWeight(const Node& g, const Node& p) {
    const size_t n = g.children.size(), m = p.children.size(), k = g.children[0].children.size();
    LeafGrid g_cells(n, k, arena_), p_cells(m, k, arena_);
    const std::vector<ColumnLeaves> g_cols = Pack(g, g_cells), p_cols = Pack(p, p_cells);
    uint64_t work = static_cast<uint64_t>(n) * m * (1 + k);
    for (size_t c = 0; c < k; ++c) work += g_cols[c].chars * p_cols[c].leaves + p_cols[c].chars * g_cols[c].leaves;
    if (!Spend(work)) return {};
    // Upper bounds first (LeafText::SimilarityBound), a row pair's exact weight only
    // when an optimal pairing under the bounds takes it: once every pair taken is
    // exact, that pairing is optimal (bounds are never below the exact weights). In a
    // document's table most rows have one clear partner, so a few dozen row pairs are
    // compared in full instead of n x m.
    std::pmr::vector<double> weight(n * m, arena_);
    std::pmr::vector<char> exact(n * m, arena_);
    LeafGrid::Bounds(g_cells, p_cells, weight.data(), exact.data());
    auto settle = [&](size_t i, size_t j) {
      if (exact[i * m + j]) return false;
      double w = 0;
      for (size_t c = 0; c < k; ++c) {
        const Node& gc = g.children[i].children[c];
        const Node& pc = p.children[j].children[c];
        if (gc.type != Type::kLeaf) w += pc.nonish ? 1.0 : 0.0;
        else if (pc.type == Type::kLeaf) w += gc.text.Similarity(pc.text);
      }
      weight[i * m + j] = w;
      exact[i * m + j] = 1;
      return true;
    };
    std::vector<int> col_of;
    for (int round = 0;; ++round) {
      if (round == 4) {  // bounds too loose to settle it soon: every pair exact, one last solve
        for (size_t i = 0; i < n; ++i)
          for (size_t j = 0; j < m; ++j) settle(i, j);
      }
      col_of = BestPairing(weight, n, m);
      bool settled_any = false;
      for (size_t i = 0; i < n; ++i)
        if (col_of[i] >= 0) settled_any |= settle(i, static_cast<size_t>(col_of[i]));
      if (!settled_any) break;
    }
    Result out{0.0, static_cast<int64_t>(std::max(n, m) * k), false, g.nonish};
    for (size_t i = 0; i < n; ++i)
      if (col_of[i] >= 0) out.sum += weight[i * m + static_cast<size_t>(col_of[i])];
    out.exact = n == m && AllExactIsOptimal(g, p, settle, weight, out.sum);
    return out;
  }

  // A table's leaf cells and code points, column by column: what comparing every row with
  // every row of another table charges.
  struct ColumnLeaves {
    uint64_t leaves = 0, chars = 0;
  };
  // Fills `cells` with the rows of `table` (a FlatTable side) and tallies its columns.
  static std::vector<ColumnLeaves> Pack(const Node& table, LeafGrid& cells) {
    std::vector<ColumnLeaves> columns(table.children[0].children.size());
    for (size_t r = 0; r < table.children.size(); ++r) {
      for (size_t c = 0; c < columns.size(); ++c) {
        const Node& cell = table.children[r].children[c];
        const bool leaf = cell.type == Type::kLeaf;
        cells.Set(r, c, leaf ? &cell.text : nullptr, cell.nonish);
        if (leaf) ++columns[c].leaves, columns[c].chars += cell.text.text().size();
      }
    }
    return columns;
  }

  // Per row of the n x m weight matrix, its column in a maximum-weight pairing (-1 for
  // none: only when n > m).
  std::vector<int> BestPairing(const std::pmr::vector<double>& weight, size_t n, size_t m) {
    std::pmr::vector<double> cost(n * m, arena_);
    if (n <= m) {
      for (size_t x = 0; x < n * m; ++x) cost[x] = -weight[x];
      return MinCostAssignmentInPlace(cost.data(), n, m);
    }
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < m; ++j) cost[j * n + i] = -weight[i * m + j];
    std::vector<int> row_of = MinCostAssignmentInPlace(cost.data(), m, n);
    std::vector<int> col_of(n, -1);
    for (size_t j = 0; j < m; ++j) col_of[static_cast<size_t>(row_of[j])] = static_cast<int>(j);
    return col_of;
  }

  // Python equality of two cells of a FlatTable (the reference's closest ground truth
  // == the prediction).
  static bool CellExact(const Node& gc, const Node& pc) {
    if (gc.type != Type::kLeaf) return pc.nonish;
    return pc.type == Type::kLeaf && PyLeafEqual(*gc.raw, *pc.raw);
  }

  // Whether the reference's pairing of two equally long tables consists of exact pairs
  // only: it favours exact pairs on ties, so that is so exactly when some pairing of
  // exact pairs reaches the optimal total `best`.
  template <typename Settle>
  bool AllExactIsOptimal(const Node& g, const Node& p, Settle& settle, const std::pmr::vector<double>& weight,
                         double best) {
    const size_t n = g.children.size(), k = g.children[0].children.size();
    std::vector<std::vector<int>> exact_cols(n);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        size_t c = 0;
        while (c < k && CellExact(g.children[i].children[c], p.children[j].children[c])) ++c;
        if (c == k) {
          settle(i, j);
          exact_cols[i].push_back(static_cast<int>(j));
        }
      }
      if (exact_cols[i].empty()) return false;
    }
    // Exact pairs only, others priced out: each costs more than any whole pairing of
    // exact pairs gains (weights are within [0, k]).
    const double out_of_reach = static_cast<double>(n * k + 1);
    std::vector<double> cost(n * n, out_of_reach);
    for (size_t i = 0; i < n; ++i)
      for (int j : exact_cols[i]) cost[i * n + static_cast<size_t>(j)] = -weight[i * n + static_cast<size_t>(j)];
    const std::vector<int> col_of = MinCostAssignmentInPlace(cost.data(), n, n);
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
      const double x = cost[i * n + static_cast<size_t>(col_of[i])];
      if (x == out_of_reach) return false;  // no pairing of exact pairs only
      total -= x;
    }
    return total >= best - 1e-12 * std::max(1.0, best);
  }

  // Eval of two rows of a FlatTable: what Dict computes when every key is in both, in
  // the same slot (the same result and the same work charged).
  Result FlatRowPair(const Node& g, const Node& p) {
    if (!Spend(1)) return {};
    Result out{0.0, 0, true, false};
    for (size_t k = 0; k < g.children.size(); ++k) {
      const Node& gc = g.children[k];
      const Node& pc = p.children[k];
      if (!Spend(1)) return {};
      Result r = gc.type == Type::kLeaf ? Leaf(gc, pc)
                                        : Result{pc.nonish ? 1.0 : 0.0, std::max<int64_t>(1, pc.len), pc.nonish, true};
      if (over_) return {};
      out.sum += r.sum;
      out.len += r.len;
      out.exact = out.exact && r.exact;
    }
    return out;
  }

  Result Dict(const Node& g, const Node& p) {
    auto* record = keys;
    keys = nullptr;  // nested objects report nothing
    if (p.type != Type::kDict) return {0.0, std::max(g.len, p.len), false, g.nonish};
    const json::object& go = g.raw->as_object();
    const json::object& po = p.raw->as_object();
    Result out{0.0, 0, true, true};
    size_t k = 0, present_keys = 0;
    for (auto it = go.begin(); it != go.end(); ++it, ++k) {
      // Rows of one table usually list their keys in the same order: try that slot first.
      auto found = k < po.size() && (po.begin() + k)->key() == it->key() ? po.begin() + k : po.find(it->key());
      bool present = found != po.end();
      present_keys += present;
      const Node& pv = present ? p.children[static_cast<size_t>(found - po.begin())] : kNoneNode;
      Result r = Eval(g.children[k], pv);
      if (over_) return {};
      out.sum += r.sum;
      out.len += r.len;
      if (record) record->emplace_back(std::string(it->key()), Mean(r));
      if (present) {
        out.exact = out.exact && r.exact;
        out.chosen_nonish = false;
      } else if (!r.chosen_nonish) {  // the closest ground truth keeps a key the prediction lacks
        out.exact = false;
        out.chosen_nonish = false;
      }
    }
    if (present_keys == po.size()) return out;  // keys are unique: the prediction has no other key
    k = 0;
    for (auto it = po.begin(); it != po.end(); ++it, ++k) {
      if (go.contains(it->key())) continue;
      const Node& pv = p.children[k];
      out.exact = false;
      out.len += std::max<int64_t>(1, pv.len);  // counted even when none-ish (not scored then)
      if (!pv.nonish) out.chosen_nonish = false;
      if (record && !pv.nonish) record->emplace_back(std::string(it->key()), 0.0);
    }
    return out;
  }

  Result OneOf(const Node& g, const Node& p) {
    Result best;
    double best_mean = -1;
    bool have = false;
    for (const Node& option : g.children) {
      Result r = Eval(option, p);
      if (over_) return {};
      double a = Mean(r);
      if (!have || a > best_mean || (a == best_mean && r.exact && !best.exact)) {
        best = r;
        best_mean = a;
        have = true;
      }
    }
    return best;
  }

  uint64_t budget_;
  bool tables_by_weight_;
  std::pmr::memory_resource* arena_;  // for a table's working arrays
  uint64_t used_ = 0;
  bool over_ = false;
};

}  // namespace

std::string PythonStr(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_double()) return PythonFloat(v.as_double());
  return "None";
}

StatusOr<double> AnlsStar(const json::value& gt, const json::value& pred, const AnlsStarOptions& options) {
  auto d = AnlsStarWithKeys(gt, pred, options);
  if (!d.ok()) return d.status();
  return d->score;
}

StatusOr<AnlsStarDetail> AnlsStarWithKeys(const json::value& gt, const json::value& pred,
                                          const AnlsStarOptions& options) {
  // The trees' nodes and texts are built once, read, and freed at once: in a buffer
  // each thread keeps (a document's trees fit; larger ones continue on the heap).
  thread_local std::unique_ptr<std::byte[]> buffer(new std::byte[kArenaBytes]);
  std::pmr::monotonic_buffer_resource arena(buffer.get(), kArenaBytes);
  // The trees are never destroyed: all they hold is in the arena, which lets go of it at
  // once (a node's destructor would only hand each piece back to it one by one).
  std::pmr::polymorphic_allocator<Node> nodes(&arena);
  Node& g = *nodes.new_object<Node>(&arena);
  Node& p = *nodes.new_object<Node>(&arena);
  if (Status st = Build(gt, true, options, &arena, g); !st.ok()) return st;
  if (Status st = Build(pred, false, options, &arena, p); !st.ok()) return st;
  // VQA compatibility: a list of strings against a string is a list of options.
  if (g.type == Type::kList && p.type == Type::kLeaf && pred.is_string() &&
      std::all_of(gt.as_array().begin(), gt.as_array().end(), [](const json::value& e) { return e.is_string(); })) {
    if (g.children.empty()) return Status::InvalidArgument("ANLS*: a one-of-n ground truth needs at least one option");
    g.type = Type::kOneOf;
    g.nonish = false;
    g.len = 1;
  }
  Scorer scorer(options.max_comparisons, options.tables_by_weight, &arena);
  AnlsStarDetail out;
  if (g.type == Type::kDict) scorer.keys = &out.keys;
  Result r = scorer.Eval(g, p);
  if (scorer.over()) {
    return Status::TooLarge("ANLS*: more than " + std::to_string(options.max_comparisons) +
                            " leaf comparisons (list pairing compares every pair)");
  }
  out.score = Mean(r);
  return out;
}

}  // namespace goldset::eval
