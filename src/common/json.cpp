#include "common/json.h"

#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <cmath>

#include "common/encoding.h"

namespace goldset {
namespace {

// Builds a json::value like Boost's own parser, except that every number with a
// fraction or an exponent (and every integer beyond uint64) is converted from its
// text with std::from_chars, which is correctly rounded. Boost.JSON 1.81's own
// conversion is not ("1939.0000193899998" became 1939.00001939; "0e99999" NaN).
class ExactNumberHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  ExactNumberHandler(json::storage_ptr temp, unsigned char* buffer, std::size_t size)
      : stack(std::move(temp), buffer, size) {}

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack.push_string(s);
    return true;
  }
  // Only when the input ends inside a number (never for a complete document).
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double, json::string_view s, json::error_code& ec) {
    std::string_view text(s.data(), s.size());
    if (!number_.empty()) text = number_.append(s.data(), s.size());
    double d = 0;
    if (ClingerFastPath(text, &d)) {
      number_.clear();
      stack.push_double(d);
      return true;
    }
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (err == std::errc::result_out_of_range) {
      // Underflow rounds to a signed zero; overflow has no JSON spelling, so it is refused.
      if (!IsUnderflow(text)) {
        ec = json::error::exponent_overflow;
        return false;
      }
      d = text.front() == '-' ? -0.0 : 0.0;
    } else if (err != std::errc() || end != text.data() + text.size()) {
      ec = json::error::syntax;  // cannot happen: the parser checked the grammar
      return false;
    }
    number_.clear();
    stack.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  json::value_stack stack;

 private:
  // Most numbers (prices, rates) have a mantissa below 2^53 and a small exponent:
  // then the mantissa and the power of ten are exact doubles and one IEEE
  // multiplication or division rounds correctly (Clinger 1990). Saves from_chars.
  // REQUIRES: `text` is a JSON number (the parser checked the grammar).
  static bool ClingerFastPath(std::string_view text, double* out) {
    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (text.size() > 24) return false;
    const char* p = text.data();
    const char* const end = p + text.size();
    const bool negative = *p == '-';
    p += negative;
    const char* digits_begin = p;
    uint64_t mantissa = 0;
    while (p != end && static_cast<unsigned>(*p - '0') < 10)
      mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0');
    long digits = p - digits_begin, exponent = 0;
    if (p != end && *p == '.') {
      const char* fraction = ++p;
      while (p != end && static_cast<unsigned>(*p - '0') < 10)
        mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0');
      digits += p - fraction;
      exponent = -(p - fraction);
    }
    // 19 digits cannot wrap a uint64; leading zeros count, so "0.000…1" may go the slow way.
    if (digits > 19 || mantissa > (uint64_t{1} << 53)) return false;
    if (p != end) {  // 'e' or 'E', an optional sign, 1+ digits
      ++p;
      const bool exp_negative = *p == '-';
      p += *p == '-' || *p == '+';
      long e = 0;
      while (p != end && e < 1000) e = e * 10 + (*p++ - '0');
      exponent += exp_negative ? -e : e;
    }
    if (exponent < -22 || exponent > 22) return false;
    double d = static_cast<double>(mantissa);
    d = exponent < 0 ? d / kPow10[-exponent] : d * kPow10[exponent];
    *out = negative ? -d : d;
    return true;
  }

  // Whether a number from_chars called out of range is tiny (rounds to zero) rather
  // than huge: the decimal exponent of its first significant digit is negative.
  static bool IsUnderflow(std::string_view text) {
    size_t e = text.find_first_of("eE");
    std::string_view mantissa = text.substr(0, e);
    long long exponent = 0;
    if (e != std::string_view::npos) {
      std::string_view digits = text.substr(e + 1);
      bool negative = !digits.empty() && digits.front() == '-';
      if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
      for (char c : digits) exponent = std::min<long long>(exponent * 10 + (c - '0'), 1'000'000'000);
      if (negative) exponent = -exponent;
    }
    if (!mantissa.empty() && mantissa.front() == '-') mantissa.remove_prefix(1);
    size_t point = std::min(mantissa.find('.'), mantissa.size());
    size_t first = mantissa.find_first_of("123456789");
    if (first == std::string_view::npos) return true;  // zero (from_chars never says so)
    long long position =
        first < point ? static_cast<long long>(point - first - 1) : -static_cast<long long>(first - point);
    return exponent + position < 0;
  }

  std::string number_;  // the parts of a number split across inputs
};

}  // namespace

StatusOr<json::value> ParseJson(std::string_view text, int max_depth) {
  json::parse_options opts;
  opts.max_depth = static_cast<std::size_t>(max_depth);
  opts.allow_invalid_utf8 = false;
  unsigned char temp[4096];  // the value stack's first block, as json::parse does
  json::basic_parser<ExactNumberHandler> parser(opts, json::storage_ptr(), temp, sizeof(temp));
  parser.handler().stack.reset(json::storage_ptr());
  json::error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) return Status::InvalidArgument("Request body is not valid JSON: " + ec.message());
  return parser.handler().stack.release();
}

std::string ToJson(const json::value& v) { return json::serialize(v); }

const json::value* Find(const json::object& o, std::string_view key) {
  return o.if_contains(json::string_view(key.data(), key.size()));
}

json::value ParsedOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  auto v = ParseJson(*text);
  return v.ok() ? *v : json::value(nullptr);
}

std::optional<std::string> GetString(const json::object& o, std::string_view key) {
  const json::value* v = Find(o, key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace goldset
