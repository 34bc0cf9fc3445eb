// GET /files/{id}/pages/{n}.png (extension): a page of a document as an image, for the
// dashboard's item view. PDFs are rendered by poppler and cached per workspace, content
// hash and password; PNG and JPEG files are their own single page.
#include <charconv>

#include "api/app.h"
#include "api/errors.h"
#include "parse/parse.h"

namespace goldset::api {

namespace {

constexpr int kPageDpi = 110;  // screen resolution: a letter page is ~940 px wide

Response PageImage(RequestContext& ctx) {
  const std::string& name = ctx.Param("page");
  int page = 0;
  if (name.size() < 5 || name.substr(name.size() - 4) != ".png")
    return ErrorResponse(Status::NotFound("Page images are named {n}.png"), ctx.request_id);
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size() - 4, page);
  if (ec != std::errc() || ptr != name.data() + name.size() - 4 || page < 1)
    return ErrorResponse(Status::InvalidArgument("page must be a positive integer"), ctx.request_id);
  auto file = ctx.svc.files->Get(ctx.caller.workspace_id, ctx.Param("id"));
  if (!file.ok()) return ErrorResponse(file.status(), ctx.request_id);
  Response r;
  r.headers.emplace_back("Cache-Control", "private, max-age=3600");
  if (file->type == "IMG" && (file->mime_type == "image/png" || file->mime_type == "image/jpeg")) {
    if (page != 1) return ErrorResponse(Status::NotFound("An image file has one page"), ctx.request_id);
    auto bytes = ctx.svc.blobs->Get(file->content_sha256);
    if (!bytes.ok()) return ErrorResponse(bytes.status(), ctx.request_id);
    r.content_type = file->mime_type;
    r.body = std::move(*bytes);
    return r;
  }
  if (file->type != "PDF") return ErrorResponse(Status::NotFound("No page images for files of type " + file->type.value_or("unknown")), ctx.request_id);
  if (file->page_count && page > *file->page_count)
    return ErrorResponse(Status::NotFound("File has " + std::to_string(*file->page_count) + " pages"), ctx.request_id);
  // Scoped like the parse cache (parse::PageImageCacheKey): per workspace and password.
  const std::string key =
      parse::PageImageCacheKey(ctx.caller.workspace_id, file->content_sha256, file->password, page, kPageDpi);
  auto conn = ctx.svc.db->Acquire();
  auto cached = conn->Query("SELECT document FROM parse_cache WHERE cache_key = ?", {key});
  if (cached.ok() && !cached->empty()) {
    r.content_type = "image/png";
    r.body = cached->front().Text(0);
    return r;
  }
  auto bytes = ctx.svc.blobs->Get(file->content_sha256);
  if (!bytes.ok()) return ErrorResponse(bytes.status(), ctx.request_id);
  auto png = parse::RenderPdfPagePng(*bytes, file->password, page, kPageDpi, ctx.svc.config.max_page_megapixels);
  if (!png.ok()) {
    Status st = png.status();
    // Over the pixel budget (--max-page-megapixels): 422, the page exists but is not rendered.
    if (st.code() == Status::Code::kTooLarge) st = Status::Unprocessable("Page " + std::to_string(page) + " is not rendered: " + st.message());
    else if (st.code() == Status::Code::kUnprocessable) st = Status::NotFound("Page " + std::to_string(page) + " cannot be rendered: " + st.message());
    return ErrorResponse(st, ctx.request_id);
  }
  (void)ctx.svc.db->InTransaction(true, [&](store::Connection& c) {
    return c.Exec("INSERT INTO parse_cache (cache_key, document, created_at) VALUES (?, ?, ?) ON CONFLICT (cache_key) DO NOTHING",
                  {key, store::Blob{*png}, int64_t{0}});
  });
  r.content_type = "image/png";
  r.body = std::move(*png);
  return r;
}

}  // namespace

void RegisterPageImageRoutes(Router& r) {
  r.Add({"GET", "/files/{id}/pages/{page}", PageImage, true, RateCategory::kGet});
}

}  // namespace goldset::api
