#include "store/processor_store.h"

#include <algorithm>
#include <charconv>

#include "common/clock.h"
#include "common/ids.h"

namespace goldset::store {

namespace {

using model::Processor;
using model::ProcessorKind;
using model::ProcessorVersion;

constexpr const char* kCols =
    "id, workspace_id, kind, name, draft_version_id, draft_config, draft_updated_by, draft_updated_at, "
    "created_by, created_at, updated_at";
constexpr const char* kVersionCols =
    "id, processor_id, major, minor, version, description, config, created_by, created_at";

// Versions sort by (major, minor); the draft sorts above every published version.
constexpr int64_t kMinorSpan = 1000000;
constexpr int64_t kDraftOrdinal = int64_t{1} << 60;

int64_t Ordinal(const ProcessorVersion& v) {
  return v.is_draft ? kDraftOrdinal : int64_t{v.major} * kMinorSpan + v.minor;
}

Processor FromRow(const Row& r) {
  Processor p;
  p.id = r.Text(0);
  p.workspace_id = r.Text(1);
  p.kind = model::KindFromName(r.Text(2)).value_or(ProcessorKind::kExtractor);
  p.name = r.Text(3);
  p.draft_version_id = r.Text(4);
  p.draft_config = r.Text(5);
  if (!r.IsNull(6)) p.draft_updated_by = r.Text(6);
  p.draft_updated_at = r.Int(7);
  if (!r.IsNull(8)) p.created_by = r.Text(8);
  p.created_at = r.Int(9);
  p.updated_at = r.Int(10);
  return p;
}

ProcessorVersion VersionFromRow(const Row& r, ProcessorKind kind) {
  ProcessorVersion v;
  v.id = r.Text(0);
  v.processor_id = r.Text(1);
  v.kind = kind;
  v.major = static_cast<int>(r.Int(2));
  v.minor = static_cast<int>(r.Int(3));
  v.version = r.Text(4);
  if (!r.IsNull(5)) v.description = r.Text(5);
  v.config = r.Text(6);
  if (!r.IsNull(7)) v.created_by = r.Text(7);
  v.created_at = r.Int(8);
  return v;
}

Status NotFoundProcessor(ProcessorKind kind, const std::string& id) {
  return Status::NotFound(std::string(model::KindInfo(kind).title) + " " + id + " not found");
}

// "1.0" -> (1, 0); nullopt unless MAJOR.MINOR in decimal digits.
std::optional<std::pair<int, int>> ParseVersionNumber(const std::string& s) {
  size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == s.size() || dot > 6 || s.size() - dot - 1 > 6)
    return std::nullopt;
  int major = 0, minor = 0;
  auto [p1, e1] = std::from_chars(s.data(), s.data() + dot, major);
  auto [p2, e2] = std::from_chars(s.data() + dot + 1, s.data() + s.size(), minor);
  if (e1 != std::errc() || p1 != s.data() + dot || e2 != std::errc() || p2 != s.data() + s.size()) return std::nullopt;
  return std::make_pair(major, minor);
}

}  // namespace

ProcessorVersion ProcessorStore::DraftOf(const Processor& p) {
  ProcessorVersion v;
  v.id = p.draft_version_id;
  v.processor_id = p.id;
  v.kind = p.kind;
  v.version = "draft";
  v.is_draft = true;
  v.config = p.draft_config;
  v.created_by = p.draft_updated_by;
  v.created_at = p.draft_updated_at;
  return v;
}

Status ProcessorStore::Create(const Processor& p) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    GOLDSET_RETURN_IF_ERROR(c.Exec(
        std::string("INSERT INTO processors (") + kCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {p.id, p.workspace_id, std::string(model::KindInfo(p.kind).name), p.name, p.draft_version_id, p.draft_config,
         OptText(p.draft_updated_by), p.draft_updated_at, OptText(p.created_by), p.created_at, p.updated_at}));
    return on_change ? on_change(c, "created", p, nullptr) : Status::OK();
  });
}

StatusOr<Processor> ProcessorStore::GetIn(Connection& c, const std::string& workspace_id, ProcessorKind kind,
                                          const std::string& id, bool lock) {
  auto rows = c.Query(std::string("SELECT ") + kCols +
                          " FROM processors WHERE workspace_id = ? AND kind = ? AND id = ? AND deleted_at IS NULL" +
                          std::string(lock ? db_->ForUpdate() : ""),
                      {workspace_id, std::string(model::KindInfo(kind).name), id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFoundProcessor(kind, id);
  return FromRow(rows->front());
}

StatusOr<Processor> ProcessorStore::Get(const std::string& workspace_id, ProcessorKind kind, const std::string& id) {
  auto c = db_->Acquire();
  return GetIn(*c, workspace_id, kind, id);
}

StatusOr<Processor> ProcessorStore::FindIn(Connection& c, const std::string& workspace_id, const std::string& id) {
  auto rows = c.Query(
      std::string("SELECT ") + kCols + " FROM processors WHERE workspace_id = ? AND id = ? AND deleted_at IS NULL",
      {workspace_id, id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Processor " + id + " not found");
  return FromRow(rows->front());
}

StatusOr<Processor> ProcessorStore::Find(const std::string& workspace_id, const std::string& id) {
  auto c = db_->Acquire();
  return FindIn(*c, workspace_id, id);
}

StatusOr<Page<Processor>> ProcessorStore::List(const std::string& workspace_id, ProcessorKind kind,
                                               const PageRequest& page) {
  std::string sql =
      std::string("SELECT ") + kCols + " FROM processors WHERE workspace_id = ? AND kind = ? AND deleted_at IS NULL";
  std::vector<Param> params{workspace_id, std::string(model::KindInfo(kind).name)};
  AppendKeyset(page, "", &sql, &params);
  auto rows = db_->Acquire()->Query(sql, params);
  if (!rows.ok()) return rows.status();
  return ToPage<Processor>(*rows, page, FromRow);
}

StatusOr<Processor> ProcessorStore::Update(const std::string& workspace_id, ProcessorKind kind, const std::string& id,
                                           const std::optional<std::string>& name,
                                           const std::optional<std::string>& draft_config, const std::string& by,
                                           int64_t now) {
  Processor out;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    // F11: without the row lock, two partial updates at once (name ∥ config) on
    // PostgreSQL both read the old row and the later write drops the other's change.
    auto p = GetIn(c, workspace_id, kind, id, /*lock=*/true);
    if (!p.ok()) return p.status();
    out = *p;
    if (!name && !draft_config) return Status::OK();
    // updated_at must move forward even within one millisecond, or keyset paging by
    // updatedAt could reorder a row behind a cursor that already passed it.
    out.updated_at = std::max(now, out.updated_at);
    if (name) out.name = *name;
    if (draft_config) {
      out.draft_config = *draft_config;
      out.draft_updated_by = by;
      out.draft_updated_at = now;
    }
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE processors SET name = ?, draft_config = ?, draft_updated_by = ?, draft_updated_at = ?, "
               "updated_at = ? WHERE id = ?",
               {out.name, out.draft_config, OptText(out.draft_updated_by), out.draft_updated_at, out.updated_at, id}));
    if (!on_change) return Status::OK();
    if (name) GOLDSET_RETURN_IF_ERROR(on_change(c, "updated", out, nullptr));
    if (draft_config) GOLDSET_RETURN_IF_ERROR(on_change(c, "draft.updated", out, nullptr));
    return Status::OK();
  });
  if (!st.ok()) return st;
  return out;
}

StatusOr<ProcessorVersion> ProcessorStore::Publish(const std::string& workspace_id, ProcessorKind kind,
                                                   const std::string& id, ReleaseType release,
                                                   const std::optional<std::string>& description,
                                                   const std::optional<std::string>& config, const std::string& by,
                                                   int64_t now) {
  ProcessorVersion v;
  Status st = db_->InTransaction(true, [&](Connection& c) -> Status {
    // Concurrent publishes of one processor take turns (PostgreSQL write transactions do
    // not exclude each other as SQLite's do), so each reads the number the last one took,
    // and the draft it publishes is the one the last update left.
    auto p = GetIn(c, workspace_id, kind, id, /*lock=*/true);
    if (!p.ok()) return p.status();
    auto top = c.Query(
        "SELECT major, minor FROM processor_versions WHERE processor_id = ? "
        "ORDER BY major DESC, minor DESC LIMIT 1",
        {id});
    if (!top.ok()) return top.status();
    int major = 0, minor = 0;
    if (!top->empty()) {
      major = static_cast<int>(top->front().Int(0));
      minor = static_cast<int>(top->front().Int(1));
    }
    if (release == ReleaseType::kMajor) {
      ++major;
      minor = 0;
    } else {
      ++minor;
    }
    if (minor >= kMinorSpan || major >= 1000000)
      return Status::InvalidArgument("This processor has reached the highest version number");
    v.id = NewId(model::KindInfo(kind).version_prefix);
    v.processor_id = id;
    v.kind = kind;
    v.major = major;
    v.minor = minor;
    v.version = std::to_string(major) + "." + std::to_string(minor);
    v.description = description;
    v.config = config ? *config : p->draft_config;
    v.created_by = by;
    v.created_at = now;
    GOLDSET_RETURN_IF_ERROR(
        c.Exec(std::string("INSERT INTO processor_versions (") + kVersionCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {v.id, v.processor_id, int64_t{v.major}, int64_t{v.minor}, v.version, OptText(v.description), v.config,
                OptText(v.created_by), v.created_at}));
    GOLDSET_RETURN_IF_ERROR(
        c.Exec("UPDATE processors SET updated_at = ? WHERE id = ?", {std::max(now, p->updated_at), id}));
    return on_change ? on_change(c, "version.published", *p, &v) : Status::OK();
  });
  if (!st.ok()) return st;
  return v;
}

StatusOr<Page<ProcessorVersion>> ProcessorStore::ListVersions(const std::string& workspace_id, ProcessorKind kind,
                                                              const std::string& id, const PageRequest& page) {
  auto c = db_->Acquire();
  auto p = GetIn(*c, workspace_id, kind, id);
  if (!p.ok()) return p.status();
  std::string sql = std::string("SELECT ") + kVersionCols + " FROM processor_versions WHERE processor_id = ?";
  std::vector<Param> params{id};
  const char* cmp = page.descending ? "<" : ">";
  if (page.after) {
    sql += std::string(" AND major * ") + std::to_string(kMinorSpan) + " + minor " + cmp + " ?";
    params.push_back(page.after->sort_value);
  }
  sql += page.descending ? " ORDER BY major DESC, minor DESC" : " ORDER BY major ASC, minor ASC";
  sql += " LIMIT ?";
  params.push_back(int64_t{page.limit + 1});
  auto rows = c->Query(sql, params);
  if (!rows.ok()) return rows.status();

  std::vector<ProcessorVersion> all;
  bool draft_in_range = !page.after || (page.descending ? kDraftOrdinal < page.after->sort_value
                                                        : kDraftOrdinal > page.after->sort_value);
  if (draft_in_range && page.descending) all.push_back(DraftOf(*p));
  for (const Row& r : *rows) all.push_back(VersionFromRow(r, kind));
  if (draft_in_range && !page.descending) all.push_back(DraftOf(*p));

  Page<ProcessorVersion> out;
  for (auto& v : all) {
    if (static_cast<int>(out.items.size()) == page.limit) {
      const ProcessorVersion& last = out.items.back();
      out.next = Cursor{Ordinal(last), last.id};
      break;
    }
    out.items.push_back(std::move(v));
  }
  return out;
}

StatusOr<ProcessorVersion> ProcessorStore::ResolveVersionIn(Connection& c, const Processor& p, const std::string& ref,
                                                            bool allow_id) {
  const auto& info = model::KindInfo(p.kind);
  if (ref == "draft") return DraftOf(p);
  if (ref == "latest") {
    auto rows = c.Query(std::string("SELECT ") + kVersionCols +
                            " FROM processor_versions WHERE processor_id = ? ORDER BY major DESC, minor DESC LIMIT 1",
                        {p.id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return DraftOf(p);
    return VersionFromRow(rows->front(), p.kind);
  }
  const Status not_found = Status::NotFound("Version " + ref + " of " + info.name + " " + p.id + " not found");
  if (auto num = ParseVersionNumber(ref)) {
    auto rows = c.Query(std::string("SELECT ") + kVersionCols +
                            " FROM processor_versions WHERE processor_id = ? AND major = ? AND minor = ?",
                        {p.id, int64_t{num->first}, int64_t{num->second}});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return not_found;
    return VersionFromRow(rows->front(), p.kind);
  }
  if (!allow_id) {
    return Status::InvalidArgument("Version \"" + ref +
                                   "\" must be \"draft\", \"latest\" or a published version number such as \"1.0\"");
  }
  if (ref == p.draft_version_id) return DraftOf(p);
  auto rows =
      c.Query(std::string("SELECT ") + kVersionCols + " FROM processor_versions WHERE processor_id = ? AND id = ?",
              {p.id, ref});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return not_found;
  return VersionFromRow(rows->front(), p.kind);
}

StatusOr<ProcessorVersion> ProcessorStore::ResolveVersion(const std::string& workspace_id, ProcessorKind kind,
                                                          const std::string& id, const std::string& ref,
                                                          bool allow_id) {
  auto c = db_->Acquire();
  auto p = GetIn(*c, workspace_id, kind, id);
  if (!p.ok()) return p.status();
  return ResolveVersionIn(*c, *p, ref, allow_id);
}

Status ProcessorStore::Delete(const std::string& workspace_id, ProcessorKind kind, const std::string& id) {
  return db_->InTransaction(true, [&](Connection& c) -> Status {
    // Locked before the in-use check, which EvaluationStore::InsertSet's locking read of
    // the processor pairs with (a set is never created on a deleted processor).
    auto p = GetIn(c, workspace_id, kind, id, /*lock=*/true);
    if (!p.ok()) return p.status();
    if (in_use_check) {
      auto used = in_use_check(c, id);
      if (!used.ok()) return used.status();
      if (*used)
        return Status::InvalidArgument(std::string(model::KindInfo(kind).title) + " " + id +
                                       " is used by an evaluation set and cannot be deleted");
    }
    GOLDSET_RETURN_IF_ERROR(c.Exec("UPDATE processors SET deleted_at = ? WHERE id = ?", {NowMillis(), id}));
    return on_change ? on_change(c, "deleted", *p, nullptr) : Status::OK();
  });
}

}  // namespace goldset::store
