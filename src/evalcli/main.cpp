// Standalone `goldset-eval` for testing; the main binary wires RunEvalCommand as `goldset eval`.
// Accepts both `goldset-eval eval --config ...` and `goldset-eval --config ...`.
#include <cstring>

#include "evalcli/eval_command.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "eval") == 0) return goldset::evalcli::RunEvalCommand(argc - 1, argv + 1);
  return goldset::evalcli::RunEvalCommand(argc, argv);
}
