// Keyset pagination shared by every list: order by (sort column, id), resume strictly
// after the last row seen. Rows inserted while a client pages never cause duplicates
// or gaps among the rows that existed when paging began.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace goldset::store {

struct Cursor {
  int64_t sort_value = 0;
  std::string id;
};

struct PageRequest {
  std::string sort_column = "updated_at";  // "created_at" | "updated_at" (validated by the API)
  bool descending = true;
  std::optional<Cursor> after;
  int limit = 10;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<Cursor> next;  // set when more rows exist
};

// Turns the limit+1 rows a keyset query returned into a page: at most `limit` items and,
// when a further row exists, the cursor of the last item kept. T needs id, created_at and
// updated_at.
template <typename T, typename FromRow>
Page<T> ToPage(const std::vector<Row>& rows, const PageRequest& page, FromRow from_row) {
  Page<T> out;
  for (const Row& r : rows) {
    if (static_cast<int>(out.items.size()) == page.limit) {
      const T& last = out.items.back();
      out.next = Cursor{page.sort_column == "created_at" ? last.created_at : last.updated_at, last.id};
      break;
    }
    out.items.push_back(from_row(r));
  }
  return out;
}

// Appends the keyset condition and ORDER BY/LIMIT to `sql` (which must already have a
// WHERE clause) and the matching params. Fetches limit+1 rows to learn whether more exist.
void AppendKeyset(const PageRequest& req, const std::string& table_alias, std::string* sql, std::vector<Param>* params);

}  // namespace goldset::store
