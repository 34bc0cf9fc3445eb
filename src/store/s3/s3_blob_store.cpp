#include "store/s3/s3_blob_store.h"

#include <openssl/evp.h>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "store/s3/s3_client.h"

namespace goldset::store {

namespace {

// Content-MD5: the server recomputes it and refuses a body that differs (BadDigest).
std::string ContentMd5(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_md5(), nullptr);
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

// SigV4's URI encoding: everything but A-Za-z0-9-_.~ as %XX.
std::string UriEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string XmlText(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string XmlElement(const std::string& body, const std::string& name) {
  const size_t open = body.find("<" + name + ">");
  if (open == std::string::npos) return "";
  const size_t start = open + name.size() + 2;
  const size_t close = body.find("</" + name + ">", start);
  return close == std::string::npos ? "" : body.substr(start, close - start);
}

// An answer the store did not expect, as a retryable error naming the S3 code.
Status Unexpected(const std::string& what, const S3Response& r) {
  std::string code = S3ErrorCode(r.body);
  return Status::Unavailable("S3 " + what + ": HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code));
}

class HashingSink final : public BlobSink {
 public:
  explicit HashingSink(BlobSink& target) : target_(target) {}
  Status Write(std::string_view bytes) override {
    hash_.Update(bytes);
    return target_.Write(bytes);
  }
  std::string FinishHex() { return hash_.FinishHex(); }

 private:
  BlobSink& target_;
  Sha256Stream hash_;
};

// Fills `buffer` (resized to `cap`) from `source`; returns the bytes filled, fewer than
// `cap` only at the end of the source.
StatusOr<size_t> Fill(BlobSource& source, std::string& buffer, size_t from, size_t cap) {
  buffer.resize(cap);
  size_t filled = from;
  while (filled < cap) {
    auto n = source.Read(buffer.data() + filled, cap - filled);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    filled += *n;
  }
  buffer.resize(filled);
  return filled;
}

class S3BlobStore final : public BlobStore {
 public:
  explicit S3BlobStore(const S3Options& options) : client_(options) {}

  Status CheckBucket() {
    S3Request head{.method = "HEAD"};
    auto r = client_.Send(head);
    if (!r.ok()) return r.status();
    if (r->status == 200) return Status::OK();
    if (r->status == 404)
      return Status::InvalidArgument("S3 bucket " + client_.options().bucket + " does not exist at " +
                                     client_.options().endpoint);
    if (r->status == 403 || r->status == 401)
      return Status::InvalidArgument("S3 refused the credentials for bucket " + client_.options().bucket + " (HTTP " +
                                     std::to_string(r->status) + ")");
    return Unexpected("HEAD bucket", *r);
  }

  StatusOr<bool> Exists(const std::string& sha) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    GOLDSET_ASSIGN_OR_RETURN(auto r, client_.Send({.method = "HEAD", .key = Key(sha)}));
    if (r.status == 200) return true;
    if (r.status == 404) return false;
    return Unexpected("HEAD " + sha, r);
  }

  StatusOr<std::string> PutStream(BlobSource& source, const std::string& expected) override {
    if (!expected.empty() && !IsBlobKey(expected)) return Status::InvalidArgument("bad blob key");
    const size_t part_bytes = client_.options().multipart_threshold;
    std::string part;
    GOLDSET_ASSIGN_OR_RETURN(size_t filled, Fill(source, part, 0, part_bytes));
    char next = 0;
    size_t more = 0;
    if (filled == part_bytes) {  // one byte more decides between one PUT and a multipart upload
      GOLDSET_ASSIGN_OR_RETURN(more, source.Read(&next, 1));
    }
    if (more == 0) {
      std::string sha = Sha256Hex(part);
      if (!expected.empty() && sha != expected)
        return Status::Internal("blob bytes do not match their expected checksum " + expected);
      GOLDSET_RETURN_IF_ERROR(PutObject(Key(sha), part));
      return sha;
    }
    return PutMultipart(source, expected, std::move(part), next);
  }

  Status GetStream(const std::string& sha, BlobSink& sink) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    HashingSink hashing(sink);
    GOLDSET_ASSIGN_OR_RETURN(auto r, client_.Send({.method = "GET", .key = Key(sha), .sink = &hashing}));
    if (r.status == 404) return Status::NotFound("blob " + sha + " is missing");
    if (r.status != 200 && r.status != 206) return Unexpected("GET " + sha, r);
    if (hashing.FinishHex() != sha) return Status::Internal("blob " + sha + " failed its checksum (corrupt)");
    return Status::OK();
  }

  Status Delete(const std::string& sha) override {
    if (!IsBlobKey(sha)) return Status::InvalidArgument("bad blob key");
    return DeleteKey(Key(sha));
  }

 private:
  std::string Key(const std::string& sha) const { return client_.options().prefix + sha; }

  Status DeleteKey(const std::string& key) {
    GOLDSET_ASSIGN_OR_RETURN(auto r, client_.Send({.method = "DELETE", .key = key}));
    if (r.status == 200 || r.status == 204 || r.status == 404) return Status::OK();
    return Unexpected("DELETE " + key, r);
  }

  Status PutObject(const std::string& key, std::string_view bytes) {
    const std::string md5 = ContentMd5(bytes);
    GOLDSET_ASSIGN_OR_RETURN(
        auto r, client_.Send({.method = "PUT", .key = key, .body = bytes, .headers = {{"Content-MD5", md5}}}));
    if (r.status != 200) return Unexpected("PUT " + key, r);
    return CheckEtag(r.etag, md5, key);
  }

  // A single PUT's (or part's) ETag is the MD5 of what the server stored: one more check
  // for servers that ignore Content-MD5. An ETag that is no MD5 at all (encrypted with
  // SSE-KMS, or a server that makes them up) says nothing and is let pass.
  static Status CheckEtag(const std::string& etag, const std::string& md5_base64, const std::string& key) {
    std::string hex = etag;
    if (hex.size() >= 2 && hex.front() == '"' && hex.back() == '"') hex = hex.substr(1, hex.size() - 2);
    if (hex.size() != 32 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) return Status::OK();
    if (HexEncode(*Base64Decode(md5_base64)) == hex) return Status::OK();
    return Status::Unavailable("S3 stored different bytes for " + key + " than were sent (ETag " + etag + ")");
  }

  StatusOr<std::string> PutMultipart(BlobSource& source, const std::string& expected, std::string part, char next) {
    const size_t part_bytes = client_.options().multipart_threshold;
    const std::string key = expected.empty() ? client_.options().prefix + "tmp/" + RandomToken(12) : Key(expected);
    GOLDSET_ASSIGN_OR_RETURN(auto init, client_.Send({.method = "POST", .key = key, .query = "uploads="}));
    const std::string upload_id = XmlElement(init.body, "UploadId");
    if (init.status != 200 || upload_id.empty()) return Unexpected("start of a multipart upload", init);
    const std::string id_param = "uploadId=" + UriEncode(upload_id);
    Sha256Stream hash;
    std::string complete = "<CompleteMultipartUpload>";
    Status st;
    // `part` is full and `next` is the byte after it; a part shorter than part_bytes, or
    // a full one the source ends after, is the last.
    bool last = false;
    for (int number = 1; st.ok(); ++number) {
      hash.Update(part);
      st = UploadPart(key, id_param, number, part, complete);
      if (!st.ok() || last) break;
      part.assign(1, next);
      auto filled = Fill(source, part, 1, part_bytes);
      if (!filled.ok()) {
        st = filled.status();
        break;
      }
      if (*filled < part_bytes) {
        last = true;
        continue;
      }
      auto more = source.Read(&next, 1);
      if (!more.ok()) st = more.status();
      else last = *more == 0;
    }
    const std::string sha = hash.FinishHex();
    if (st.ok() && !expected.empty() && sha != expected)
      st = Status::Internal("blob bytes do not match their expected checksum " + expected);
    if (st.ok()) {
      complete += "</CompleteMultipartUpload>";
      auto r = client_.Send({.method = "POST",
                             .key = key,
                             .query = id_param,
                             .body = complete,
                             .headers = {{"Content-Type", "application/xml"}}});
      // S3 may answer 200 and report the failure in the body.
      if (!r.ok()) st = r.status();
      else if (r->status != 200 || r->body.find("<Error>") != std::string::npos)
        st = Unexpected("completion of a multipart upload", *r);
      if (st.ok() && expected.empty()) st = CopyIntoPlace(key, sha);
      if (st.ok()) return sha;
      if (expected.empty()) (void)DeleteKey(key);
      return st;
    }
    // Nothing partial stays behind (parts of an upload that is never completed are
    // invisible, but billed until aborted).
    (void)client_.Send({.method = "DELETE", .key = key, .query = id_param});
    return st;
  }

  // Uploads part `number` with its Content-MD5 and appends it to the completion XML.
  Status UploadPart(const std::string& key, const std::string& id_param, int number, std::string_view part,
                    std::string& complete) {
    const std::string md5 = ContentMd5(part);
    GOLDSET_ASSIGN_OR_RETURN(auto r, client_.Send({.method = "PUT",
                                                   .key = key,
                                                   .query = "partNumber=" + std::to_string(number) + "&" + id_param,
                                                   .body = part,
                                                   .headers = {{"Content-MD5", md5}}}));
    if (r.status != 200 || r.etag.empty()) return Unexpected("upload of part " + std::to_string(number), r);
    GOLDSET_RETURN_IF_ERROR(CheckEtag(r.etag, md5, key + " part " + std::to_string(number)));
    complete +=
        "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + XmlText(r.etag) + "</ETag></Part>";
    return Status::OK();
  }

  // A multipart upload whose hash was not known in advance went to a temporary key.
  Status CopyIntoPlace(const std::string& tmp_key, const std::string& sha) {
    auto r = client_.Send({.method = "PUT",
                           .key = Key(sha),
                           .headers = {{"x-amz-copy-source", "/" + client_.options().bucket + "/" + tmp_key}}});
    Status st;
    if (!r.ok()) st = r.status();
    else if (r->status != 200 || r->body.find("<Error>") != std::string::npos)
      st = Unexpected("copy of " + sha + " into place", *r);
    (void)DeleteKey(tmp_key);
    return st;
  }

  S3Client client_;
};

}  // namespace

StatusOr<std::shared_ptr<BlobStore>> OpenS3BlobStore(const S3Options& options) {
  auto store = std::make_shared<S3BlobStore>(options);
  GOLDSET_RETURN_IF_ERROR(store->CheckBucket());
  return std::shared_ptr<BlobStore>(store);
}

}  // namespace goldset::store
