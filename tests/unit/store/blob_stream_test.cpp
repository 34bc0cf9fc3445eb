// The streaming blob interface: bounded chunks both ways, hashes checked while streaming,
// a store-to-store copy (migrate-blobs), and the s3:// URL and credential parsing.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/crypto.h"
#include "store/blob_copy.h"
#include "store/blob_store.h"
#include "store/s3/s3_options.h"
#include "test_database.h"
#include "random_bytes.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

using testing::RandomBytes;

// Hands out its bytes in irregular short reads, as a socket would.
class TricklingSource final : public BlobSource {
 public:
  explicit TricklingSource(std::string bytes) : bytes_(std::move(bytes)) {}
  StatusOr<size_t> Read(char* buf, size_t cap) override {
    const size_t n = std::min({cap, bytes_.size() - pos_, size_t{1} + (pos_ * 7919) % 40000});
    bytes_.copy(buf, n, pos_);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

// Fails after `fail_after` bytes: a client that went away mid-upload.
class BrokenSource final : public BlobSource {
 public:
  explicit BrokenSource(size_t fail_after) : left_(fail_after) {}
  StatusOr<size_t> Read(char* buf, size_t cap) override {
    if (left_ == 0) return Status::Unavailable("connection reset");
    const size_t n = std::min(cap, left_);
    std::memset(buf, 'x', n);
    left_ -= n;
    return n;
  }

 private:
  size_t left_;
};

class RecordingSink final : public BlobSink {
 public:
  Status Write(std::string_view bytes) override {
    largest = std::max(largest, bytes.size());
    got.append(bytes);
    return Status::OK();
  }
  std::string got;
  size_t largest = 0;
};

// What every store must do with streams; `max_chunk` bounds what one Write may carry.
void ExerciseStreams(BlobStore& blobs, size_t max_chunk) {
  const std::string bytes = RandomBytes((5u << 20) / 2 + 77, 3);
  TricklingSource source(bytes);
  auto sha = blobs.PutStream(source, "");  // hash not known in advance
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, Sha256Hex(bytes));
  RecordingSink sink;
  ASSERT_TRUE(blobs.GetStream(*sha, sink).ok());
  EXPECT_TRUE(sink.got == bytes);
  EXPECT_LE(sink.largest, max_chunk) << "a Get hands out bounded chunks";

  // Streaming a blob already stored, with no expected hash: still one copy, same key.
  TricklingSource again(bytes);
  EXPECT_EQ(*blobs.PutStream(again, ""), *sha);

  // An expected hash the bytes do not have: refused, nothing stored under either key.
  const std::string other = RandomBytes(4000, 4);
  StringViewSource lying(other);
  auto refused = blobs.PutStream(lying, std::string(64, 'a'));
  EXPECT_EQ(refused.status().code(), Status::Code::kInternal) << refused.status().ToString();
  EXPECT_FALSE(*blobs.Exists(std::string(64, 'a')));
  EXPECT_FALSE(*blobs.Exists(Sha256Hex(other)));

  // A source failing mid-way: its error, and nothing visible.
  BrokenSource broken(1500000);
  auto failed = blobs.PutStream(broken, "");
  EXPECT_EQ(failed.status().code(), Status::Code::kUnavailable) << failed.status().ToString();
  EXPECT_FALSE(*blobs.Exists(Sha256Hex(std::string(1500000, 'x'))));

  // A sink that refuses ends the Get with its error.
  class Refusing final : public BlobSink {
   public:
    Status Write(std::string_view) override { return Status::TooLarge("enough"); }
  } refusing;
  EXPECT_EQ(blobs.GetStream(*sha, refusing).code(), Status::Code::kTooLarge);
}

class BlobStreamTest : public BackendTest {};

TEST_P(BlobStreamTest, DatabaseStoreStreams) {
  auto blobs = OpenDatabaseBlobStore(db);
  ExerciseStreams(*blobs, size_t{1} << 20);
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM blobs WHERE sha256 LIKE 'tmp:%'", {}), 0)
      << "no temporary rows are left behind";
}

TEST_P(BlobStreamTest, LocalStoreStreams) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "the local store does not depend on the backend";
  char tmpl[] = "/tmp/goldset-blobs-XXXXXX";
  ASSERT_TRUE(mkdtemp(tmpl));
  {
    auto blobs = OpenLocalBlobStore(tmpl);
    ASSERT_TRUE(blobs.ok());
    ExerciseStreams(**blobs, size_t{1} << 16);
    EXPECT_TRUE(std::filesystem::is_empty(std::string(tmpl) + "/tmp")) << "no temp files are left behind";
  }
  std::filesystem::remove_all(tmpl);
}

// migrate-blobs' copy: local -> database and back, a missing source, a corrupt source.
TEST_P(BlobStreamTest, CopyBetweenStores) {
  char tmpl[] = "/tmp/goldset-blobs-XXXXXX";
  ASSERT_TRUE(mkdtemp(tmpl));
  {
    auto local = OpenLocalBlobStore(tmpl);
    ASSERT_TRUE(local.ok());
    auto database = OpenDatabaseBlobStore(db);
    const std::string bytes = RandomBytes(3u << 20, 5);  // more than the pipe holds at once
    auto sha = (*local)->Put(bytes);
    ASSERT_TRUE(sha.ok());
    ASSERT_TRUE(CopyBlob(**local, *database, *sha).ok());
    EXPECT_TRUE(*database->Get(*sha) == bytes);
    EXPECT_TRUE(CopyBlob(**local, *database, *sha).ok()) << "copying again is harmless";
    ASSERT_TRUE((*local)->Delete(*sha).ok());
    ASSERT_TRUE(CopyBlob(*database, **local, *sha).ok());
    EXPECT_TRUE(*(*local)->Get(*sha) == bytes);

    const std::string absent = Sha256Hex("never stored");
    EXPECT_EQ(CopyBlob(**local, *database, absent).code(), Status::Code::kNotFound);
    EXPECT_FALSE(*database->Exists(absent));

    auto small = (*local)->Put("original bytes");
    std::ofstream(std::string(tmpl) + "/" + small->substr(0, 2) + "/" + *small, std::ios::trunc) << "damaged bytes!";
    Status corrupt = CopyBlob(**local, *database, *small);
    EXPECT_EQ(corrupt.code(), Status::Code::kInternal) << corrupt.ToString();
    EXPECT_FALSE(*database->Exists(*small)) << "a corrupt source is not copied";
  }
  std::filesystem::remove_all(tmpl);
}

GOLDSET_BACKENDS(BlobStreamTest);

TEST(S3Url, ParsesBucketPrefixEndpointRegion) {
  auto o = ParseS3Url("s3://my-bucket/goldset/blobs?endpoint=http://127.0.0.1:9000/&region=eu-west-1");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->bucket, "my-bucket");
  EXPECT_EQ(o->prefix, "goldset/blobs/");
  EXPECT_EQ(o->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(o->region, "eu-west-1");
  auto plain = ParseS3Url("s3://bucket");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->prefix, "");
  EXPECT_EQ(plain->endpoint, "https://s3.us-east-1.amazonaws.com");
  auto encoded = ParseS3Url("s3://bucket/p?endpoint=http%3A%2F%2Flocalhost%3A4568");
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded->endpoint, "http://localhost:4568");
}

TEST(S3Url, RejectsWhatWouldNeedEscapingOrIsNotAnEndpoint) {
  for (const char* bad : {"s3:/bucket", "http://bucket", "s3://b", "s3://bu cket", "s3://bucket/a b",
                          "s3://bucket/a//b", "s3://bucket?endpoint=ftp://host",
                          "s3://bucket?endpoint=http://host/path", "s3://bucket?endpoint=http://user@host",
                          "s3://bucket?color=red", "s3://bucket?region=a/b", "s3://bucket?endpoint=http%3"}) {
    auto o = ParseS3Url(bad);
    EXPECT_EQ(o.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST(S3Credentials, FromFileOrEnvironment) {
  char path[] = "/tmp/goldset-s3cred-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "# keys\nAWS_ACCESS_KEY_ID=AKID\nAWS_SECRET_ACCESS_KEY=se=cret\n";
  S3Options o;
  ASSERT_TRUE(LoadS3Credentials(o, path).ok());
  EXPECT_EQ(o.access_key, "AKID");
  EXPECT_EQ(o.secret_key, "se=cret");
  std::ofstream(path, std::ios::trunc) << "AWS_ACCESS_KEY_ID=AKID\n";
  Status missing = LoadS3Credentials(o, path);
  EXPECT_EQ(missing.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(missing.message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  EXPECT_EQ(LoadS3Credentials(o, "/nonexistent/creds").code(), Status::Code::kInvalidArgument);
  std::remove(path);

  setenv("AWS_ACCESS_KEY_ID", "ENVID", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
  S3Options e;
  ASSERT_TRUE(LoadS3Credentials(e, "").ok());
  EXPECT_EQ(e.access_key, "ENVID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  EXPECT_FALSE(LoadS3Credentials(e, "").ok());
  unsetenv("AWS_ACCESS_KEY_ID");
}

}  // namespace
}  // namespace goldset::store
