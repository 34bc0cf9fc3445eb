#include "store/sqlite/sqlite_functions.h"

#include <locale.h>
#include <sqlite3.h>
#include <wctype.h>

#include <cstdint>
#include <string>

#include "common/encoding.h"

namespace goldset::store {
namespace {

// glibc's case mapping for all of Unicode, the tables PostgreSQL's lower() uses on glibc.
// C.UTF-8 is built into glibc since 2.35; without it non-ASCII text is left as it is.
locale_t UnicodeCtype() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

// Decodes one code point at s[i] (advancing i); -1 for a byte that does not start a valid
// sequence (i advances by one).
int32_t NextCodePoint(const unsigned char* s, size_t n, size_t* i) {
  const unsigned char c = s[*i];
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *i + static_cast<size_t>(len) > n) {
    ++*i;
    return -1;
  }
  int32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const unsigned char cc = s[*i + static_cast<size_t>(k)];
    if ((cc & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return -1;
  }
  *i += static_cast<size_t>(len);
  return cp;
}

void UnicodeLower(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* s = sqlite3_value_text(argv[0]);
  if (!s) return sqlite3_result_null(ctx);
  const size_t n = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
  const locale_t loc = UnicodeCtype();
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n;) {
    const size_t start = i;
    const int32_t cp = NextCodePoint(s, n, &i);
    if (cp < 0) {
      out.push_back(static_cast<char>(s[start]));
    } else if (cp < 0x80) {
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
    } else if (loc) {
      const wint_t lower = towlower_l(static_cast<wint_t>(cp), loc);
      AppendUtf8(lower <= 0x10FFFF ? static_cast<uint32_t>(lower) : static_cast<uint32_t>(cp), &out);
    } else {
      out.append(reinterpret_cast<const char*>(s) + start, i - start);
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
