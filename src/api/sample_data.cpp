#include "api/sample_data.h"

#include "api/app.h"
#include "common/ids.h"
#include "store/set_removal.h"
#include "web/assets.h"

namespace goldset::api {

namespace {

constexpr const char* kPrefix = "Sample: ";
constexpr const char* kSetDescription = "Sample data loaded by goldset demo; remove it with goldset demo --remove";
constexpr int kInvoices = 6;  // web/demo/invoice_00N.pdf
constexpr int kScans = 2;     // of those, also as scanned page images
constexpr const char* kClassDocs[] = {"class_invoice_000", "class_receipt_001", "class_bank_statement_002",
                                      "class_invoice_003", "class_receipt_004", "class_bank_statement_005"};

// The API's handlers, called in-process on behalf of one caller.
class LocalClient {
 public:
  LocalClient(Services& svc, const Caller& caller) : app_(svc), caller_(caller) {}

  StatusOr<json::value> Json(const std::string& method, const std::string& target, const json::value* body = nullptr) {
    Request req = NewRequest(method, target);
    if (body) {
      req.body = json::serialize(*body);
      req.headers["content-type"] = "application/json";
    }
    return Send(req);
  }

  StatusOr<json::value> Upload(const std::string& name, const std::string& mime, std::string_view bytes) {
    const std::string boundary = "goldsetSample" + NewId("");
    Request req = NewRequest("POST", "/files/upload");
    req.headers["content-type"] = "multipart/form-data; boundary=" + boundary;
    req.body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
               "\"\r\nContent-Type: " + mime + "\r\n\r\n";
    req.body.append(bytes);
    req.body += "\r\n--" + boundary + "--\r\n";
    return Send(req);
  }

  StatusOr<std::string> Bytes(const std::string& target) {
    Response r = app_.HandleAs(NewRequest("GET", target), caller_, NewRequestId());
    if (r.status != 200)
      return Status::Internal("GET " + target + " answered " + std::to_string(r.status) + ": " + r.body);
    return r.body;
  }

 private:
  Request NewRequest(const std::string& method, const std::string& target) {
    Request req;
    req.method = method;
    req.target = target;
    (void)ParseTarget(target, &req);
    req.remote_address = "127.0.0.1";
    return req;
  }

  StatusOr<json::value> Send(const Request& req) {
    Response r = app_.HandleAs(req, caller_, NewRequestId());
    auto v = ParseJson(r.body);
    if (r.status != 200) {
      std::string message = r.body;
      if (v.ok() && v->is_object())
        if (auto m = GetString(v->as_object(), "message")) message = *m;
      Status::Code code = r.status == 404   ? Status::Code::kNotFound
                          : r.status == 400 ? Status::Code::kInvalidArgument
                                            : Status::Code::kInternal;
      return Status(code, req.method + " " + req.path + ": " + message);
    }
    if (!v.ok()) return Status::Internal(req.method + " " + req.path + " answered non-JSON");
    return v;
  }

  App app_;
  Caller caller_;
};

StatusOr<std::string_view> Asset(const std::string& name) {
  const web::Asset* a = web::FindAsset("/demo/" + name);
  if (!a) return Status::Internal("the binary has no sample file /demo/" + name);
  return a->body;
}

StatusOr<json::value> AssetJson(const std::string& name) {
  auto bytes = Asset(name);
  if (!bytes.ok()) return bytes.status();
  return ParseJson(std::string(*bytes));
}

std::string IdOf(const json::value& v) { return GetString(v.as_object(), "id").value_or(""); }

// The sample objects of a list route: those named with kPrefix (sets: by description).
StatusOr<std::vector<std::string>> SampleIds(LocalClient& client, const std::string& collection, bool by_description) {
  std::vector<std::string> ids;
  std::string token;
  do {
    auto page = client.Json("GET", collection + "?maxPageSize=1000" + (token.empty() ? "" : "&nextPageToken=" + token));
    if (!page.ok()) return page.status();
    for (const auto& row : page->as_object().at("data").as_array()) {
      const json::object& o = row.as_object();
      if (by_description ? GetString(o, "description") == std::string(kSetDescription)
                         : GetString(o, "name").value_or("").rfind(kPrefix, 0) == 0)
        ids.push_back(IdOf(row));
    }
    const json::value* next = page->as_object().if_contains("nextPageToken");
    token = next && next->is_string() ? std::string(next->as_string()) : "";
  } while (!token.empty());
  return ids;
}

// x-rules removed everywhere: the rules engine falls back on its label heuristics.
json::value WithoutHints(const json::value& v) {
  if (v.is_array()) {
    json::array out;
    for (const auto& x : v.as_array()) out.push_back(WithoutHints(x));
    return out;
  }
  if (!v.is_object()) return v;
  json::object out;
  for (const auto& [k, x] : v.as_object())
    if (k != "x-rules") out[k] = WithoutHints(x);
  return out;
}

StatusOr<json::value> MakeRun(LocalClient& client, const std::string& set_id, const std::string& entity_id,
                              const std::string& version) {
  json::value body =
      json::object{{"evaluationSetId", set_id}, {"entity", json::object{{"id", entity_id}, {"version", version}}}};
  return client.Json("POST", "/evaluation_set_runs", &body);
}

}  // namespace

StatusOr<SampleData> LoadSampleData(Services& svc, const Caller& caller) {
  LocalClient client(svc, caller);
  SampleData out;
  auto existing = SampleIds(client, "/evaluation_sets", /*by_description=*/true);
  if (!existing.ok()) return existing.status();
  if (!existing->empty()) {
    out.set_ids = *existing;
    return out;
  }
  out.created = true;
  auto full = AssetJson("extractor.json");
  auto classes = AssetJson("classifier.json");
  if (!full.ok()) return full.status();
  if (!classes.ok()) return classes.status();

  json::value ex_body = json::object{{"name", std::string(kPrefix) + "Invoice extractor"}, {"config", *full}};
  auto extractor = client.Json("POST", "/extractors", &ex_body);
  if (!extractor.ok()) return extractor.status();
  const std::string ex_id = IdOf(*extractor);
  json::value weak = json::object{
      {"releaseType", "major"}, {"description", "Sample: no x-rules hints (weaker)"}, {"config", WithoutHints(*full)}};
  json::value strong =
      json::object{{"releaseType", "major"}, {"description", "Sample: with x-rules hints"}, {"config", *full}};
  for (const json::value* v : {&weak, &strong})
    if (auto published = client.Json("POST", "/extractors/" + ex_id + "/versions", v); !published.ok())
      return published.status();

  json::value cl_body = json::object{{"name", std::string(kPrefix) + "Document type classifier"}, {"config", *classes}};
  auto classifier = client.Json("POST", "/classifiers", &cl_body);
  if (!classifier.ok()) return classifier.status();
  const std::string cl_id = IdOf(*classifier);
  json::value publish = json::object{{"releaseType", "major"}, {"description", "Sample classifier"}};
  if (auto p = client.Json("POST", "/classifiers/" + cl_id + "/versions", &publish); !p.ok()) return p.status();

  // Invoices: text PDFs, and the first kScans again as scanned images (the PDF's page
  // rendered to PNG), which the rules engine reads through OCR.
  json::array invoice_items;
  for (int i = 0; i < kInvoices; ++i) {
    const std::string stem = "invoice_00" + std::to_string(i);
    auto pdf = Asset(stem + ".pdf");
    auto expected = AssetJson(stem + ".expected.json");
    if (!pdf.ok()) return pdf.status();
    if (!expected.ok()) return expected.status();
    auto file = client.Upload("sample-" + stem + ".pdf", "application/pdf", *pdf);
    if (!file.ok()) return file.status();
    invoice_items.push_back(json::object{{"fileId", IdOf(*file)}, {"expectedOutput", *expected}});
    if (i < kScans) {
      auto png = client.Bytes("/files/" + IdOf(*file) + "/pages/1.png");
      if (!png.ok()) return png.status();
      auto scan = client.Upload("sample-" + stem + "-scan.png", "image/png", *png);
      if (!scan.ok()) return scan.status();
      invoice_items.push_back(json::object{{"fileId", IdOf(*scan)}, {"expectedOutput", *expected}});
    }
  }
  json::array class_items;
  for (const char* stem : kClassDocs) {
    auto pdf = Asset(std::string(stem) + ".pdf");
    auto expected = AssetJson(std::string(stem) + ".expected.json");
    if (!pdf.ok()) return pdf.status();
    if (!expected.ok()) return expected.status();
    auto file = client.Upload("sample-" + std::string(stem).substr(6) + ".pdf", "application/pdf", *pdf);
    if (!file.ok()) return file.status();
    class_items.push_back(json::object{{"fileId", IdOf(*file)}, {"expectedOutput", *expected}});
  }

  struct SetSpec {
    const char* name;
    std::string entity;
    json::array* items;
  };
  for (const SetSpec& spec :
       {SetSpec{"Invoices", ex_id, &invoice_items}, SetSpec{"Document types", cl_id, &class_items}}) {
    json::value body = json::object{
        {"name", std::string(kPrefix) + spec.name}, {"description", kSetDescription}, {"entityId", spec.entity}};
    auto set = client.Json("POST", "/evaluation_sets", &body);
    if (!set.ok()) return set.status();
    out.set_ids.push_back(IdOf(*set));
    json::value items = json::object{{"items", *spec.items}};
    if (auto created = client.Json("POST", "/evaluation_sets/" + IdOf(*set) + "/items", &items); !created.ok())
      return created.status();
  }
  for (auto [set, entity, version] :
       {std::tuple{0, ex_id, "1.0"}, std::tuple{0, ex_id, "2.0"}, std::tuple{1, cl_id, "1.0"}}) {
    auto run = MakeRun(client, out.set_ids[set], entity, version);
    if (!run.ok()) return run.status();
    out.run_ids.push_back(IdOf(*run));
  }
  return out;
}

StatusOr<int> RemoveSampleData(Services& svc, const Caller& caller) {
  LocalClient client(svc, caller);
  auto sets = SampleIds(client, "/evaluation_sets", /*by_description=*/true);
  if (!sets.ok()) return sets.status();
  GOLDSET_RETURN_IF_ERROR(store::DeleteSetsWithRuns(*svc.db, caller.workspace_id, *sets));
  int removed = static_cast<int>(sets->size());
  for (const char* kind : {"/extractors", "/classifiers"}) {
    auto ids = SampleIds(client, kind, false);
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      auto gone = client.Json("DELETE", std::string(kind) + "/" + id);
      if (!gone.ok()) return gone.status();
      ++removed;
    }
  }
  // Files: named sample-… and no longer used by any item (the user's own items keep theirs).
  std::string token;
  std::vector<std::string> files;
  do {
    auto page = client.Json(
        "GET", "/files?maxPageSize=1000&nameContains=sample-" + (token.empty() ? "" : "&nextPageToken=" + token));
    if (!page.ok()) return page.status();
    for (const auto& row : page->as_object().at("data").as_array())
      if (GetString(row.as_object(), "name").value_or("").rfind("sample-", 0) == 0) files.push_back(IdOf(row));
    const json::value* next = page->as_object().if_contains("nextPageToken");
    token = next && next->is_string() ? std::string(next->as_string()) : "";
  } while (!token.empty());
  for (const std::string& id : files)
    if (client.Json("DELETE", "/files/" + id).ok()) ++removed;
  return removed;
}

namespace {

StatusOr<Response> PostSampleData(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto data, LoadSampleData(ctx.svc, ctx.caller));
  json::array sets(data.set_ids.begin(), data.set_ids.end()), runs(data.run_ids.begin(), data.run_ids.end());
  return JsonResponse(json::object{{"object", "sample_data"},
                                   {"created", data.created},
                                   {"evaluationSetIds", std::move(sets)},
                                   {"runIds", std::move(runs)}});
}

StatusOr<Response> DeleteSampleData(RequestContext& ctx) {
  GOLDSET_ASSIGN_OR_RETURN(auto removed, RemoveSampleData(ctx.svc, ctx.caller));
  return JsonResponse(json::object{{"object", "sample_data"}, {"removed", removed}});
}

}  // namespace

void RegisterSampleDataRoutes(Router& r) {
  r.Add({"POST", "/sample_data", PostSampleData, true, RateCategory::kRun, BodyKind::kJson});
  r.Add({"DELETE", "/sample_data", DeleteSampleData, true, RateCategory::kWrite});
}

}  // namespace goldset::api
