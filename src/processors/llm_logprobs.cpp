#include "processors/llm_logprobs.h"

#include <cmath>
#include <utility>
#include <vector>

namespace goldset::processors {
namespace {

// The byte span of each object member's value, by dotted path. Strings contribute the
// span inside their quotes (an empty string: its quotes). REQUIRES: valid JSON (the
// caller parsed it already).
class SpanScanner {
 public:
  explicit SpanScanner(std::string_view s) : s_(s) {}

  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> Members() {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '{') Object("");
    return std::move(out_);
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  // At an opening quote: the decoded text is not needed except for keys.
  std::string String() {
    std::string text;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
        text.push_back(s_[pos_ + 1]);  // keys with escapes keep the escaped character only
        pos_ += 2;
        continue;
      }
      text.push_back(s_[pos_++]);
    }
    ++pos_;
    return text;
  }

  void Object(const std::string& prefix) {
    ++pos_;  // {
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] == '}') {
        ++pos_;
        return;
      }
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      std::string key = String();
      SkipSpace();
      ++pos_;  // :
      SkipSpace();
      std::string path = prefix.empty() ? key : prefix + "." + key;
      size_t start = pos_;
      if (pos_ < s_.size() && s_[pos_] == '{') {
        Object(path);
        out_.emplace_back(path, std::pair{start, pos_});
      } else if (pos_ < s_.size() && s_[pos_] == '"') {
        String();
        size_t end = pos_;
        out_.emplace_back(path, end - start > 2 ? std::pair{start + 1, end - 1} : std::pair{start, end});
      } else {
        SkipValue();
        out_.emplace_back(path, std::pair{start, pos_});
      }
    }
  }

  // A number, literal or array (with anything nested), up to its end.
  void SkipValue() {
    int depth = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        String();
        if (depth == 0) return;
        continue;
      }
      if (c == '[' || c == '{') ++depth;
      if (c == ']' || c == '}') {
        if (depth == 0) return;  // the enclosing object's end
        if (--depth == 0) {
          ++pos_;
          return;
        }
      }
      if (c == ',' && depth == 0) return;
      if (depth == 0 && (c == ' ' || c == '\n' || c == '\t' || c == '\r')) return;
      ++pos_;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> out_;
};

}  // namespace

std::optional<std::map<std::string, TokenLogprobs>> FieldTokenLogprobs(std::string_view content,
                                                                       std::string_view json_text,
                                                                       const json::value& logprobs) {
  if (!logprobs.is_array() || json_text.data() < content.data() ||
      json_text.data() + json_text.size() > content.data() + content.size())
    return std::nullopt;
  // Token spans in `content`: the tokens, concatenated, must be the content.
  struct Token {
    size_t start, end;
    double logprob;
  };
  std::vector<Token> tokens;
  size_t at = 0;
  for (const auto& e : logprobs.as_array()) {
    if (!e.is_object()) return std::nullopt;
    const json::value* t = e.as_object().if_contains("token");
    const json::value* lp = e.as_object().if_contains("logprob");
    if (!t || !t->is_string() || !lp || !lp->is_number()) return std::nullopt;
    double l = lp->to_number<double>();
    if (!std::isfinite(l) || l > 0) return std::nullopt;
    std::string_view text = t->as_string();
    if (content.substr(at, text.size()) != text) return std::nullopt;
    tokens.push_back({at, at + text.size(), l});
    at += text.size();
  }
  if (at != content.size()) return std::nullopt;
  const size_t offset = static_cast<size_t>(json_text.data() - content.data());
  std::map<std::string, TokenLogprobs> out;
  for (auto& [path, span] : SpanScanner(json_text).Members()) {
    const size_t start = span.first + offset, end = span.second + offset;
    TokenLogprobs acc;
    // Tokens are in order: the first that ends after `start`, on while they begin before `end`.
    size_t lo = 0, hi = tokens.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (tokens[mid].end <= start) lo = mid + 1;
      else hi = mid;
    }
    for (size_t k = lo; k < tokens.size() && tokens[k].start < end; ++k) {
      acc.sum += tokens[k].logprob;
      ++acc.tokens;
    }
    out[path] = acc;
  }
  return out;
}

}  // namespace goldset::processors
