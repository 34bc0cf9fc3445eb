// libFuzzer target: the value parsing of eval/ (numbers, dates in every order, currency,
// text normalization) through its public functions and ScoreItem.
// Input: expected text, '\n', actual text.
// Checks: normalization is idempotent and yields valid UTF-8; a parsed date is a real
// calendar date; every field score lies in [0, 1].
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/json.h"
#include "eval/eval.h"
#include "eval/normalize.h"
#include "eval/dates.h"
#include "eval/values.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

const goldset::json::object& Config() {
  static const goldset::json::object config = goldset::ParseJson(R"({"schema": {"type": "object", "properties": {
      "text": {"type": ["string", "null"]},
      "number": {"type": ["number", "null"]},
      "date": {"type": ["string", "null"], "format": "date"},
      "money": {"type": ["object", "null"], "extend:type": "currency", "properties": {
          "amount": {"type": ["number", "null"]}, "iso_4217_currency_code": {"type": ["string", "null"]}}}}}})")
                                                     ->as_object();
  return config;
}

goldset::json::value Output(const std::string& s) {
  using goldset::json::object;
  auto n = goldset::eval::ParseNumberText(s);
  goldset::json::value amount = n ? goldset::json::value(*n) : goldset::json::value(nullptr);
  return object{{"value", object{{"text", s}, {"number", s}, {"date", s},
                                 {"money", object{{"amount", amount}, {"iso_4217_currency_code", s}}}}}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace goldset::eval;
  std::string in(reinterpret_cast<const char*>(data), size);
  if (!goldset::IsValidUtf8(in)) return 0;  // JSON strings are UTF-8
  size_t nl = in.find('\n');
  std::string a = in.substr(0, nl), b = nl == std::string::npos ? "" : in.substr(nl + 1);
  std::string normalized = NormalizeText(a);
  Check(goldset::IsValidUtf8(normalized) && NormalizeText(normalized) == normalized);
  (void)FoldedCodePoints(a);
  if (auto n = ParseNumberText(a)) Check(*n == *n);  // never NaN
  for (DateOrder order : {DateOrder::kDefault, DateOrder::kDMY, DateOrder::kMDY, DateOrder::kYMD}) {
    if (auto d = ParseDate(a, order)) {
      static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      Check(d->month >= 1 && d->month <= 12 && d->day >= 1 && d->day <= kDays[d->month - 1]);
    }
  }
  auto result = ScoreItem(Kind::kExtractor, Config(), Output(a), Output(b), {});
  if (!result.ok()) return 0;  // over a scoring limit; these fields hold no arrays
  if (const auto* fields = result->if_contains("fields"))
    for (const auto& [path, verdict] : fields->as_object())
      if (const auto* score = verdict.as_object().if_contains("score"))
        Check(score->to_number<double>() >= 0 && score->to_number<double>() <= 1);
  return 0;
}
