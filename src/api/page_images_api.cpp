// GET /files/{id}/pages/{n}.png (extension): a page of a document as an image, for the
// dashboard's item view. PDFs are rendered by poppler and cached per workspace, content
// hash and password; PNG and JPEG files are their own single page.
#include <charconv>

#include "api/app.h"
#include "api/errors.h"
#include "parse/parse.h"
#include "store/parse_cache_store.h"

namespace goldset::api {

namespace {

constexpr int kPageDpi = 110;  // screen resolution: a letter page is ~940 px wide

StatusOr<Response> PageImage(RequestContext& ctx) {
  const std::string& name = ctx.Param("page");
  int page = 0;
  if (name.size() < 5 || name.substr(name.size() - 4) != ".png")
    return Status::NotFound("Page images are named {n}.png");
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size() - 4, page);
  if (ec != std::errc() || ptr != name.data() + name.size() - 4 || page < 1)
    return Status::InvalidArgument("page must be a positive integer");
  GOLDSET_ASSIGN_OR_RETURN(auto file, ctx.svc.files->Get(ctx.caller.workspace_id, ctx.Param("id")));
  Response r;
  r.headers.emplace_back("Cache-Control", "private, max-age=3600");
  if (file.type == "IMG" && (file.mime_type == "image/png" || file.mime_type == "image/jpeg")) {
    if (page != 1) return Status::NotFound("An image file has one page");
    GOLDSET_ASSIGN_OR_RETURN(auto bytes, ctx.svc.blobs->Get(file.content_sha256));
    r.content_type = file.mime_type;
    r.body = std::move(bytes);
    return r;
  }
  if (file.type != "PDF") return Status::NotFound("No page images for files of type " + file.type.value_or("unknown"));
  if (file.page_count && page > *file.page_count)
    return Status::NotFound("File has " + std::to_string(*file.page_count) + " pages");
  // Scoped like the parse cache (parse::PageImageCacheKey): per workspace and password.
  const std::string key =
      parse::PageImageCacheKey(ctx.caller.workspace_id, file.content_sha256, file.password, page, kPageDpi);
  if (std::optional<std::string> cached = store::GetParseCacheEntry(*ctx.svc.db, key)) {
    r.content_type = "image/png";
    r.body = std::move(*cached);
    return r;
  }
  GOLDSET_ASSIGN_OR_RETURN(auto bytes, ctx.svc.blobs->Get(file.content_sha256));
  auto png = parse::RenderPdfPagePng(bytes, file.password, page, kPageDpi, ctx.svc.config.max_page_megapixels);
  if (!png.ok()) {
    Status st = png.status();
    // Over the pixel budget (--max-page-megapixels): 422, the page exists but is not rendered.
    if (st.code() == Status::Code::kTooLarge)
      st = Status::Unprocessable("Page " + std::to_string(page) + " is not rendered: " + st.message());
    else if (st.code() == Status::Code::kUnprocessable)
      st = Status::NotFound("Page " + std::to_string(page) + " cannot be rendered: " + st.message());
    return st;
  }
  store::PutParseCacheEntry(*ctx.svc.db, key, *png);
  r.content_type = "image/png";
  r.body = std::move(*png);
  return r;
}

}  // namespace

void RegisterPageImageRoutes(Router& r) {
  r.Add({"GET", "/files/{id}/pages/{page}", PageImage, true, RateCategory::kGet});
}

}  // namespace goldset::api
