// Files resource: POST /files/upload, GET /files/{id}, GET /files, DELETE /files/{id},
// and the presigned download GET /files/{id}/content?expires=&signature=.
#include <string>

#include "api/app.h"
#include "api/errors.h"
#include "api/file_json.h"
#include "api/multipart.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "parse/file_type.h"

namespace goldset::api {

namespace {

constexpr int64_t kPresignTtlSeconds = 15 * 60;

}  // namespace

// The stored name is the client's file name without any directory part; control
// characters are refused rather than stored.
StatusOr<std::string> CleanFileName(const std::string& raw) {
  std::string name = raw;
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  if (!IsValidUtf8(name)) return Status::InvalidArgument("File name is not valid UTF-8");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("File name contains control characters");
  if (name == "." || name == "..") name.clear();
  if (name.size() > 255) return Status::InvalidArgument("File name is longer than 255 bytes");
  if (name.empty()) name = "blob";
  return name;
}

namespace {

// The part's declared Content-Type is stored and later sent back as a header, so only
// printable ASCII of a sane length is kept (a raw multipart header can hold any byte);
// anything else is stored as application/octet-stream.
std::string StorableMimeType(std::string_view declared) {
  bool printable = !declared.empty() && declared.size() <= 255;
  for (unsigned char c : declared) printable = printable && c >= 0x20 && c < 0x7f;
  return printable ? std::string(declared) : "application/octet-stream";
}

StatusOr<Response> StoreUpload(RequestContext& ctx) {
  const std::string* ct = ctx.req.Header("content-type");
  if (!ct) return Status::InvalidArgument("Content-Type must be multipart/form-data");
  GOLDSET_ASSIGN_OR_RETURN(auto boundary, MultipartBoundary(*ct));
  GOLDSET_ASSIGN_OR_RETURN(auto parts,
                           ParseMultipart(ctx.req.body, boundary, MultipartLimits{ctx.svc.config.max_multipart_parts}));
  const MultipartPart* file = nullptr;
  std::string_view password;
  for (const auto& p : parts) {
    if (p.name == "file" && !file) file = &p;
    else if (p.name == "password") password = p.data;
  }
  if (!file) return Status::InvalidArgument("multipart body has no 'file' part");
  if (file->data.empty()) return Status::InvalidArgument("The uploaded file is empty");
  if (auto v = ctx.req.QueryValue("convertToPdf"); v && *v != "true" && *v != "false")
    return Status::InvalidArgument("convertToPdf must be true or false");
  GOLDSET_ASSIGN_OR_RETURN(auto name, CleanFileName(file->has_filename ? file->filename : ""));
  if (password.size() > 1024 || !IsValidUtf8(password))
    return Status::InvalidArgument("password must be UTF-8 text of at most 1024 bytes");

  model::File f;
  f.id = NewId("file_");
  f.workspace_id = ctx.caller.workspace_id;
  f.name = name;
  f.mime_type = StorableMimeType(file->content_type);
  f.type = parse::DetectFileType(file->data, f.name, f.mime_type);
  f.size_bytes = static_cast<int64_t>(file->data.size());
  f.password = std::string(password);
  if (f.type && *f.type == "PDF") f.page_count = parse::PdfPageCount(file->data, f.password);
  f.created_by = ctx.caller.key_name;
  f.created_at = f.updated_at = NowMillis();
  GOLDSET_RETURN_IF_ERROR(StoreNewFile(ctx.svc, f, file->data));
  return JsonResponse(FileJson(f, ctx.svc, /*with_url=*/false));
}

// Failures after the body is read are 4xx on purpose: the SDK cannot resend an upload, so
// 5xx/429 would only produce a confusing client-side error (contract R4).
StatusOr<Response> Upload(RequestContext& ctx) {
  StatusOr<Response> r = StoreUpload(ctx);
  if (r.ok()) return r;
  const Status& st = r.status();
  // A full disk: 413 rather than 507 (R4), with a code that says what it is — a code outside
  // the Status vocabulary, so this is the one handler that builds its error body itself.
  if (st.code() == Status::Code::kNoSpace)
    return ErrorResponse(413, "INSUFFICIENT_STORAGE",
                         "Upload could not be stored: " + ClientMessage(st, ctx.request_id), true, ctx.request_id);
  if (st.code() == Status::Code::kInvalidArgument || st.code() == Status::Code::kTooLarge) return st;
  // Infrastructure details (paths, hosts) stay in the log.
  return Status::InvalidArgument("Upload could not be stored: " + ClientMessage(st, ctx.request_id));
}

StatusOr<Response> GetFile(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto f, ctx.svc.files->Get(ctx.caller.workspace_id, ctx.Param("id")));
  return JsonResponse(FileJson(f, ctx.svc, /*with_url=*/true));
}

StatusOr<Response> ListFiles(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto page, ctx.ListParams());
  std::string contains = ctx.req.QueryValue("nameContains").value_or("");
  GOLDSET_ASSIGN_OR_RETURN(auto result, ctx.svc.files->List(ctx.caller.workspace_id, contains, page));
  json::array data;
  for (const auto& f : result.items) data.push_back(FileSummaryJson(f));
  return ListResponse(std::move(data), page, result.next);
}

StatusOr<Response> DeleteFile(RequestContext& ctx) {
  // Ground truth is never dropped as a side effect: items that use the file must go first.
  // The count runs in the deleting transaction with the file locked (F10: item creation
  // re-checks its files under the same lock), so it cannot go stale before the delete.
  const std::string& id = ctx.Param("id");
  auto unused = [&](store::Connection& c) -> Status {
    GOLDSET_ASSIGN_OR_RETURN(auto users, store::EvaluationStore::CountItemsUsingFile(c, ctx.caller.workspace_id, id));
    if (users == 0) return Status::OK();
    return Status::InvalidArgument("File " + id + " is used by " + std::to_string(users) +
                                   " evaluation set item(s); delete those items first");
  };
  Status st = ctx.svc.files->Delete(ctx.caller.workspace_id, id, unused,
                                    [&](const std::string& sha) { return ctx.svc.blobs->Delete(sha); });
  if (!st.ok()) return st;
  return JsonResponse(json::object{{"id", ctx.Param("id")}});
}

StatusOr<Response> DownloadFile(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  auto expires = ctx.req.QueryValue("expires");
  auto signature = ctx.req.QueryValue("signature");
  if (!expires || !signature) return Status::Unauthorized("A signed URL needs expires and signature");
  int64_t exp = std::strtoll(expires->c_str(), nullptr, 10);
  std::string expected = SignFileUrl(ctx.svc, id, exp);
  std::string given = "expires=" + *expires + "&signature=" + *signature;
  if (!ConstantTimeEquals(expected, given)) return Status::Unauthorized("Invalid URL signature");
  if (exp < NowMillis() / 1000) return Status::Unauthorized("This URL has expired");
  GOLDSET_ASSIGN_OR_RETURN(auto rows,
                           ctx.svc.db->Acquire()->Query("SELECT workspace_id FROM files WHERE id = ?", {id}));
  if (rows.empty()) return Status::NotFound("File " + id + " not found");
  GOLDSET_ASSIGN_OR_RETURN(auto f, ctx.svc.files->Get(rows.front().Text(0), id));
  GOLDSET_ASSIGN_OR_RETURN(auto bytes, ctx.svc.blobs->Get(f.content_sha256));
  Response r;
  r.content_type = f.mime_type;
  r.body = std::move(bytes);
  r.headers.emplace_back("Content-Disposition", "attachment; filename*=UTF-8''" + PercentEncode(f.name));
  // The type is the uploader's claim and the URL is on the dashboard's origin: a browser
  // must neither sniff it into something runnable nor run it there if it is opened (F20).
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
  return r;
}

}  // namespace

Status StoreNewFile(const Services& svc, model::File& f, std::string_view bytes) {
  GOLDSET_ASSIGN_OR_RETURN(auto sha, svc.blobs->Put(bytes));
  f.content_sha256 = sha;
  // The bytes are written before the lock is taken; under it they are only checked (and
  // written again in the rare case a delete removed them in between).
  Status st = svc.files->Insert(f, [&]() -> Status {
    GOLDSET_ASSIGN_OR_RETURN(auto present, svc.blobs->Exists(f.content_sha256));
    if (present) return Status::OK();
    return svc.blobs->Put(bytes).status();
  });
  // A failed upload leaves nothing behind: not its bytes either, unless another file has them.
  if (!st.ok())
    (void)svc.files->DropContentIfUnused(f.content_sha256,
                                         [&](const std::string& sha) { return svc.blobs->Delete(sha); });
  return st;
}

std::string SignFileUrl(const Services& svc, const std::string& file_id, int64_t expires_unix) {
  std::string exp = std::to_string(expires_unix);
  return "expires=" + exp + "&signature=" + svc.url_signer->SignHex(file_id + "\n" + exp);
}

std::string PresignedFileUrl(const Services& svc, const std::string& file_id) {
  int64_t exp = NowMillis() / 1000 + kPresignTtlSeconds;
  return svc.public_url + "/files/" + PercentEncode(file_id) + "/content?" + SignFileUrl(svc, file_id, exp);
}

json::object FileSummaryJson(const model::File& f) {
  json::object o;
  o.reserve(12);  // FileJson adds two more; growing would re-hash twice
  o["object"] = "file";
  o["id"] = f.id;
  o["name"] = f.name;
  if (f.type) o["type"] = *f.type;
  else o["type"] = nullptr;
  o["parentFileId"] = nullptr;
  json::object meta;
  if (f.page_count) meta["pageCount"] = *f.page_count;
  o["metadata"] = std::move(meta);
  o["createdAt"] = FormatRfc3339(f.created_at);
  o["updatedAt"] = FormatRfc3339(f.updated_at);
  return o;
}

json::object FileJson(const model::File& f, const Services& svc, bool with_url) {
  json::object o = FileSummaryJson(f);
  // The SDK types presignedUrl `string | null`: the key is always there.
  if (with_url) o["presignedUrl"] = PresignedFileUrl(svc, f.id);
  else o["presignedUrl"] = nullptr;
  o["contents"] = nullptr;
  return o;
}

void RegisterFileRoutes(Router& r) {
  r.Add({"POST", "/files/upload", Upload, true, RateCategory::kWrite, BodyKind::kUpload});
  r.Add({"GET", "/files", ListFiles, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"GET", "/files/{id}", GetFile, true, RateCategory::kGet, BodyKind::kNone, Dispatch::kInline});
  r.Add({"DELETE", "/files/{id}", DeleteFile, true, RateCategory::kWrite});
  r.Add({"GET", "/files/{id}/content", DownloadFile, false, RateCategory::kNone});
}

}  // namespace goldset::api
