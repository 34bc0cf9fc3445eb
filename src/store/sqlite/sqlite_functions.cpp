#include "store/sqlite/sqlite_functions.h"

#include <locale.h>
#include <sqlite3.h>
#include <wctype.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/encoding.h"

namespace goldset::store {
namespace {

// glibc's case mapping for all of Unicode, the tables PostgreSQL's lower() uses on glibc.
// C.UTF-8 is built into glibc since 2.35; without it non-ASCII text is left as it is.
locale_t UnicodeCtype() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

void UnicodeLower(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  if (!text) return sqlite3_result_null(ctx);
  const std::string_view s(text, static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  const locale_t loc = UnicodeCtype();
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const int32_t cp = DecodeUtf8(s, &i);  // -1: an invalid byte, copied as it is
    if (cp >= 'A' && cp <= 'Z') {
      out.push_back(static_cast<char>(cp + 32));
    } else if (cp >= 0x80 && loc) {
      const wint_t lower = towlower_l(static_cast<wint_t>(cp), loc);
      AppendUtf8(lower <= 0x10FFFF ? static_cast<uint32_t>(lower) : static_cast<uint32_t>(cp), &out);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

}  // namespace

int RegisterSqlFunctions(sqlite3* db) {
  return sqlite3_create_function_v2(db, "lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                    UnicodeLower, nullptr, nullptr, nullptr);
}

}  // namespace goldset::store
