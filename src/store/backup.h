// Backup and restore of an embedded (SQLite) data directory, while a server keeps
// serving reads and writes on it.
//
// A backup is one ustar archive (store/tar_archive.h; `tar -tf` lists it):
//   blobs/ab/<sha256>   every blob a file row of the snapshot references, checksummed
//   goldset.db          a snapshot of the database (SQLite online backup API), one state
//                       of the store: every write committed before the backup began
//   manifest.json       written last: {"format":"goldset-backup","version":1, counts, ...}
// Blobs a server deletes while a backup runs stay on disk until it ends: the backup holds
// <data_dir>/blobs/backup.lock exclusively, LocalBlobStore::Delete then only marks the blob
// in blobs/deferred/, and the backup removes the marked blobs that are still unreferenced
// when it is done. (A delete already removing its blob when the backup starts may commit
// just after the snapshot; the backup then takes one more snapshot.) So the archive holds
// the blobs of exactly the files its database lists, without ever blocking the server's
// writes. The archive is written to a temporary name and renamed when complete.
//
// PostgreSQL deployments keep blobs in the database: back them up with pg_dump (see
// docs/operations.md); these functions handle the embedded store only.
// Thread-safety: independent calls may run concurrently (on different paths).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace goldset::store {

struct BackupSummary {
  int schema_version = 0;
  int64_t files = 0;  // file rows in the snapshot
  int64_t blobs = 0;  // distinct blobs archived
  uint64_t blob_bytes = 0;
  uint64_t database_bytes = 0;
  int snapshots = 1;  // snapshots taken (more than 1 when files were deleted meanwhile)
};

// Writes a backup of `data_dir` (goldset.db + blobs/) to `archive`. Errors: NotFound when
// there is no database; Internal naming the file when a blob referenced by a live file
// row is missing or corrupt (run `goldset doctor`); NoSpace when the target disk is full.
StatusOr<BackupSummary> BackupDataDir(const std::string& data_dir, const std::string& archive);

struct RestoreSummary {
  int schema_version = 0;
  int64_t files = 0;
  int64_t blobs = 0;
};

// Restores `archive` into `data_dir`, which must not hold a database yet (it is created
// when absent). Every blob's checksum is verified, the database passes
// `PRAGMA integrity_check`, and every file row's blob is present before the database is
// put in place; on any failure nothing is left that a server would open.
StatusOr<RestoreSummary> RestoreDataDir(const std::string& archive, const std::string& data_dir);

}  // namespace goldset::store
