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

// Appends the keyset condition and ORDER BY/LIMIT to `sql` (which must already have a
// WHERE clause) and the matching params. Fetches limit+1 rows to learn whether more exist.
void AppendKeyset(const PageRequest& req, const std::string& table_alias, std::string* sql,
                  std::vector<Param>* params);

}  // namespace goldset::store
