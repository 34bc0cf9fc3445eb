#include "store/database.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/encoding.h"

namespace goldset::store {

int64_t Row::Int(size_t i) const {
  const auto& v = cols_[i];
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtoll(p->c_str(), nullptr, 10);
  return 0;
}

double Row::Real(size_t i) const {
  const auto& v = cols_[i];
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

const std::string& Row::Text(size_t i) const {
  static const std::string kEmpty;
  if (auto p = std::get_if<std::string>(&cols_[i])) return *p;
  return kEmpty;
}

Status Database::InTransaction(bool write, const std::function<Status(Connection&)>& fn) {
  Status last;
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto conn = Acquire();
    Status st = conn->Begin(write);
    if (st.ok()) {
      st = fn(*conn);
      if (st.ok()) {
        st = conn->Commit();
        if (st.ok()) return st;
      }
      conn->Rollback();
    }
    // Only backend-level contention is retried; an error the callback chose is final.
    if (st.code() != Status::Code::kUnavailable) return st;
    last = st;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
  }
  return last;
}

std::string StoredText(std::string_view s, size_t max_bytes) {
  bool cut = false;
  std::string out = SanitizeUtf8(s, max_bytes >= 3 ? max_bytes - 3 : 0, &cut);
  if (cut) out += "...";
  return out;
}

StatusOr<int64_t> QueryInt(Connection& c, std::string_view sql, const std::vector<Param>& params) {
  auto rows = c.Query(sql, params);
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().size() == 0) return Status::NotFound("no row");
  return rows->front().Int(0);
}

StatusOr<int64_t> ExecCountingChanges(Database& db, std::string_view sql, const std::vector<Param>& params) {
  int64_t changed = 0;
  Status st = db.InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec(sql, params));
    changed = c.Changes();
    return Status::OK();
  });
  if (!st.ok()) return st;
  return changed;
}

}  // namespace goldset::store
