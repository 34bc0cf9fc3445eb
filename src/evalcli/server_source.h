// Server mode of `goldset eval`: gates on runs stored on a Goldset server, through its
// API (GET /evaluation_set_runs/{id} and …/compare), with the key in GOLDSET_API_KEY
// (and GOLDSET_WORKSPACE_ID for an organization key). Not thread-safe.
#pragma once

#include "common/status.h"
#include "evalcli/eval_flags.h"
#include "evalcli/report.h"

namespace goldset::evalcli {

// Waits up to --wait seconds for unfinished runs (progress on stderr), then builds the
// report: the run's metrics, and with --baseline-run the server's comparison at
// --alpha/--margin/--effect. Errors (bad key, unknown run, unreachable server, a run
// still going) carry the message for stderr (exit 2).
StatusOr<Report> ReportFromServer(const Flags& flags);

}  // namespace goldset::evalcli
