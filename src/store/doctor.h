// Doctor: a read-only health check of a store, for operators and scripts
// (`goldset doctor`). It never changes anything and may run beside a live server.
//
// Checks, each ok | warn | fail | skip with a one-line detail:
//   schema        migrations applied vs. the ones this binary knows (newer: fail; older: warn)
//   integrity     SQLite `PRAGMA integrity_check` + `foreign_key_check` (PostgreSQL: pages
//                 not checked, use pg_amcheck; run items whose run is gone, as they have no
//                 foreign key there), and run counters that disagree with their items (fail)
//   missing_blobs file rows whose blob is absent (or, with verify_blobs, corrupt): fail
//   orphan_blobs  blobs no file references, older than orphan_grace_ms: warn (disk waste)
//   stuck_runs    unfinished runs whose items all finished (fail), or whose items have
//                 waited or held a lapsed lease for over stuck_after_ms (warn: no worker
//                 is running, or workers keep dying)
// Thread-safety: RunDoctor may run concurrently with anything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace goldset::store {

struct DoctorOptions {
  int64_t stuck_after_ms = 10 * 60 * 1000;
  int64_t orphan_grace_ms = 60 * 60 * 1000;  // an upload in progress is briefly an orphan
  bool verify_blobs = false;                 // read and checksum every blob (slow)
  std::string blob_dir;                      // local blob store directory; "" for blobs in the database
  // Blobs in a store outside the database (S3, --blob-store): checked one by one through
  // `blobs`; orphans are not looked for (that would mean listing the bucket).
  bool external_blobs = false;
};

struct DoctorCheck {
  std::string name;
  std::string status;  // ok | warn | fail | skip
  std::string detail;
};

struct DoctorReport {
  std::vector<DoctorCheck> checks;
  // 0 when every check is ok or skipped, else 1 (scripts: non-zero means look at it).
  int ExitCode() const;
  std::string ToText() const;
  json::object ToJson() const;
};

// `blobs` serves the blobs when options.blob_dir is empty (the PostgreSQL store); a local
// blob directory is read directly (opening a LocalBlobStore would clear the temporary
// files of uploads a live server has in progress).
DoctorReport RunDoctor(Database& db, BlobStore* blobs, const DoctorOptions& options);

}  // namespace goldset::store
