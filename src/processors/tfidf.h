// TF-IDF similarity between a text and a set of class profiles, used by the rules
// classifier and splitter. Immutable after construction; thread-safe for reads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace goldset::processors {

class TfIdfClassifier {
 public:
  struct Profile {
    std::string text;                   // type + description
    std::vector<std::string> keywords;  // weighted above the description
  };
  explicit TfIdfClassifier(const std::vector<Profile>& profiles);

  // Cosine similarity of `text` with each profile, in profile order (0..1).
  std::vector<double> Scores(std::string_view text) const;

  // Confidence of the best class from the margin over the runner-up.
  static double MarginConfidence(const std::vector<double>& scores, size_t* best);

 private:
  using Vec = std::unordered_map<std::string, double>;
  Vec Weigh(const std::unordered_map<std::string, double>& tf) const;
  std::unordered_map<std::string, double> idf_;
  std::vector<Vec> profiles_;
};

// Lowercase alphanumeric tokens of length >= 2 minus a few stop words.
std::vector<std::string> Tokenize(std::string_view text);

}  // namespace goldset::processors
