// goldset demo --data-dir D [--workspace ws_…] [--remove]: loads the sample data
// (api/sample_data.h) into a workspace (default: the first, created with a key when the
// store has none) and runs its evaluation runs to the end with workers of its own, so
// a server started afterwards (or already running on D) shows finished runs.
#include <chrono>
#include <cstdio>
#include <thread>

#include "api/sample_data.h"
#include "cli/commands.h"
#include "common/clock.h"

namespace goldset::cli {

namespace {

int Fail(const Status& st, int code = 1) {
  std::fprintf(stderr, "goldset demo: %s\n", st.message().c_str());
  return code;
}

}  // namespace

int RunDemoCommand(int argc, char** argv) {
  std::set<std::string> known = ServerFlagNames();
  known.insert("workspace");
  auto flags = Flags::Parse(argc, argv, 2, known, {"remove"});
  if (!flags.ok()) return Fail(flags.status(), 2);
  auto config = ParseServerConfig(*flags);
  if (!config.ok()) return Fail(config.status(), 2);
  const int64_t started = MonotonicMillis();
  auto opened = api::OpenServices(*config);
  if (!opened.ok()) return Fail(opened.status());
  api::Services& svc = **opened;
  auto first_key = EnsureDefaultWorkspace(svc);
  if (!first_key.ok()) return Fail(first_key.status());
  auto workspaces = svc.tenancy->ListWorkspaces();
  if (!workspaces.ok()) return Fail(workspaces.status());
  model::Workspace target = workspaces->front();
  if (auto wid = flags->Get("workspace")) {
    auto ws = svc.tenancy->GetWorkspace(*wid);
    if (!ws.ok()) return Fail(ws.status(), 2);
    target = *ws;
  }
  api::Caller caller{target.organization_id, target.id, "goldset demo", "", false};
  if (flags->Has("remove")) {
    auto removed = api::RemoveSampleData(svc, caller);
    if (!removed.ok()) return Fail(removed.status());
    std::printf("Removed the sample data from workspace %s (%d objects). Your own data is untouched.\n",
                target.id.c_str(), *removed);
    return 0;
  }
  auto scheduler = MakeScheduler(svc, nullptr);
  scheduler->Start();
  auto data = api::LoadSampleData(svc, caller);
  if (!data.ok()) {
    scheduler->Stop(0);
    return Fail(data.status());
  }
  if (!data->created) {
    scheduler->Stop(0);
    std::printf(
        "The sample data is already in workspace %s (sets %s, %s); nothing was added.\n"
        "Remove it with: goldset demo --remove --data-dir %s\n",
        target.id.c_str(), data->set_ids[0].c_str(), data->set_ids.size() > 1 ? data->set_ids[1].c_str() : "",
        config->data_dir.c_str());
    return 0;
  }
  // The runs are short (14 documents, two of them OCR'd), but bounded all the same.
  const int64_t deadline = MonotonicMillis() + 600000;
  for (const std::string& run_id : data->run_ids) {
    while (true) {
      auto run = svc.runs->GetRun(target.id, run_id);
      if (!run.ok()) return Fail(run.status());
      if (run->finished()) break;
      if (MonotonicMillis() > deadline) {
        scheduler->Stop(0);
        return Fail(Status::DeadlineExceeded("run " + run_id + " did not finish within 10 minutes"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  scheduler->Stop(svc.config.drain_ms);
  if (!first_key->empty()) std::printf("Created the default workspace. API key (shown once): %s\n", first_key->c_str());
  std::printf("Loaded the sample data into workspace %s in %.1f s (everything is named \"Sample: …\"):\n",
              target.id.c_str(), (MonotonicMillis() - started) / 1000.0);
  std::printf("  evaluation sets %s (invoices) and %s (document types)\n", data->set_ids[0].c_str(),
              data->set_ids[1].c_str());
  std::printf("  finished runs %s (extractor 1.0, weaker), %s (extractor 2.0), %s (classifier 1.0)\n",
              data->run_ids[0].c_str(), data->run_ids[1].c_str(), data->run_ids[2].c_str());
  std::printf(
      "Compare them on the dashboard (goldset serve --data-dir %s), or remove them: goldset demo --remove --data-dir "
      "%s\n",
      config->data_dir.c_str(), config->data_dir.c_str());
  return 0;
}

}  // namespace goldset::cli
