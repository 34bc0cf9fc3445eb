#include "eval/tree_edit.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "eval/anls_star.h"
#include "eval/levenshtein.h"

namespace goldset::eval {
namespace {

std::u32string CodePoints(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + static_cast<size_t>(k) < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

// Python's str(x).strip() (ASCII and the common Unicode spaces).
std::string Stripped(const json::value& v) {
  std::string s = PythonStr(v);
  auto space = [](unsigned char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F); };
  size_t b = 0, e = s.size();
  while (b < e && space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && space(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool Falsy(const json::value& v) {
  if (v.is_null()) return true;
  if (v.is_bool()) return !v.as_bool();
  if (v.is_int64()) return v.as_int64() == 0;
  if (v.is_uint64()) return v.as_uint64() == 0;
  if (v.is_double()) return v.as_double() == 0;
  if (v.is_string()) return v.as_string().empty();
  if (v.is_array()) return v.as_array().empty();
  return v.as_object().empty();
}

// The normalised form: Norm::kDict (keys with list values), kList (dicts or strings),
// kEmpty.
struct KeyedNorm;

struct Norm {
  enum Kind { kEmpty, kDict, kStrings, kDicts } kind = kEmpty;
  std::vector<KeyedNorm> keys;       // kDict: value is kStrings or kDicts
  std::vector<std::string> strings;  // kStrings
  std::vector<Norm> dicts;           // kDicts: each kDict
  bool empty() const;
};

// A named pair: std::pair<std::string, Norm> inside Norm trips clang's completeness check.
struct KeyedNorm {
  std::string first;
  Norm second;
};

bool Norm::empty() const {
  return kind == kEmpty || (kind == kDict && keys.empty()) || (kind == kStrings && strings.empty()) ||
         (kind == kDicts && dicts.empty());
}

Norm Normalize(const json::value& v) {
  Norm n;
  if (Falsy(v)) return n;
  if (v.is_object()) {
    n.kind = Norm::kDict;
    std::vector<std::pair<std::u32string, std::string>> order;
    for (const auto& kv : v.as_object()) order.emplace_back(CodePoints(std::string(kv.key())), std::string(kv.key()));
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
    });
    for (const auto& [cps, key] : order) {
      Norm value = Normalize(v.as_object().at(key));
      if (value.empty()) continue;
      if (value.kind == Norm::kDict) {  // a single object becomes a list of one
        Norm list;
        list.kind = Norm::kDicts;
        list.dicts.push_back(std::move(value));
        value = std::move(list);
      }
      n.keys.push_back(KeyedNorm{key, std::move(value)});
    }
    return n;
  }
  if (v.is_array()) {
    const json::array& a = v.as_array();
    if (std::all_of(a.begin(), a.end(), [](const json::value& e) { return e.is_object(); })) {
      n.kind = Norm::kDicts;
      for (const auto& e : a) {
        Norm d = Normalize(e);
        if (!d.empty()) n.dicts.push_back(std::move(d));
      }
      return n;
    }
    n.kind = Norm::kStrings;
    for (const auto& e : a) {
      if (!(e.is_string() || e.is_number())) continue;  // booleans, nulls, arrays, objects dropped
      std::string s = Stripped(e);
      if (!s.empty()) n.strings.push_back(std::move(s));
    }
    return n;
  }
  n.kind = Norm::kStrings;
  n.strings.push_back(Stripped(v));
  return n;
}

// Trees in postorder: label, leaf flag, leftmost leaf descendant.
struct Tree {
  std::vector<std::u32string> label;  // leaves: the text; others: the label
  std::vector<bool> leaf;
  std::vector<int> lmd;
  int Add(std::u32string l, bool is_leaf, int leftmost) {
    label.push_back(std::move(l));
    leaf.push_back(is_leaf);
    int id = static_cast<int>(label.size()) - 1;
    lmd.push_back(leftmost < 0 ? id : leftmost);
    return id;
  }
};

// Adds the children of a node holding `n`, then the node; returns its index.
int Build(const Norm& n, const std::u32string& name, Tree* t) {
  int first = -1;
  auto note = [&](int child) {
    if (first < 0) first = t->lmd[static_cast<size_t>(child)];
  };
  if (n.kind == Norm::kDict) {
    for (const auto& [key, value] : n.keys) note(Build(value, CodePoints(key), t));
  } else if (n.kind == Norm::kDicts) {
    for (const auto& d : n.dicts) note(Build(d, U"<subtree>", t));
  } else if (n.kind == Norm::kStrings) {
    for (const auto& s : n.strings) note(t->Add(CodePoints(s), true, -1));
  }
  return t->Add(name, false, first);
}

int64_t InsertCost(const Tree& t, size_t i) { return t.leaf[i] ? static_cast<int64_t>(t.label[i].size()) : 1; }

int64_t UpdateCost(const Tree& a, size_t i, const Tree& b, size_t j) {
  if (a.leaf[i] && b.leaf[j]) return static_cast<int64_t>(LevenshteinDistance(a.label[i], b.label[j]));
  if (a.leaf[i]) return 1 + static_cast<int64_t>(a.label[i].size());
  if (b.leaf[j]) return 1 + static_cast<int64_t>(b.label[j].size());
  return a.label[i] == b.label[j] ? 0 : 1;
}

std::vector<size_t> KeyRoots(const Tree& t) {
  std::map<int, size_t> highest;  // leftmost leaf -> highest node having it
  for (size_t i = 0; i < t.lmd.size(); ++i) highest[t.lmd[i]] = i;
  std::vector<size_t> out;
  for (const auto& [l, i] : highest) out.push_back(i);
  std::sort(out.begin(), out.end());
  return out;
}

// Zhang & Shasha (1989): tree distance by keyroot pairs and forest distances.
int64_t Distance(const Tree& a, const Tree& b) {
  const size_t n = a.label.size(), m = b.label.size();
  std::vector<int64_t> td(n * m, 0);
  std::vector<int64_t> fd;
  for (size_t i : KeyRoots(a)) {
    for (size_t j : KeyRoots(b)) {
      const size_t li = static_cast<size_t>(a.lmd[i]), lj = static_cast<size_t>(b.lmd[j]);
      const size_t rows = i - li + 2, cols = j - lj + 2;
      fd.assign(rows * cols, 0);
      auto F = [&](size_t x, size_t y) -> int64_t& { return fd[x * cols + y]; };
      for (size_t x = 1; x < rows; ++x) F(x, 0) = F(x - 1, 0) + InsertCost(a, li + x - 1);
      for (size_t y = 1; y < cols; ++y) F(0, y) = F(0, y - 1) + InsertCost(b, lj + y - 1);
      for (size_t x = 1; x < rows; ++x) {
        const size_t ai = li + x - 1;
        for (size_t y = 1; y < cols; ++y) {
          const size_t bj = lj + y - 1;
          int64_t del = F(x - 1, y) + InsertCost(a, ai), ins = F(x, y - 1) + InsertCost(b, bj);
          if (static_cast<size_t>(a.lmd[ai]) == li && static_cast<size_t>(b.lmd[bj]) == lj) {
            F(x, y) = std::min({del, ins, F(x - 1, y - 1) + UpdateCost(a, ai, b, bj)});
            td[ai * m + bj] = F(x, y);
          } else {
            size_t p = static_cast<size_t>(a.lmd[ai]) - li, q = static_cast<size_t>(b.lmd[bj]) - lj;
            F(x, y) = std::min({del, ins, F(p, q) + td[ai * m + bj]});
          }
        }
      }
    }
  }
  return td[(n - 1) * m + (m - 1)];
}

void Flatten(const Norm& n, const std::string& key, std::vector<std::pair<std::string, std::string>>* out) {
  if (n.kind == Norm::kDict) {
    for (const auto& [k, v] : n.keys) Flatten(v, key.empty() ? k : key + "." + k, out);
  } else if (n.kind == Norm::kDicts) {
    for (const auto& d : n.dicts) Flatten(d, key, out);
  } else if (n.kind == Norm::kStrings) {
    for (const auto& s : n.strings) out->emplace_back(key, s);
  }
}

}  // namespace

std::optional<TreeEditScore> TreeEditAccuracy(const json::value& gt, const json::value& pred, uint64_t max_cells,
                                              uint64_t* cells) {
  Norm g = Normalize(gt), p = Normalize(pred);
  Tree gt_tree, pred_tree, empty_tree;
  Build(g, U"<root>", &gt_tree);
  Build(p, U"<root>", &pred_tree);
  const uint64_t table = static_cast<uint64_t>(gt_tree.label.size()) * pred_tree.label.size();
  if (cells) *cells = table;
  if (table > max_cells) return std::nullopt;
  TreeEditScore out;
  int64_t d = Distance(pred_tree, gt_tree);
  int64_t full = 0;  // TED(empty, gt): every node of gt but its root inserted
  for (size_t i = 0; i + 1 < gt_tree.label.size(); ++i) full += InsertCost(gt_tree, i);
  out.accuracy =
      full > 0 ? std::max(0.0, 1.0 - static_cast<double>(d) / static_cast<double>(full)) : (d == 0 ? 1.0 : 0.0);
  std::vector<std::pair<std::string, std::string>> gf, pf;
  Flatten(g, "", &gf);
  Flatten(p, "", &pf);
  out.gt_fields = static_cast<int64_t>(gf.size());
  out.pred_fields = static_cast<int64_t>(pf.size());
  std::sort(gf.begin(), gf.end());
  std::sort(pf.begin(), pf.end());
  for (size_t i = 0, j = 0; i < gf.size() && j < pf.size();) {
    if (gf[i] == pf[j]) ++out.true_positives, ++i, ++j;
    else if (gf[i] < pf[j]) ++i;
    else ++j;
  }
  return out;
}

}  // namespace goldset::eval
