#include "eval/anls_star.h"

#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "eval/levenshtein.h"
#include "eval/munkres.h"

namespace goldset::eval {
namespace {

constexpr double kThreshold = 0.5;

// Python's str.isspace() set (what str.split() splits on).
bool IsPySpace(char32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// " ".join(str(x).strip().lower().split()) as code points.
std::u32string LeafText(const std::string& s) {
  std::u32string lowered;
  lowered.reserve(s.size());
  bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    lowered.resize(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      lowered[i] = static_cast<char32_t>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
  } else {
    // Full lower-case mapping (str.lower(): U+0130 -> "i\u0307", final sigma), via UTF-16.
    std::u16string in;
    int32_t i = 0, n = static_cast<int32_t>(s.size());
    while (i < n) {
      UChar32 c;
      U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
      if (c < 0) c = 0xFFFD;
      if (c > 0xFFFF) {
        in.push_back(static_cast<char16_t>(U16_LEAD(c)));
        in.push_back(static_cast<char16_t>(U16_TRAIL(c)));
      } else {
        in.push_back(static_cast<char16_t>(c));
      }
    }
    std::u16string out(in.size() * 3 + 4, u'\0');
    UErrorCode err = U_ZERO_ERROR;
    int32_t len = u_strToLower(reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()),
                               reinterpret_cast<const UChar*>(in.data()), static_cast<int32_t>(in.size()), "", &err);
    if (U_FAILURE(err)) {
      out = in;
      len = static_cast<int32_t>(in.size());
    }
    for (int32_t k = 0; k < len;) {
      UChar32 c;
      U16_NEXT(out.data(), k, len, c);
      lowered.push_back(static_cast<char32_t>(c));
    }
  }
  std::u32string text;
  text.reserve(lowered.size());
  bool pending = false;
  for (char32_t c : lowered) {
    if (IsPySpace(c)) {
      pending = !text.empty();
      continue;
    }
    if (pending) text.push_back(U' ');
    pending = false;
    text.push_back(c);
  }
  return text;
}

// repr(float): shortest round-trip digits; positional when -4 <= exponent < 16.
std::string PythonFloat(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
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

// A ground-truth leaf's match masks, built once and reused against every prediction leaf
// it meets (list pairing compares each with many): bit-parallel Levenshtein (Myers 1999,
// Hyyro's formulation) for texts of 1..64 code points.
class Pattern {
 public:
  explicit Pattern(const std::u32string& p) : m_(p.size()) {
    ascii_.fill(0);
    for (size_t i = 0; i < p.size(); ++i) {
      uint64_t bit = uint64_t{1} << i;
      if (p[i] < 128) {
        ascii_[p[i]] |= bit;
        continue;
      }
      auto it = std::find_if(other_.begin(), other_.end(), [&](const auto& e) { return e.first == p[i]; });
      if (it == other_.end()) other_.emplace_back(p[i], bit);
      else it->second |= bit;
    }
  }
  size_t Distance(const std::u32string& t) const {
    const uint64_t high = uint64_t{1} << (m_ - 1);
    uint64_t pv = ~uint64_t{0}, mv = 0;
    size_t score = m_;
    for (char32_t c : t) {
      uint64_t eq = 0;
      if (c < 128) {
        eq = ascii_[c];
      } else {
        for (const auto& [ch, mask] : other_)
          if (ch == c) eq = mask;
      }
      uint64_t xv = eq | mv;
      uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      uint64_t ph = mv | ~(xh | pv);
      uint64_t mh = pv & xh;
      if (ph & high) ++score;
      else if (mh & high) --score;
      ph = (ph << 1) | 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    return score;
  }

 private:
  size_t m_;
  std::array<uint64_t, 128> ascii_;
  std::vector<std::pair<char32_t, uint64_t>> other_;
};

// Characters fall into 64 classes: a class present in one text and absent from the
// other stands for at least one character that needs an edit.
int Popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
}

uint64_t CharBit(char32_t c) { return uint64_t{1} << ((static_cast<uint64_t>(c) * 0x9E3779B97F4A7C15ull) >> 58); }

struct Node {
  Type type = Type::kNone;
  const json::value* raw = nullptr;          // leaves (Python equality); dicts (key lookup)
  std::u32string text;                       // leaves
  uint64_t hash = 0;                         // leaves: of `text`, to tell most unequal texts apart at once
  uint64_t chars = 0;                        // leaves: a bit per character class present (CharBit)
  mutable std::unique_ptr<Pattern> pattern;  // ground-truth leaves, on first comparison
  std::vector<Node> children;                // list elements, dict values (object order), options
  int64_t len = 1;                           // the reference's len(): leaves (None counts 1)
  bool nonish = true;                        // obj in (None, "", [], {})
};

StatusOr<Node> Build(const json::value& v, bool gt, const AnlsStarOptions& options) {
  Node n;
  n.raw = &v;
  if (v.is_null()) return n;
  if (v.is_array()) {
    n.type = Type::kList;
    n.len = 0;
    n.children.reserve(v.as_array().size());
    for (const auto& e : v.as_array()) {
      auto child = Build(e, gt, options);
      if (!child.ok()) return child.status();
      n.len += child->len;
      n.children.push_back(std::move(*child));
    }
    n.nonish = n.children.empty();
    return n;
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
      for (const auto& e : o.begin()->value().as_array()) {
        auto child = Build(e, gt, options);
        if (!child.ok()) return child.status();
        n.len = std::max(n.len, child->len);
        n.children.push_back(std::move(*child));
      }
      return n;
    }
    n.type = Type::kDict;
    n.len = 0;
    n.children.reserve(o.size());
    for (const auto& kv : o) {
      auto child = Build(kv.value(), gt, options);
      if (!child.ok()) return child.status();
      n.len += child->len;
      n.children.push_back(std::move(*child));
    }
    n.nonish = n.children.empty();
    return n;
  }
  n.type = Type::kLeaf;
  std::string s = PythonStr(v);
  n.nonish = v.is_string() && s.empty();
  n.text = LeafText(s);
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the code points
  for (char32_t c : n.text) {
    h = (h ^ c) * 1099511628211ull;
    n.chars |= CharBit(c);
  }
  n.hash = h;
  return n;
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

class Scorer {
 public:
  explicit Scorer(uint64_t budget) : budget_(budget) {}
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
    if (!Spend(g.text.size() + p.text.size())) return {};
    size_t longest = std::max(g.text.size(), p.text.size());
    size_t shortest = std::min(g.text.size(), p.text.size());
    double q = 1.0;
    // Distance at least the length difference, and at least the number of character
    // classes only one side holds: when twice that exceeds the longer length, the
    // similarity is below one half and counts 0 without computing the distance.
    size_t classes = static_cast<size_t>(std::max(Popcount(g.chars & ~p.chars), Popcount(p.chars & ~g.chars)));
    if (g.hash == p.hash && g.text == p.text) {
      q = 1.0;
    } else if (2 * std::max(longest - shortest, classes) > longest) {
      q = 0.0;
    } else {
      size_t distance;
      if (g.text.size() <= 64) {  // not empty: the texts differ and are within 2x in length
        if (!g.pattern) g.pattern = std::make_unique<Pattern>(g.text);
        distance = g.pattern->Distance(p.text);
      } else {
        distance = LevenshteinDistance(g.text, p.text);
      }
      q = 1.0 - static_cast<double>(distance) / static_cast<double>(longest);
    }
    if (q < kThreshold) q = 0.0;
    return {q, 1, PyLeafEqual(*g.raw, *p.raw), g.nonish};
  }

  Result List(const Node& g, const Node& p) {
    if (p.type != Type::kList) return {0.0, std::max(g.len, p.len), false, g.nonish};
    const size_t n = g.children.size(), m = p.children.size();
    if (n == 0 || m == 0) return {0.0, g.len + p.len, n == 0 && m == 0, g.nonish};
    // Charged before the pair tables exist: a hostile list is refused, not allocated.
    if (!Spend(n * m * std::max(n, m))) return {};  // Munkres on the padded square
    std::vector<Result> pair(n * m);
    std::vector<double> mean(n * m);
    double top = -1;
    const bool flat = FlatTable(g, p);
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
  auto g = Build(gt, true, options);
  if (!g.ok()) return g.status();
  auto p = Build(pred, false, options);
  if (!p.ok()) return p.status();
  // VQA compatibility: a list of strings against a string is a list of options.
  if (g->type == Type::kList && p->type == Type::kLeaf && pred.is_string() &&
      std::all_of(gt.as_array().begin(), gt.as_array().end(), [](const json::value& e) { return e.is_string(); })) {
    if (g->children.empty()) return Status::InvalidArgument("ANLS*: a one-of-n ground truth needs at least one option");
    g->type = Type::kOneOf;
    g->nonish = false;
    g->len = 1;
  }
  Scorer scorer(options.max_comparisons);
  AnlsStarDetail out;
  if (g->type == Type::kDict) scorer.keys = &out.keys;
  Result r = scorer.Eval(*g, *p);
  if (scorer.over()) {
    return Status::TooLarge("ANLS*: more than " + std::to_string(options.max_comparisons) +
                            " leaf comparisons (list pairing compares every pair)");
  }
  out.score = Mean(r);
  return out;
}

}  // namespace goldset::eval
