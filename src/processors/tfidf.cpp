#include "processors/tfidf.h"

#include <cctype>
#include <cmath>
#include <unordered_set>

namespace goldset::processors {

namespace {

constexpr double kKeywordWeight = 3.0;

std::unordered_map<std::string, double> TermFrequencies(std::string_view text, double weight,
                                                        std::unordered_map<std::string, double> tf = {}) {
  for (auto& t : Tokenize(text)) tf[t] += weight;
  return tf;
}

double Norm(const std::unordered_map<std::string, double>& v) {
  double s = 0;
  for (const auto& [k, x] : v) s += x * x;
  return std::sqrt(s);
}

}  // namespace

std::vector<std::string> Tokenize(std::string_view text) {
  static const std::unordered_set<std::string> kStop = {"the",  "and",  "of",   "to",   "a",   "in",       "for", "on",
                                                        "is",   "or",   "by",   "with", "an",  "as",       "at",  "be",
                                                        "this", "that", "from", "it",   "are", "document", "page"};
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= 2 && !kStop.count(cur)) out.push_back(cur);
    cur.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c)) cur.push_back(static_cast<char>(std::tolower(c)));
    else flush();
  }
  flush();
  return out;
}

TfIdfClassifier::TfIdfClassifier(const std::vector<Profile>& profiles) {
  std::vector<std::unordered_map<std::string, double>> tfs;
  for (const auto& p : profiles) {
    auto tf = TermFrequencies(p.text, 1.0);
    for (const auto& k : p.keywords) tf = TermFrequencies(k, kKeywordWeight, std::move(tf));
    tfs.push_back(std::move(tf));
  }
  std::unordered_map<std::string, int> df;
  for (const auto& tf : tfs)
    for (const auto& [t, n] : tf) ++df[t];
  const double N = static_cast<double>(tfs.size());
  for (const auto& [t, d] : df) idf_[t] = std::log((N + 1) / (d + 1)) + 1;
  for (const auto& tf : tfs) profiles_.push_back(Weigh(tf));
}

TfIdfClassifier::Vec TfIdfClassifier::Weigh(const std::unordered_map<std::string, double>& tf) const {
  Vec v;
  for (const auto& [t, n] : tf) {
    auto it = idf_.find(t);
    if (it == idf_.end()) continue;  // terms no profile mentions cannot tell classes apart
    v[t] = (1 + std::log(n)) * it->second;
  }
  return v;
}

std::vector<double> TfIdfClassifier::Scores(std::string_view text) const {
  Vec doc = Weigh(TermFrequencies(text, 1.0));
  double dn = Norm(doc);
  std::vector<double> out;
  for (const auto& p : profiles_) {
    double pn = Norm(p);
    if (dn == 0 || pn == 0) {
      out.push_back(0);
      continue;
    }
    double dot = 0;
    for (const auto& [t, w] : doc) {
      auto it = p.find(t);
      if (it != p.end()) dot += w * it->second;
    }
    out.push_back(dot / (dn * pn));
  }
  return out;
}

double TfIdfClassifier::MarginConfidence(const std::vector<double>& scores, size_t* best) {
  *best = 0;
  if (scores.empty()) return 0;
  double s1 = -1, s2 = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > s1) {
      s2 = std::max(s2, s1);
      s1 = scores[i];
      *best = i;
    } else {
      s2 = std::max(s2, scores[i]);
    }
  }
  if (s1 <= 0) return 0;
  if (scores.size() == 1) return std::min(1.0, s1);
  double c = 0.5 + 0.5 * (s1 - s2) / s1;
  return std::min(1.0, std::max(0.0, c));
}

}  // namespace goldset::processors
