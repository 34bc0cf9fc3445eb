// The `file` of a run input (contract §4.5: FileFromId | FileFromText | FileFromUrl).
#include <string>

#include "api/file_json.h"
#include "api/processor_runs.h"
#include "common/clock.h"
#include "common/ids.h"
#include "outbound/http_client.h"
#include "parse/file_type.h"

namespace goldset::api {

namespace {

StatusOr<std::string> OptionalName(const json::object& o, const std::string& fallback) {
  const json::value* n = o.if_contains("name");
  if (!n || n->is_null()) return fallback;
  if (!n->is_string()) return Status::InvalidArgument("file.name must be a string");
  if (n->as_string().empty()) return fallback;
  // The same rules as an upload's file name (F19).
  auto clean = CleanFileName(std::string(n->as_string()));
  if (!clean.ok()) return clean.status().WithContext("file.name");
  return *clean;
}

// The last path segment of a URL, without query or fragment: "https://h/a/inv.pdf?x" -> "inv.pdf".
std::string NameFromUrl(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  size_t scheme = path.find("://");
  if (scheme != std::string::npos) path = path.substr(scheme + 3);
  size_t slash = path.find('/');
  if (slash == std::string::npos) return "download";
  path = path.substr(slash);
  size_t last = path.find_last_of('/');
  std::string name = path.substr(last + 1);
  auto clean = CleanFileName(name);
  return clean.ok() && *clean != "blob" ? *clean : "download";
}

StatusOr<std::string> StoreDownloaded(RequestContext& ctx, const json::object& o, const CancelToken& cancel) {
  const json::value* u = o.if_contains("url");
  if (!u->is_string() || u->as_string().empty()) return Status::InvalidArgument("file.url must be a non-empty string");
  const std::string url(u->as_string());
  if (url.size() > 8192) return Status::InvalidArgument("file.url is longer than 8192 bytes");
  if (const json::value* s = o.if_contains("settings"); s && !s->is_null() && !s->is_object())
    return Status::InvalidArgument("file.settings must be an object");
  auto name = OptionalName(o, NameFromUrl(url));
  if (!name.ok()) return name.status();
  const int64_t limit = ctx.svc.config.max_outbound_response_bytes;
  const int timeout_ms = static_cast<int>(std::min<int64_t>(ctx.svc.config.file_url_timeout_ms, cancel.remaining_ms()));
  if (timeout_ms <= 0) return Status::Unprocessable("file.url: no time left to download it (--file-url-timeout-ms)");
  auto resp = outbound::Get(url, timeout_ms, ctx.svc.egress, limit, &cancel);
  // Every failure is the caller's URL (unreachable, refused, too large, too slow): a 4xx,
  // so the SDK does not resend the request (contract R3).
  if (!resp.ok()) {
    Status st = resp.status();
    if (st.code() == Status::Code::kInvalidArgument) return st.WithContext("file.url");
    return Status::Unprocessable("file.url could not be downloaded: " + st.message());
  }
  if (resp->status < 200 || resp->status > 299)
    return Status::Unprocessable("file.url could not be downloaded: GET " + url + " answered HTTP " +
                                 std::to_string(resp->status));
  if (resp->body.empty()) return Status::Unprocessable("file.url could not be downloaded: the body is empty");
  std::string mime = "application/octet-stream";
  for (const auto& [k, v] : resp->headers)
    if (k == "content-type") {
      std::string t = v.substr(0, v.find(';'));
      bool printable = !t.empty() && t.size() <= 255;
      for (unsigned char c : t) printable = printable && c > 0x20 && c < 0x7f;
      if (printable) mime = t;
    }
  model::File f;
  f.id = NewId("file_");
  f.workspace_id = ctx.caller.workspace_id;
  f.name = *name;
  f.mime_type = mime;
  f.type = parse::DetectFileType(resp->body, f.name, f.mime_type);
  f.size_bytes = static_cast<int64_t>(resp->body.size());
  if (f.type && *f.type == "PDF") f.page_count = parse::PdfPageCount(resp->body, "");
  f.created_by = ctx.caller.key_name;
  f.created_at = f.updated_at = NowMillis();
  GOLDSET_RETURN_IF_ERROR(StoreNewFile(ctx.svc, f, resp->body));
  return f.id;
}

}  // namespace

StatusOr<std::string> ResolveRunFile(RequestContext& ctx, const json::value* v, const CancelToken& cancel,
                                     bool* created) {
  *created = false;
  if (!v || v->is_null())
    return Status::InvalidArgument("file is required: {id} of an uploaded file, {url, name?} or {text, name?}");
  if (!v->is_object()) return Status::InvalidArgument("file must be an object");
  const auto& o = v->as_object();
  if (const json::value* id = o.if_contains("id"); id && !id->is_null()) {
    if (!id->is_string()) return Status::InvalidArgument("file.id must be a string");
    auto f = ctx.svc.files->Get(ctx.caller.workspace_id, std::string(id->as_string()));
    if (!f.ok()) return f.status().WithContext("file.id");
    return f->id;
  }
  if (const json::value* url = o.if_contains("url"); url && !url->is_null()) {
    auto id = StoreDownloaded(ctx, o, cancel);
    *created = id.ok();
    return id;
  }
  if (const json::value* text = o.if_contains("text"); text && !text->is_null()) {
    if (!text->is_string() || text->as_string().empty())
      return Status::InvalidArgument("file.text must be a non-empty string");
    auto name = OptionalName(o, "document.txt");
    if (!name.ok()) return name.status();
    std::string_view bytes(text->as_string().data(), text->as_string().size());
    model::File f;
    f.id = NewId("file_");
    f.workspace_id = ctx.caller.workspace_id;
    f.name = *name;
    f.type = "TXT";
    f.mime_type = "text/plain";
    f.size_bytes = static_cast<int64_t>(bytes.size());
    f.created_by = ctx.caller.key_name;
    f.created_at = f.updated_at = NowMillis();
    GOLDSET_RETURN_IF_ERROR(StoreNewFile(ctx.svc, f, bytes));
    *created = true;
    return f.id;
  }
  return Status::InvalidArgument("file needs id, url or text");
}

}  // namespace goldset::api
