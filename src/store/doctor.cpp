#include "store/doctor.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "common/clock.h"
#include "common/crypto.h"
#include "store/migrations.h"

namespace goldset::store {

namespace {

namespace fs = std::filesystem;

DoctorCheck Check(std::string name, std::string status, std::string detail) {
  return DoctorCheck{std::move(name), std::move(status), std::move(detail)};
}

// "a, b, c and 4 more"
std::string Some(const std::vector<std::string>& ids, size_t show = 5) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < show; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > show) out += " and " + std::to_string(ids.size() - show) + " more";
  return out;
}

StatusOr<std::vector<std::string>> Texts(Connection& c, const std::string& sql, const std::vector<Param>& params = {}) {
  auto rows = c.Query(sql, params);
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const Row& r : *rows)
    out.push_back(r.IsNull(0) ? "" : (r.Text(0).empty() ? std::to_string(r.Int(0)) : r.Text(0)));
  return out;
}

DoctorCheck Schema(Connection& c) {
  auto applied = c.Query("SELECT version FROM schema_migrations ORDER BY version");
  if (!applied.ok()) return Check("schema", "fail", "cannot read schema_migrations: " + applied.status().message());
  const int latest = LatestMigrationVersion();
  int max = 0;
  for (const Row& r : *applied) max = std::max<int>(max, static_cast<int>(r.Int(0)));
  const std::string where = "version " + std::to_string(max) + ", " + std::to_string(applied->size()) + " migrations";
  if (max > latest)
    return Check("schema", "fail",
                 where + ": newer than this binary knows (" + std::to_string(latest) + "); upgrade goldset");
  if (max < latest)
    return Check("schema", "warn",
                 where + ": migrations up to " + std::to_string(latest) +
                     " are pending (applied at the next start, or `goldset migrate`)");
  return Check("schema", "ok", where + " (current)");
}

DoctorCheck Integrity(Database& db, Connection& c) {
  std::string detail;
  if (db.backend() == Backend::kSqlite) {
    auto rows = Texts(c, "PRAGMA integrity_check");
    if (!rows.ok()) return Check("integrity", "fail", rows.status().message());
    if (rows->size() != 1 || rows->front() != "ok")
      return Check("integrity", "fail", "integrity_check: " + Some(*rows, 3));
    auto fk = c.Query("PRAGMA foreign_key_check");
    if (!fk.ok()) return Check("integrity", "fail", fk.status().message());
    if (!fk->empty())
      return Check(
          "integrity", "fail",
          std::to_string(fk->size()) + " rows break foreign keys (first in table " + fk->front().Text(0) + ")");
    detail = "integrity_check ok, foreign keys ok";
  } else {
    // Run items have no foreign key to their run on PostgreSQL (migration 900).
    auto orphans = Texts(c,
                         "SELECT DISTINCT i.run_id FROM evaluation_run_items i WHERE NOT EXISTS "
                         "(SELECT 1 FROM evaluation_runs r WHERE r.id = i.run_id) ORDER BY i.run_id");
    if (!orphans.ok()) return Check("integrity", "fail", orphans.status().message());
    if (!orphans->empty())
      return Check("integrity", "fail", "run items of runs that no longer exist: " + Some(*orphans));
    detail = "database pages not checked here (use pg_amcheck), every run item has its run";
  }
  auto bad =
      Texts(c,
            "SELECT r.id FROM evaluation_runs r WHERE r.num_done <> (SELECT COUNT(*) FROM evaluation_run_items i "
            "WHERE i.run_id = r.id AND i.status IN ('PROCESSED', 'FAILED', 'CANCELLED')) ORDER BY r.id");
  if (!bad.ok()) return Check("integrity", "fail", bad.status().message());
  if (!bad->empty())
    return Check("integrity", "fail", "runs whose progress counters disagree with their items: " + Some(*bad));
  return Check("integrity", "ok", detail + ", run counters agree with their items");
}

// A blob of the local store: present (and, with `verify`, matching its name's checksum).
Status LocalBlob(const std::string& dir, const std::string& sha, bool verify) {
  if (sha.size() != 64) return Status::Internal("malformed content hash");
  const fs::path path = fs::path(dir) / sha.substr(0, 2) / sha;
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(ec ? ec.message() : "missing");
  if (!verify) return Status::OK();
  std::unique_ptr<std::FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "rbe"), &std::fclose);
  if (!f) return Status::Internal("unreadable");
  Sha256Stream hash;
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) hash.Update(std::string_view(buf.data(), n));
  if (std::ferror(f.get())) return Status::Internal("read error");
  return hash.FinishHex() == sha ? Status::OK() : Status::Internal("corrupt: checksum mismatch");
}

DoctorCheck MissingBlobs(Connection& c, BlobStore* blobs, const DoctorOptions& o, std::set<std::string>* referenced) {
  const bool verify = o.verify_blobs;
  auto shas = Texts(c, "SELECT DISTINCT content_sha256 FROM files");
  if (!shas.ok()) return Check("missing_blobs", "fail", shas.status().message());
  referenced->insert(shas->begin(), shas->end());
  std::vector<std::string> missing;
  if (o.blob_dir.empty() && !o.external_blobs && !verify) {
    // Blobs in the database: one anti-join instead of a query per blob.
    auto absent = Texts(c,
                        "SELECT MIN(f.id) FROM files f WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE "
                        "b.sha256 = f.content_sha256 AND b.chunk = 0) GROUP BY f.content_sha256 ORDER BY 1");
    if (!absent.ok()) return Check("missing_blobs", "fail", absent.status().message());
    for (const std::string& id : *absent) missing.push_back(id + " (missing)");
    shas->clear();
  }
  for (const std::string& sha : *shas) {
    Status st;
    if (!o.blob_dir.empty()) {
      st = LocalBlob(o.blob_dir, sha, verify);
    } else if (!blobs) {
      st = Status::Internal("no blob store");
    } else if (verify) {
      st = blobs->Get(sha).status();
    } else {
      auto present = blobs->Exists(sha);
      st = !present.ok() ? present.status() : *present ? Status::OK() : Status::NotFound("missing");
    }
    if (st.ok()) continue;
    auto ids = Texts(c, "SELECT id FROM files WHERE content_sha256 = ? ORDER BY id", {sha});
    missing.push_back((ids.ok() && !ids->empty() ? ids->front() : sha) + " (" + st.message() + ")");
  }
  if (!missing.empty())
    return Check("missing_blobs", "fail",
                 std::to_string(missing.size()) + " blobs of stored files are " +
                     (verify ? "missing or corrupt: " : "missing: ") + Some(missing, 3));
  return Check("missing_blobs", "ok",
               std::to_string(referenced->size()) + " blobs present" + (verify ? " and verified" : ""));
}

DoctorCheck OrphanBlobs(Connection& c, const DoctorOptions& o, const std::set<std::string>& referenced) {
  int64_t count = 0, bytes = 0;
  if (o.external_blobs)
    return Check("orphan_blobs", "skip", "blobs are in an external store (the bucket is not listed)");
  if (!o.blob_dir.empty()) {
    const auto cutoff = fs::file_time_type::clock::now() - std::chrono::milliseconds(o.orphan_grace_ms);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(o.blob_dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string name = it->path().filename().string();
      const std::string parent = it->path().parent_path().filename().string();
      if (parent == "tmp" || parent == "deferred") continue;  // upload temp files, backup markers
      if (name.size() != 64 || referenced.count(name)) continue;
      if (it->last_write_time(ec) > cutoff) continue;
      ++count;
      bytes += static_cast<int64_t>(it->file_size(ec));
    }
    if (ec) return Check("orphan_blobs", "fail", "cannot list " + o.blob_dir + ": " + ec.message());
  } else {
    auto rows = c.Query(
        "SELECT b.sha256, SUM(LENGTH(b.data)) FROM blobs b WHERE NOT EXISTS "
        "(SELECT 1 FROM files f WHERE f.content_sha256 = b.sha256) GROUP BY b.sha256");
    if (!rows.ok()) return Check("orphan_blobs", "fail", rows.status().message());
    for (const Row& r : *rows) {
      ++count;
      bytes += r.Int(1);
    }
  }
  if (count > 0)
    return Check("orphan_blobs", "warn",
                 std::to_string(count) + " blobs (" + std::to_string(bytes) +
                     " bytes) are referenced by no file (left by interrupted uploads)");
  return Check("orphan_blobs", "ok", "none");
}

DoctorCheck StuckRuns(Connection& c, const DoctorOptions& o) {
  const int64_t old = NowMillis() - o.stuck_after_ms;
  auto unfinished_done = Texts(c,
                               "SELECT id FROM evaluation_runs WHERE status IN ('PENDING', 'PROCESSING', 'CANCELLING') "
                               "AND num_done >= num_items AND num_items > 0 ORDER BY id");
  if (!unfinished_done.ok()) return Check("stuck_runs", "fail", unfinished_done.status().message());
  if (!unfinished_done->empty())
    return Check("stuck_runs", "fail",
                 "runs whose items all finished but which never ended: " + Some(*unfinished_done));
  auto waiting = Texts(c,
                       "SELECT DISTINCT run_id FROM evaluation_run_items WHERE "
                       "(status = 'PENDING' AND next_attempt_at < ?) OR (status = 'PROCESSING' AND lease_until < ?) "
                       "ORDER BY run_id",
                       {old, old});
  auto standalone = Texts(c,
                          "SELECT id FROM processor_runs WHERE (status = 'PENDING' AND next_attempt_at < ?) "
                          "OR (status = 'PROCESSING' AND lease_until < ?) ORDER BY id",
                          {old, old});
  auto rescoring =
      Texts(c,
            "SELECT run_id FROM evaluation_run_rescores WHERE (lease_until IS NULL AND next_attempt_at < ?) "
            "OR lease_until < ? ORDER BY run_id",
            {old, old});
  if (!waiting.ok() || !standalone.ok() || !rescoring.ok()) return Check("stuck_runs", "fail", "cannot read run items");
  std::vector<std::string> stuck = *waiting;
  stuck.insert(stuck.end(), standalone->begin(), standalone->end());
  stuck.insert(stuck.end(), rescoring->begin(), rescoring->end());
  if (!stuck.empty())
    return Check("stuck_runs", "warn",
                 std::to_string(stuck.size()) + " runs have work waiting for over " +
                     std::to_string(o.stuck_after_ms / 1000) + " s (is a server or worker running?): " + Some(stuck));
  return Check("stuck_runs", "ok", "none");
}

}  // namespace

int DoctorReport::ExitCode() const {
  for (const DoctorCheck& c : checks)
    if (c.status == "warn" || c.status == "fail") return 1;
  return 0;
}

std::string DoctorReport::ToText() const {
  std::string out;
  for (const DoctorCheck& c : checks) {
    std::string status = c.status, name = c.name;
    status.resize(6, ' ');
    name.resize(15, ' ');
    out += status + name + c.detail + "\n";
  }
  return out;
}

json::object DoctorReport::ToJson() const {
  json::array list;
  for (const DoctorCheck& c : checks)
    list.push_back(json::object{{"name", c.name}, {"status", c.status}, {"detail", c.detail}});
  return json::object{{"ok", ExitCode() == 0}, {"checks", std::move(list)}};
}

DoctorReport RunDoctor(Database& db, BlobStore* blobs, const DoctorOptions& options) {
  DoctorReport report;
  std::shared_ptr<Connection> c;
  try {
    c = db.Acquire();
  } catch (const std::exception& e) {
    report.checks.push_back(Check("schema", "fail", std::string("cannot open the database: ") + e.what()));
    return report;
  }
  report.checks.push_back(Schema(*c));
  report.checks.push_back(Integrity(db, *c));
  std::set<std::string> referenced;
  report.checks.push_back(MissingBlobs(*c, blobs, options, &referenced));
  report.checks.push_back(OrphanBlobs(*c, options, referenced));
  report.checks.push_back(StuckRuns(*c, options));
  return report;
}

}  // namespace goldset::store
