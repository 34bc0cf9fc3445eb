// Classifier and splitter item scoring (docs/decisions.md §3).
#include <algorithm>
#include <map>

#include "eval/item_scorer.h"

namespace goldset::eval {
namespace {

const json::value* Get(const json::value& v, const char* key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::optional<int64_t> GetInt(const json::value& v, const char* key) {
  const json::value* x = Get(v, key);
  if (!x) return std::nullopt;
  if (x->is_int64()) return x->as_int64();
  if (x->is_uint64()) return static_cast<int64_t>(x->as_uint64());
  if (x->is_double() && x->as_double() == static_cast<double>(static_cast<int64_t>(x->as_double()))) {
    return static_cast<int64_t>(x->as_double());
  }
  return std::nullopt;
}

struct Split {
  json::value type;  // string or null
  json::value id;
  std::optional<int64_t> start, end;
  const json::value* raw;
};

std::vector<Split> ReadSplits(const json::value& v) {
  std::vector<Split> out;
  const json::value* arr = Get(v, "splits");
  if (!arr || !arr->is_array()) return out;
  for (const auto& s : arr->as_array()) {
    Split sp;
    const json::value* t = Get(s, "type");
    const json::value* id = Get(s, "classificationId");
    sp.type = t ? *t : json::value(nullptr);
    sp.id = id ? *id : json::value(nullptr);
    sp.start = GetInt(s, "startPage");
    sp.end = GetInt(s, "endPage");
    sp.raw = &s;
    out.push_back(std::move(sp));
  }
  return out;
}

bool SameSplit(const Split& e, const Split& a) {
  return e.type.is_string() && e.type == a.type && e.start && e.end && e.start == a.start && e.end == a.end;
}

json::value Summary(const Split& s) {
  json::object o;
  o["classificationId"] = s.id;
  o["type"] = s.type;
  o["startPage"] = s.start ? json::value(*s.start) : json::value(nullptr);
  o["endPage"] = s.end ? json::value(*s.end) : json::value(nullptr);
  return o;
}

int64_t Overlap(const Split& a, const Split& b) {
  if (!a.start || !a.end || !b.start || !b.end) return 0;
  return std::max<int64_t>(0, std::min(*a.end, *b.end) - std::max(*a.start, *b.start) + 1);
}

}  // namespace

json::object ScoreClassifyItem(const json::value& expected, const json::value& actual) {
  json::object f;
  const json::value* et = Get(expected, "type");
  const json::value* ei = Get(expected, "id");
  const json::value* at = Get(actual, "type");
  const json::value* ai = Get(actual, "id");
  if (et) f["expected"] = *et;
  if (at) f["actual"] = *at;
  if (ei) f["expectedId"] = *ei;
  if (ai) f["actualId"] = *ai;
  const char* reason = "match";
  bool ok = false;
  if (!at || at->is_null()) {
    reason = "missing";
  } else if (!at->is_string()) {
    reason = "type_mismatch";
  } else if (!et || *et != *at) {
    reason = "value_mismatch";
  } else if (ei && ai && ei->is_string() && ai->is_string() && *ei != *ai) {
    reason = "id_mismatch";
  } else {
    ok = true;
  }
  f["verdict"] = ok ? "correct" : "incorrect";
  f["score"] = ok ? 1.0 : 0.0;
  f["reason"] = reason;
  if (const json::value* c = Get(actual, "confidence"); c && c->is_number()) f["confidence"] = c->to_number<double>();
  json::object fields;
  fields["classification"] = std::move(f);
  json::object result;
  result["correct"] = ok;
  result["score"] = ok ? 1.0 : 0.0;
  result["fields"] = std::move(fields);
  return result;
}

json::object ScoreSplitItem(const json::value& expected, const json::value& actual) {
  std::vector<Split> e = ReadSplits(expected), a = ReadSplits(actual);
  // Exact matches first, each predicted split used once.
  std::vector<int> exact(e.size(), -1);
  std::vector<char> used(a.size(), 0);
  size_t correct = 0;
  for (size_t i = 0; i < e.size(); ++i) {
    for (size_t j = 0; j < a.size(); ++j) {
      if (!used[j] && SameSplit(e[i], a[j])) {
        exact[i] = static_cast<int>(j);
        used[j] = 1;
        ++correct;
        break;
      }
    }
  }
  json::object fields;
  for (size_t i = 0; i < e.size(); ++i) {
    json::object f;
    f["expected"] = Summary(e[i]);
    const char* reason = "match";
    if (exact[i] >= 0) {
      f["actual"] = Summary(a[static_cast<size_t>(exact[i])]);
    } else {
      // Show the unmatched predicted split overlapping it most, to explain the miss.
      int best = -1;
      int64_t best_overlap = 0;
      for (size_t j = 0; j < a.size(); ++j) {
        int64_t ov = Overlap(e[i], a[j]);
        if (!used[j] && ov > best_overlap) {
          best_overlap = ov;
          best = static_cast<int>(j);
        }
      }
      if (best < 0) {
        reason = "missing";
      } else {
        const Split& b = a[static_cast<size_t>(best)];
        f["actual"] = Summary(b);
        reason = b.type != e[i].type ? "type_mismatch_split" : "page_range_mismatch";
      }
    }
    f["verdict"] = exact[i] >= 0 ? "correct" : "incorrect";
    f["score"] = exact[i] >= 0 ? 1.0 : 0.0;
    f["reason"] = reason;
    fields["splits[" + std::to_string(i) + "]"] = std::move(f);
  }
  // Page level: each page labelled by the first split covering it.
  std::map<int64_t, std::pair<json::value, json::value>> pages;
  auto label = [&](const std::vector<Split>& splits, bool is_expected) {
    for (const Split& s : splits) {
      if (!s.start || !s.end || *s.start < 1 || *s.end < *s.start || *s.end - *s.start > 100000) continue;
      for (int64_t p = *s.start; p <= *s.end; ++p) {
        auto& slot = is_expected ? pages[p].first : pages[p].second;
        if (slot.is_null()) slot = s.type;
      }
    }
  };
  label(e, true);
  label(a, false);
  size_t pages_correct = 0;
  for (const auto& [page, labels] : pages) pages_correct += !labels.first.is_null() && labels.first == labels.second;
  json::object summary;
  summary["numSplitsExpected"] = static_cast<int64_t>(e.size());
  summary["numSplitsPredicted"] = static_cast<int64_t>(a.size());
  summary["numSplitsCorrect"] = static_cast<int64_t>(correct);
  summary["pagesCorrect"] = static_cast<int64_t>(pages_correct);
  summary["pagesTotal"] = static_cast<int64_t>(pages.size());
  size_t denom = std::max(e.size(), a.size());
  json::object result;
  result["correct"] = correct == e.size() && correct == a.size();
  result["score"] = denom ? static_cast<double>(correct) / static_cast<double>(denom) : 1.0;
  result["fields"] = std::move(fields);
  result["splits"] = std::move(summary);
  return result;
}

}  // namespace goldset::eval
