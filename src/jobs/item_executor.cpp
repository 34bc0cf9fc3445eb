#include "jobs/item_executor.h"

#include <algorithm>

#include "eval/run_options.h"
#include "jobs/run_metrics.h"
#include "parse/parse.h"
#include "processors/processors.h"
#include "store/parse_cache_store.h"

namespace goldset::jobs {

namespace {

// Parsed documents cached in the store (keys: parse::ParseCacheKey, per workspace and
// password), so a second run over the same files does no parsing or OCR.
// A process-wide ParseMemo, when given, answers repeated lookups from memory.
class StoreParseCache final : public parse::ParseCache {
 public:
  StoreParseCache(store::Database& db, ParseMemo* memo) : db_(db), memo_(memo) {}
  std::optional<std::string> Get(const std::string& key) override {
    if (memo_)
      if (auto hit = memo_->Get(key)) return hit;
    auto found = store::GetParseCacheEntry(db_, key);
    if (found && memo_) memo_->Put(key, *found);
    return found;
  }
  void Put(const std::string& key, const std::string& value) override {
    if (memo_) memo_->Put(key, value);
    store::PutParseCacheEntry(db_, key, value);
  }

 private:
  store::Database& db_;
  ParseMemo* memo_;
};

ItemOutcome Fail(Status st, std::string code) {
  ItemOutcome o;
  o.status = std::move(st);
  o.error_code = std::move(code);
  return o;
}

std::string CodeFor(const Status& st) {
  switch (st.code()) {
    case Status::Code::kUnprocessable: return "FAILED_TO_PROCESS_FILE";
    case Status::Code::kInvalidArgument: return "INVALID_CONFIGURATION";
    case Status::Code::kDeadlineExceeded: return "TIMEOUT";
    case Status::Code::kNotFound: return "FILE_NOT_FOUND";
    default: return "INTERNAL_ERROR";
  }
}

// An engine's failure named for what it is: a transient remote failure (5xx, 429, refused
// connection) is the engine being unavailable, not an internal error of this server.
std::string EngineCodeFor(const Status& st) {
  if (st.code() == Status::Code::kUnavailable || st.code() == Status::Code::kRateLimited) return "ENGINE_UNAVAILABLE";
  return CodeFor(st);
}

// The work stopped because `cancel` fired (deadline, lost lease, shutdown): report that,
// not whatever the interrupted step made of it.
bool Interrupted(const CancelToken* cancel) { return cancel && cancel->cancelled(); }

}  // namespace

StatusOr<std::shared_ptr<const RunSnapshot>> MakeRunSnapshot(const store::RunRecord& run, size_t max_array_rows) {
  auto snap = std::make_shared<RunSnapshot>();
  snap->run_id = run.id;
  snap->workspace_id = run.workspace_id;
  snap->entity_kind = run.entity_kind;
  snap->kind = eval::KindOfEntity(run.entity_kind);
  auto config = ParseJson(run.config);
  if (!config.ok() || !config->is_object())
    return Status::InvalidArgument("the run's config snapshot is not a JSON object");
  snap->config = std::move(config->as_object());
  eval::Options options;
  if (auto parsed = ParseJson(run.options); parsed.ok() && parsed->is_object())
    options = eval::OptionsFromJson(parsed->as_object());
  options.max_array_rows = max_array_rows;
  snap->scorer.emplace(snap->kind, snap->config, options);
  return std::shared_ptr<const RunSnapshot>(snap);
}

ItemOutcome ItemExecutor::Execute(const RunSnapshot& run, const store::RunItemRecord& item, const CancelToken* cancel) {
  std::vector<std::string> file_ids;
  if (item.file_id) file_ids.push_back(*item.file_id);
  if (!item.file_ids.empty()) {
    auto v = ParseJson(item.file_ids);
    if (v.ok() && v->is_array())
      for (const auto& e : v->as_array())
        if (e.is_string()) file_ids.emplace_back(e.as_string());
  }
  ItemOutcome o = Produce(run.workspace_id, run.kind, run.config, file_ids, cancel);
  if (!o.status.ok()) return o;
  auto expected = ParseJson(item.expected_output);
  if (!expected.ok()) return Fail(Status::Internal("corrupt expected output snapshot"), "INTERNAL_ERROR");
  auto scored = run.scorer->Score(*expected, o.output);
  // Over a scoring limit (--max-array-rows): the item fails with the reason, not retried.
  if (!scored.ok()) return Fail(scored.status(), "POST_PROCESSING_FAILURE");
  o.result = std::move(*scored);
  if (!o.warnings.empty()) {
    json::array warnings;
    for (const std::string& w : o.warnings) warnings.emplace_back(w);
    o.result["warnings"] = std::move(warnings);
  }
  if (auto* c = o.result.if_contains("correct"); c && c->is_bool()) o.correct = c->as_bool();
  return o;
}

ItemOutcome ItemExecutor::Produce(const std::string& workspace_id, eval::Kind kind, const json::object& config,
                                  const std::vector<std::string>& file_ids, const CancelToken* cancel) {
  if (file_ids.empty()) return Fail(Status::Unprocessable("the item has no file"), "FAILED_TO_PROCESS_FILE");

  StoreParseCache cache(db_, memo_);
  parse::Document document;
  std::vector<std::string> warnings;
  processors::FileRef ref;
  for (const std::string& id : file_ids) {
    StatusOr<model::File> file = Status::NotFound("");
    const model::File* known = nullptr;
    if (prefetched_)
      for (const auto& f : *prefetched_)
        if (f.id == id && f.workspace_id == workspace_id) known = &f;
    file = known ? StatusOr<model::File>(*known) : files_.Get(workspace_id, id);
    if (!file.ok()) {
      if (file.status().code() == Status::Code::kNotFound)
        return Fail(Status::Unprocessable("file " + id + " was deleted after the item was created"), "FILE_NOT_FOUND");
      return Fail(file.status(), CodeFor(file.status()));
    }
    if (ref.id.empty()) {
      ref.id = file->id;
      ref.name = file->name;
      ref.type = file->type.value_or("");
      if (config_.presign) ref.url = config_.presign(file->id);
    }
    if (!file->type)
      return Fail(Status::Unprocessable("file " + id + " has an unknown type"), "FAILED_TO_PROCESS_FILE");
    // The bytes are read only when the parsed document is not cached.
    Status load_error;
    auto load_bytes = [&]() -> StatusOr<std::string> {
      auto bytes = blobs_.Get(file->content_sha256);
      if (!bytes.ok()) load_error = bytes.status();
      return bytes;
    };
    parse::ParseOptions opts;
    opts.password = file->password;
    opts.max_pages = config_.max_pages;
    opts.timeout_ms = static_cast<int>(config_.item_timeout_ms);
    opts.max_page_megapixels = config_.max_page_megapixels;
    opts.max_words = static_cast<size_t>(config_.max_document_words);
    if (cancel) {
      // The parse's own limit trails the item's deadline a little, so the item's deadline
      // is what a slow parse reports.
      if (Interrupted(cancel)) return Fail(cancel->reason(), CodeFor(cancel->reason()));
      opts.timeout_ms = static_cast<int>(std::clamp<int64_t>(cancel->remaining_ms() + 50, 1, opts.timeout_ms));
      opts.cancel = cancel;
    }
    auto doc = parse::ParseDocumentCached(load_bytes, file->content_sha256, *file->type, opts, workspace_id, &cache);
    if (!load_error.ok()) return Fail(load_error, "INTERNAL_ERROR");
    if (!doc.ok() && Interrupted(cancel)) return Fail(cancel->reason(), CodeFor(cancel->reason()));
    if (!doc.ok())
      return Fail(doc.status().WithContext("parsing " + file->name),
                  doc.status().retryable() ? "INTERNAL_ERROR" : "PARSING_ERROR");
    for (const std::string& w : doc->warnings) warnings.push_back(file_ids.size() > 1 ? file->name + ": " + w : w);
    // A multifile item is one document: pages continue their numbering across files.
    for (auto& page : doc->pages) {
      page.number = static_cast<int>(document.pages.size()) + 1;
      document.pages.push_back(std::move(page));
    }
  }

  processors::EngineContext ctx;
  ctx.egress = config_.egress;
  ctx.policy = config_.engine_policy;
  ctx.cancel = cancel;
  auto output = processors::RunProcessor(kind, config, document, ref, ctx);
  if (!output.ok() && Interrupted(cancel)) return Fail(cancel->reason(), CodeFor(cancel->reason()));
  if (!output.ok()) return Fail(output.status(), EngineCodeFor(output.status()));
  ItemOutcome o;
  o.output = std::move(*output);
  o.num_pages = static_cast<int>(document.pages.size());
  o.warnings = std::move(warnings);
  return o;
}

}  // namespace goldset::jobs
