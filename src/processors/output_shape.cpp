#include "processors/output_shape.h"

namespace goldset::processors {

namespace {

Status Bad(const std::string& why) { return Status::Unprocessable(why); }

}  // namespace

const char* OutputTypeName(Kind kind) { return model::KindInfo(kind).output_type; }

StatusOr<json::value> NormalizeOutput(Kind kind, const json::value& v, const std::string& file_id) {
  if (!v.is_object()) return Bad("not a JSON object");
  json::object o = v.as_object();
  switch (kind) {
    case Kind::kExtractor: {
      const json::value* value = Find(o, "value");
      if (!value) return Bad("missing 'value'");
      if (!value->is_object()) return Bad("'value' is not an object");
      const json::value* meta = Find(o, "metadata");
      if (!meta || meta->is_null()) o["metadata"] = json::object{};
      else if (!meta->is_object()) return Bad("'metadata' is not an object");
      return json::value(std::move(o));
    }
    case Kind::kClassifier: {
      for (const char* key : {"id", "type"}) {
        const json::value* f = Find(o, key);
        if (!f) return Bad(std::string("missing '") + key + "'");
        if (!f->is_string()) return Bad(std::string("'") + key + "' is not a string");
      }
      const json::value* c = Find(o, "confidence");
      if (!c || c->is_null()) o["confidence"] = 1.0;
      else if (!c->is_number()) return Bad("'confidence' is not a number");
      if (!Find(o, "insights")) o["insights"] = json::array{};
      return json::value(std::move(o));
    }
    case Kind::kSplitter: {
      const json::value* s = Find(o, "splits");
      if (!s) return Bad("missing 'splits'");
      if (!s->is_array()) return Bad("'splits' is not an array");
      json::array splits;
      int i = 0;
      for (const auto& e : s->as_array()) {
        std::string at = "splits[" + std::to_string(i) + "]";
        if (!e.is_object()) return Bad(at + " is not an object");
        json::object so = e.as_object();
        for (const char* key : {"type", "classificationId"}) {
          const json::value* f = Find(so, key);
          if (!f) return Bad(at + " missing '" + key + "'");
          if (!f->is_string()) return Bad(at + "." + key + " is not a string");
        }
        for (const char* key : {"startPage", "endPage"}) {
          const json::value* f = Find(so, key);
          if (!f) return Bad(at + " missing '" + key + "'");
          if (!f->is_int64() && !f->is_uint64()) return Bad(at + "." + key + " is not an integer");
        }
        if (!Find(so, "id")) so["id"] = "split_" + std::to_string(i + 1);
        if (!Find(so, "fileId")) so["fileId"] = file_id;
        if (!Find(so, "identifier")) so["identifier"] = "";
        if (!Find(so, "observation")) so["observation"] = "";
        splits.push_back(std::move(so));
        ++i;
      }
      o["splits"] = std::move(splits);
      return json::value(std::move(o));
    }
  }
  return Bad("unknown kind");
}

}  // namespace goldset::processors
