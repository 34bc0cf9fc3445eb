// Subcommand entry points and the helpers they share.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "api/config.h"
#include "api/services.h"
#include "cli/flags.h"
#include "jobs/run_scheduler.h"
#include "store/node_identity.h"

namespace goldset::cli {

int RunServeCommand(int argc, char** argv);
int RunWorkerCommand(int argc, char** argv);
int RunKeysCommand(int argc, char** argv);
int RunWorkspacesCommand(int argc, char** argv);
int RunMigrateCommand(int argc, char** argv);
int RunBackupCommand(int argc, char** argv);
int RunRestoreCommand(int argc, char** argv);
int RunDoctorCommand(int argc, char** argv);
int RunDemoCommand(int argc, char** argv);
// Every flag of `serve`/`worker` with its environment variable and default, on stdout.
void PrintServeHelp(const char* command);

const std::set<std::string>& ServerFlagNames();
StatusOr<api::ServerConfig> ParseServerConfig(const Flags& f);
// --blob-store, --blob-store-credentials, --s3-multipart-threshold-mb, --s3-max-attempts.
Status ParseBlobStoreFlags(const Flags& f, store::BlobStoreConfig* config);
int RunMigrateBlobsCommand(int argc, char** argv);

// Builds the run workers for `svc` and wires svc.run_finalizer / svc.notify_workers.
// `node` (may be null) is the identity recorded with the workers' claims.
std::unique_ptr<jobs::RunScheduler> MakeScheduler(api::Services& svc, const store::NodeIdentity* node = nullptr);

// On a store with no workspace, creates the default organization, workspace and one key;
// returns the key's plaintext ("" when a workspace already existed).
StatusOr<std::string> EnsureDefaultWorkspace(api::Services& svc);

}  // namespace goldset::cli
