#include "evalcli/eval_command.h"

#include <fstream>
#include <iostream>
#include <string>

#include "evalcli/eval_flags.h"
#include "evalcli/folder_scoring.h"
#include "evalcli/report.h"
#include "evalcli/server_source.h"

namespace goldset::evalcli {
namespace {

constexpr int kOk = 0, kGateFailed = 1, kBadInput = 2;

const char* kUsage =
    "usage: goldset eval --config CONFIG.json --expected DIR --actual DIR [--baseline DIR]\n"
    "                    [--kind extract|classify|split] [--fuzzy PATH,...] [--exclude PATH,...]\n"
    "                    [--fuzzy-threshold X] [--max-array-rows N]\n"
    "                    [--alpha A] [--margin M] [--effect E]\n"
    "                    [--fail-on regression|field-regression|non-inferiority|never]\n"
    "                    [--min-accuracy X] [--format table|json|csv|markdown|junit] [--out FILE]\n"
    "       goldset eval --server URL --run ID [--baseline-run ID] [--wait SECONDS]\n"
    "                    [--alpha ...] [--fail-on ...] [--min-accuracy X] [--format ...] [--out FILE]\n"
    "Pairs NAME.json in the folders. --baseline is a second actual-output folder scored against\n"
    "the same expected folder; the change is tested (paired bootstrap CI, exact McNemar, Holm\n"
    "across fields; --alpha 0.05, non-inferiority --margin 0.01, items needed for --effect 0.01).\n"
    "--server reads runs from a Goldset server with the key in GOLDSET_API_KEY (and\n"
    "GOLDSET_WORKSPACE_ID for an organization key). An item over --max-array-rows (default 5000\n"
    "rows per array) counts as failed, with the reason.\n"
    "Exit: 0 ok, 1 the gate failed (--min-accuracy, or --fail-on, default regression with a\n"
    "baseline), 2 bad input.\n";

// Multi-line messages (several unpaired files) get the prefix on every line.
void PrintError(const std::string& message) {
  std::string line;
  for (char c : message + "\n") {
    if (c != '\n') {
      line += c;
      continue;
    }
    std::cerr << "goldset eval: " << line << "\n";
    line.clear();
  }
}

}  // namespace

int RunEvalCommand(int argc, char** argv) {
  Flags flags;
  std::string err = ParseFlags(argc, argv, &flags);
  if (flags.help) {
    std::cout << kUsage;
    return kOk;
  }
  if (!err.empty()) {
    std::cerr << "goldset eval: " << err << "\n" << kUsage;
    return kBadInput;
  }
  StatusOr<Report> report = flags.server_mode() ? ReportFromServer(flags) : ReportFromFolders(flags);
  if (!report.ok()) {
    PrintError(report.status().message());
    return kBadInput;
  }
  const std::string text = Render(*report, flags.format);
  if (flags.out.empty()) {
    std::cout << text << std::flush;
  } else {
    std::ofstream out(flags.out, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      PrintError("cannot write " + flags.out);
      return kBadInput;
    }
  }
  if (!report->gate.passed) {
    for (const std::string& reason : report->gate.reasons) PrintError(reason);
    return kGateFailed;
  }
  return kOk;
}

}  // namespace goldset::evalcli
