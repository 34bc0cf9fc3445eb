#include "api/context.h"

#include <charconv>

#include "common/encoding.h"

namespace goldset::api {

StatusOr<json::object> RequestContext::JsonBody() const {
  if (req.body.empty()) return Status::InvalidArgument("Request body is required (a JSON object)");
  auto v = ParseJson(req.body);
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::InvalidArgument("Request body must be a JSON object");
  return std::move(v->as_object());
}

std::string EncodePageToken(const store::PageRequest& req, const store::Cursor& cursor) {
  std::string raw = std::string("v1|") + (req.sort_column == "created_at" ? "c" : "u") + (req.descending ? "d" : "a") +
                    "|" + std::to_string(cursor.sort_value) + "|" + cursor.id;
  return Base64UrlEncode(raw);
}

namespace {
StatusOr<store::Cursor> DecodePageToken(const std::string& token, const store::PageRequest& req) {
  auto raw = Base64Decode(token);
  const Status bad = Status::InvalidArgument("nextPageToken is not a valid page token");
  if (!raw) return bad;
  // v1|<sort><dir>|<value>|<id>
  if (raw->rfind("v1|", 0) != 0 || raw->size() < 8) return bad;
  size_t p1 = raw->find('|', 3);
  if (p1 == std::string::npos) return bad;
  std::string order = raw->substr(3, p1 - 3);
  size_t p2 = raw->find('|', p1 + 1);
  if (p2 == std::string::npos) return bad;
  std::string expect = std::string(req.sort_column == "created_at" ? "c" : "u") + (req.descending ? "d" : "a");
  if (order != expect)
    return Status::InvalidArgument(
        "nextPageToken was issued for another sortBy/sortDir; keep them unchanged while paging");
  store::Cursor c;
  std::string num = raw->substr(p1 + 1, p2 - p1 - 1);
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), c.sort_value);
  if (ec != std::errc() || ptr != num.data() + num.size()) return bad;
  c.id = raw->substr(p2 + 1);
  if (c.id.empty() || c.id.size() > 255) return bad;
  return c;
}
}  // namespace

StatusOr<store::PageRequest> RequestContext::ListParams(bool allow_sort_by) const {
  store::PageRequest page;
  page.sort_column = "updated_at";
  if (auto v = req.QueryValue("sortBy")) {
    if (!allow_sort_by) return Status::InvalidArgument("sortBy is not supported on this list");
    if (*v == "createdAt") page.sort_column = "created_at";
    else if (*v == "updatedAt") page.sort_column = "updated_at";
    else return Status::InvalidArgument("sortBy must be \"createdAt\" or \"updatedAt\"");
  } else if (!allow_sort_by) {
    page.sort_column = "created_at";
  }
  if (auto v = req.QueryValue("sortDir")) {
    if (*v == "asc") page.descending = false;
    else if (*v == "desc") page.descending = true;
    else return Status::InvalidArgument("sortDir must be \"asc\" or \"desc\"");
  }
  if (auto v = req.QueryValue("maxPageSize")) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || ptr != v->data() + v->size() || n < 1 || n > 1000)
      return Status::InvalidArgument("maxPageSize must be an integer from 1 to 1000");
    page.limit = n;
  }
  if (auto v = req.QueryValue("nextPageToken"); v && !v->empty()) {
    auto c = DecodePageToken(*v, page);
    if (!c.ok()) return c.status();
    page.after = *c;
  }
  return page;
}

Response JsonResponse(const json::value& v, int status) {
  Response r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

Response ListResponse(json::array data, const store::PageRequest& req, const std::optional<store::Cursor>& next) {
  json::object o;
  o["object"] = "list";
  o["data"] = std::move(data);
  if (next) o["nextPageToken"] = EncodePageToken(req, *next);
  else o["nextPageToken"] = nullptr;
  return JsonResponse(o);
}

}  // namespace goldset::api
