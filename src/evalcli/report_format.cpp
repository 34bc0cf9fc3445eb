#include "evalcli/report_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace goldset::evalcli {

double Num(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}

std::string Pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * x);
  return buf;
}

std::string SignedPp(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%+.1f", 100 * x);
  std::string s = buf;
  if (s == "+0.0" || s == "-0.0") s = "0.0";
  return s + " pp";
}

std::string Pp(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f pp", 100 * std::fabs(x));
  return buf;
}

std::string Interval(const json::object& o, const char* key) {
  const json::value* ci = o.if_contains(key);
  if (!ci || !ci->is_object()) return "-";
  std::string low = SignedPp(Num(ci->as_object(), "low")), high = SignedPp(Num(ci->as_object(), "high"));
  return low.substr(0, low.size() - 3) + " to " + high;
}

std::string PValue(double p) {
  if (p < 0.0001) return "< 0.0001";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", p);
  return buf;
}

namespace {

std::string Alpha(const json::object& comparison) {
  const json::value* params = comparison.if_contains("parameters");
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", params && params->is_object() ? Num(params->as_object(), "alpha") : 0.05);
  return buf;
}

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Verdict(const json::object& o) {
  const json::value* v = o.if_contains("verdict");
  return v && v->is_string() ? std::string(v->as_string()) : "no_change";
}

}  // namespace

std::string VerdictSentence(const json::object& c) {
  const json::value* acc_value = c.if_contains("accuracy");
  const json::object empty;
  const json::object& acc = acc_value && acc_value->is_object() ? acc_value->as_object() : empty;
  const std::string verdict = Verdict(c);
  const double delta = Num(c, "delta");
  const char* moved = verdict == "regressed" || (verdict == "no_change" && delta < 0) ? "fell"
                      : delta > 0                                                     ? "rose"
                                                                                      : "went";
  std::string s = std::string("Accuracy ") + moved + " from " + Pct(Num(acc, "baseline")) + " to " +
                  Pct(Num(acc, "candidate")) + " (" + SignedPp(delta) + ", 95% CI " + Interval(c, "ci95") + ") over " +
                  Thousands(static_cast<uint64_t>(Num(c, "numItemsCompared"))) + " paired items; McNemar p " +
                  (Num(c, "pValue") < 0.0001 ? "" : "= ") + PValue(Num(c, "pValue")) + ": ";
  if (verdict == "regressed") s += "a significant regression";
  else if (verdict == "improved") s += "a significant improvement";
  else s += "no significant change";
  return s + " at alpha " + Alpha(c) + ".";
}

std::string PowerSentence(const json::object& c) {
  const json::value* params = c.if_contains("parameters");
  const double effect = params && params->is_object() ? Num(params->as_object(), "effect") : 0.01;
  std::string s =
      "With " + Thousands(static_cast<uint64_t>(Num(c, "numItemsCompared"))) + " paired items this comparison ";
  const json::value* mde = c.if_contains("minimumDetectableEffect");
  if (mde && mde->is_number()) s += "detects a change of " + Pp(mde->to_number<double>()) + " with 80% power";
  else s += "cannot detect any change with 80% power";
  return s + " at alpha " + Alpha(c) + "; detecting " + Pp(effect) + " needs about " +
         Thousands(static_cast<uint64_t>(Num(c, "itemsNeeded"))) + " items.";
}

std::string NonInferioritySentence(const json::object& c) {
  const json::value* params = c.if_contains("parameters");
  const double margin = params && params->is_object() ? Num(params->as_object(), "margin") : 0;
  const json::value* ci = c.if_contains("ci95");
  const double low = ci && ci->is_object() ? Num(ci->as_object(), "low") : 0;
  const json::value* ni = c.if_contains("nonInferior");
  const bool yes = ni && ni->is_bool() && ni->as_bool();
  return "Non-inferior at a margin of " + Pp(margin) + ": " + (yes ? "yes" : "no") + " (the 95% CI's lower bound is " +
         SignedPp(low) + ").";
}

std::vector<std::pair<std::string, const json::object*>> SortedFields(const json::object& c) {
  std::vector<std::pair<std::string, const json::object*>> out;
  const json::value* fields = c.if_contains("fields");
  if (!fields || !fields->is_object()) return out;
  for (const auto& kv : fields->as_object()) {
    if (kv.value().is_object()) out.emplace_back(std::string(kv.key()), &kv.value().as_object());
  }
  auto rank = [](const json::object* f) {
    std::string v = Verdict(*f);
    return v == "regressed" ? 0 : v == "improved" ? 1 : 2;
  };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    if (rank(a.second) != rank(b.second)) return rank(a.second) < rank(b.second);
    if (Num(*a.second, "delta") != Num(*b.second, "delta")) return Num(*a.second, "delta") < Num(*b.second, "delta");
    return a.first < b.first;
  });
  return out;
}

std::string FieldList(const json::object& item) {
  std::string out;
  const json::value* fields = item.if_contains("fields");
  if (!fields || !fields->is_array()) return out;
  for (const auto& f : fields->as_array()) {
    if (!f.is_string()) continue;
    out += (out.empty() ? "" : ", ") + std::string(f.as_string());
  }
  return out;
}

}  // namespace goldset::evalcli
