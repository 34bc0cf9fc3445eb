// The `goldset` command line: subcommands serve, worker, keys, migrate, eval.
#pragma once

namespace goldset::cli {

// Dispatches argv[1] to a subcommand; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace goldset::cli
