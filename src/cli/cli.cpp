#include "cli/cli.h"

#include <cstdio>
#include <string>

namespace goldset::cli {

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: goldset <serve|worker|keys|migrate|eval> [options]\n");
    return 2;
  }
  std::fprintf(stderr, "goldset: unknown command '%s'\n", argv[1]);
  return 2;
}

}  // namespace goldset::cli
