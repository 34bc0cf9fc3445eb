#include "store/paging.h"

namespace goldset::store {

void AppendKeyset(const PageRequest& req, const std::string& alias, std::string* sql, std::vector<Param>* params) {
  const std::string col =
      (alias.empty() ? "" : alias + ".") + (req.sort_column == "created_at" ? "created_at" : "updated_at");
  const std::string id = (alias.empty() ? "" : alias + ".") + "id";
  const char* cmp = req.descending ? "<" : ">";
  if (req.after) {
    // A row-value comparison lets both SQLite and PostgreSQL seek the (…, sort, id) index
    // to the cursor; the equivalent OR form made SQLite scan from the first row.
    *sql += " AND (" + col + ", " + id + ") " + cmp + " (?, ?)";
    params->push_back(req.after->sort_value);
    params->push_back(req.after->id);
  }
  const char* dir = req.descending ? " DESC" : " ASC";
  *sql += " ORDER BY " + col + dir + ", " + id + dir + " LIMIT ?";
  params->push_back(int64_t{req.limit + 1});
}

}  // namespace goldset::store
