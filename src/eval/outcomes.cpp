#include "eval/outcomes.h"

#include <optional>

namespace goldset::eval {
namespace {

const json::object* Fields(const json::object& r) {
  const json::value* f = r.if_contains("fields");
  return f && f->is_object() ? &f->as_object() : nullptr;
}

const json::string* ExpectedType(const json::value& field, bool split) {
  if (!field.is_object()) return nullptr;
  const json::value* e = field.as_object().if_contains("expected");
  if (split && e && e->is_object()) e = e->as_object().if_contains("type");
  return e && e->is_string() ? &e->as_string() : nullptr;
}

}  // namespace

std::optional<bool> LabelledOutcome(const json::value& field) {
  if (!field.is_object()) return std::nullopt;
  const json::value* v = field.as_object().if_contains("verdict");
  if (!v || !v->is_string()) return std::nullopt;
  if (v->as_string() == "correct") return true;
  if (v->as_string() == "incorrect") return false;
  return std::nullopt;
}

const char* MetricsTypeName(Kind kind) { return model::KindInfo(kind).metrics_type; }

bool ItemCorrect(const json::object& result) {
  const json::value* v = result.if_contains("correct");
  return v && v->is_bool() && v->as_bool();
}

std::map<std::string, bool> UnitOutcomes(Kind kind, const json::object& result) {
  std::map<std::string, bool> out;
  const json::object* fields = Fields(result);
  if (!fields) return out;
  for (const auto& kv : *fields) {
    std::optional<bool> right = LabelledOutcome(kv.value());
    if (!right) continue;
    if (kind == Kind::kExtractor) {
      out.emplace(std::string(kv.key()), *right);
    } else if (const json::string* type = ExpectedType(kv.value(), kind == Kind::kSplitter)) {
      auto [it, inserted] = out.emplace(std::string(*type), *right);
      if (!inserted) it->second = it->second && *right;  // splitter: every split of the type
    }
  }
  return out;
}

json::array FieldsTurnedWrong(const json::object& from, const json::object& to) {
  json::array out;
  const json::object *f = Fields(from), *t = Fields(to);
  if (!f || !t) return out;
  for (const auto& kv : *f) {
    const json::value* other = t->if_contains(kv.key());
    if (!other) continue;
    std::optional<bool> was = LabelledOutcome(kv.value()), now = LabelledOutcome(*other);
    if (was && now && *was && !*now) out.emplace_back(kv.key());
  }
  return out;
}

}  // namespace goldset::eval
