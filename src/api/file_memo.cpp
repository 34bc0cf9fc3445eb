#include "api/file_memo.h"

#include "store/file_store.h"

namespace goldset::api {

Status FileMemo::Prefetch(const std::vector<std::string>& ids) {
  std::vector<std::string> wanted;
  for (const auto& id : ids)
    if (!known_.count(id)) wanted.push_back(id);
  if (wanted.empty()) return Status::OK();
  auto files = svc_.files->GetMany(workspace_id_, wanted);
  if (!files.ok()) return files.status();
  for (const auto& id : wanted) known_[id] = std::nullopt;
  for (auto& f : *files) known_[f.id] = std::move(f);
  return Status::OK();
}

StatusOr<model::File> FileMemo::Get(const std::string& id) {
  auto it = known_.find(id);
  if (it == known_.end()) {
    auto f = svc_.files->Get(workspace_id_, id);
    if (!f.ok() && f.status().code() != Status::Code::kNotFound) return f.status();
    it = known_.emplace(id, f.ok() ? std::optional<model::File>(*f) : std::nullopt).first;
  }
  if (!it->second) return Status::NotFound("File " + id + " not found");
  return *it->second;
}

}  // namespace goldset::api
