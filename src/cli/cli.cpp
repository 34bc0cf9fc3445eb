#include "cli/cli.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "api/app.h"
#include "cli/commands.h"
#include "common/version.h"
#include "eval/eval.h"
#include "evalcli/eval_command.h"

namespace goldset::cli {

namespace {
void Usage() {
  std::fprintf(stderr,
               "usage: goldset <command> [options]    (goldset --version: version and scoring version)\n"
               "  serve       API server + dashboard + workers (goldset serve --help: every flag)\n"
               "  worker      run-item workers only (scale-out; --database postgresql://...)\n"
               "  keys        create|list|revoke API keys\n"
               "  workspaces  create|list workspaces\n"
               "  migrate     apply database migrations\n"
               "  backup      consistent backup of a data dir while it serves (--data-dir D --to FILE)\n"
               "  restore     restore a backup into an empty data dir (--from FILE --data-dir D)\n"
               "  doctor      check a store: schema, integrity, blobs, stuck runs (exit 1 on findings)\n"
               "  migrate-blobs  copy file blobs between stores (--from local|db --to s3://…; resumable)\n"
               "  demo        load labelled sample data with finished runs (--data-dir D; --remove takes it out)\n"
               "  eval        score a folder of outputs offline (CI gate; exit 1 below --min-accuracy)\n");
}
}  // namespace

int Main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "help")) {
    Usage();
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::printf("goldset %s\nscoring version %d\n", kGoldsetVersion, eval::kScoringVersion);
    return 0;
  }
  if ((cmd == "serve" || cmd == "worker") && argc > 2 &&
      (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h"))) {
    PrintServeHelp(cmd.c_str());
    return 0;
  }
  if (cmd == "serve") return RunServeCommand(argc, argv);
  if (cmd == "worker") return RunWorkerCommand(argc, argv);
  if (cmd == "keys") return RunKeysCommand(argc, argv);
  if (cmd == "workspaces") return RunWorkspacesCommand(argc, argv);
  if (cmd == "migrate") return RunMigrateCommand(argc, argv);
  if (cmd == "backup") return RunBackupCommand(argc, argv);
  if (cmd == "restore") return RunRestoreCommand(argc, argv);
  if (cmd == "doctor") return RunDoctorCommand(argc, argv);
  if (cmd == "migrate-blobs") return RunMigrateBlobsCommand(argc, argv);
  if (cmd == "demo") return RunDemoCommand(argc, argv);
  if (cmd == "routes") {
    // Every route the router knows, "METHOD /pattern" per line (tests compare it with
    // the OpenAPI document). Handlers are registered, never called: no store is opened.
    api::Services none;
    api::App app(none);
    for (const auto& [method, pattern] : app.Routes()) std::printf("%s %s\n", method.c_str(), pattern.c_str());
    return 0;
  }
  if (cmd == "eval") return evalcli::RunEvalCommand(argc - 1, argv + 1);
  std::fprintf(stderr, "goldset: unknown command '%s'\n", cmd.c_str());
  Usage();
  return 2;
}

}  // namespace goldset::cli
