// `goldset keys create|list|revoke`, `goldset workspaces create|list`, `goldset migrate`.
#include <cstdio>

#include "cli/commands.h"
#include "common/clock.h"
#include "store/migrations.h"

namespace goldset::cli {

StatusOr<std::string> EnsureDefaultWorkspace(api::Services& svc) {
  // Nodes starting at once on one PostgreSQL database must not each create a default.
  std::string key;
  Status st = svc.db->WithMigrationLock([&]() -> Status {
    auto all = svc.tenancy->ListWorkspaces();
    if (!all.ok()) return all.status();
    if (!all->empty()) return Status::OK();
    auto ws = svc.tenancy->CreateOrganization("Default organization", "Default workspace");
    if (!ws.ok()) return ws.status();
    // The operator's first key may manage keys (an admin key), so the dashboard's key
    // settings work out of the box.
    auto created = svc.tenancy->CreateKey(ws->organization_id, ws->id, "default", nullptr, /*admin=*/true);
    if (!created.ok()) return created.status();
    key = *created;
    return Status::OK();
  });
  if (!st.ok()) return st;
  return key;
}

namespace {

int Fail(const char* cmd, const Status& st, int code = 1) {
  std::fprintf(stderr, "goldset %s: %s\n", cmd, st.message().c_str());
  return code;
}

StatusOr<std::unique_ptr<api::Services>> Open(const Flags& f) {
  auto config = ParseServerConfig(f);
  if (!config.ok()) return config.status();
  return api::OpenServices(*config);
}

}  // namespace

int RunKeysCommand(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: goldset keys create|list|revoke --data-dir DIR ...\n");
    return 2;
  }
  std::string verb = argv[2];
  std::set<std::string> known = ServerFlagNames();
  known.insert({"name", "workspace"});
  auto flags = Flags::Parse(argc, argv, 3, known, {"org", "admin"});
  if (!flags.ok()) return Fail("keys", flags.status(), 2);
  auto svc = Open(*flags);
  if (!svc.ok()) return Fail("keys", svc.status());
  auto& tenancy = *(*svc)->tenancy;
  if (verb == "create") {
    auto workspaces = tenancy.ListWorkspaces();
    if (!workspaces.ok()) return Fail("keys", workspaces.status());
    if (workspaces->empty()) {
      auto ws = tenancy.CreateOrganization("Default organization", "Default workspace");
      if (!ws.ok()) return Fail("keys", ws.status());
      workspaces->push_back(*ws);
    }
    model::Workspace target = workspaces->front();
    if (auto wid = flags->Get("workspace")) {
      auto ws = tenancy.GetWorkspace(*wid);
      if (!ws.ok()) return Fail("keys", ws.status(), 2);
      target = *ws;
    }
    bool org = flags->Has("org");
    auto key =
        tenancy.CreateKey(target.organization_id, org ? "" : target.id,
                          flags->GetOr("name", org ? "organization key" : "api key"), nullptr, flags->Has("admin"));
    if (!key.ok()) return Fail("keys", key.status());
    std::printf("%s\n", key->c_str());
    return 0;
  }
  if (verb == "list") {
    auto keys = tenancy.ListKeys();
    if (!keys.ok()) return Fail("keys", keys.status());
    std::printf("%-28s %-20s %-32s %-26s %s\n", "ID", "NAME", "SCOPE", "CREATED", "REVOKED");
    for (const auto& k : *keys) {
      std::string scope = k.workspace_id ? *k.workspace_id : "org " + k.organization_id;
      std::printf("%-28s %-20s %-32s %-26s %s\n", k.id.c_str(), k.name.c_str(), scope.c_str(),
                  FormatRfc3339(k.created_at).c_str(), k.revoked_at ? FormatRfc3339(*k.revoked_at).c_str() : "-");
    }
    return 0;
  }
  if (verb == "revoke") {
    if (flags->positional().size() != 1) {
      std::fprintf(stderr, "usage: goldset keys revoke KEY_ID --data-dir DIR\n");
      return 2;
    }
    Status st = tenancy.RevokeKey(flags->positional()[0]);
    if (!st.ok()) return Fail("keys", st, st.code() == Status::Code::kNotFound ? 2 : 1);
    std::printf("revoked %s\n", flags->positional()[0].c_str());
    return 0;
  }
  std::fprintf(stderr, "goldset keys: unknown verb '%s' (create|list|revoke)\n", verb.c_str());
  return 2;
}

int RunWorkspacesCommand(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: goldset workspaces create|list --data-dir DIR [--name N] [--organization ORG_ID]\n");
    return 2;
  }
  std::string verb = argv[2];
  std::set<std::string> known = ServerFlagNames();
  known.insert({"name", "organization"});
  auto flags = Flags::Parse(argc, argv, 3, known, {"new-organization"});
  if (!flags.ok()) return Fail("workspaces", flags.status(), 2);
  auto svc = Open(*flags);
  if (!svc.ok()) return Fail("workspaces", svc.status());
  auto& tenancy = *(*svc)->tenancy;
  if (verb == "create") {
    std::string name = flags->GetOr("name", "Workspace");
    StatusOr<model::Workspace> ws = Status::Internal("unset");
    if (flags->Has("new-organization")) {
      ws = tenancy.CreateOrganization(name + " organization", name);
    } else {
      std::string org = flags->GetOr("organization", "");
      if (org.empty()) {
        auto all = tenancy.ListWorkspaces();
        if (!all.ok()) return Fail("workspaces", all.status());
        if (all->empty())
          return Fail("workspaces", Status::InvalidArgument("no organization yet; pass --new-organization"), 2);
        org = all->front().organization_id;
      }
      ws = tenancy.CreateWorkspace(org, name);
    }
    if (!ws.ok()) return Fail("workspaces", ws.status());
    std::printf("%s\n", ws->id.c_str());
    return 0;
  }
  if (verb == "list") {
    auto all = tenancy.ListWorkspaces();
    if (!all.ok()) return Fail("workspaces", all.status());
    for (const auto& ws : *all) std::printf("%s %s %s\n", ws.id.c_str(), ws.organization_id.c_str(), ws.name.c_str());
    return 0;
  }
  std::fprintf(stderr, "goldset workspaces: unknown verb '%s'\n", verb.c_str());
  return 2;
}

int RunMigrateCommand(int argc, char** argv) {
  auto flags = Flags::Parse(argc, argv, 2, ServerFlagNames());
  if (!flags.ok()) return Fail("migrate", flags.status(), 2);
  auto svc = Open(*flags);  // opening applies pending migrations
  if (!svc.ok()) return Fail("migrate", svc.status());
  std::printf("schema at version %d\n", store::LatestMigrationVersion());
  return 0;
}

}  // namespace goldset::cli
