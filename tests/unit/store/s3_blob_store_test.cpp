// The S3 blob store against a local S3-compatible server (s3rver behind the front of
// tests/integration/s3_server.mjs, which checks every request's SigV4 signature, payload
// SHA-256 and Content-MD5), run as a child process: the streaming contract of every blob
// store, a multipart upload whose hash is known only at the end (temporary key, then a
// copy into place), and what the store does with a bucket that is not there. Skipped when
// node or s3rver is not installed (scripts/install-deps.sh test installs both).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "store/s3/s3_blob_store.h"
#include "random_bytes.h"

namespace goldset::store {
namespace {

using testing::RandomBytes;

// Yields its bytes in reads of at most 100 KB.
class ChunkedSource final : public BlobSource {
 public:
  explicit ChunkedSource(std::string bytes) : bytes_(std::move(bytes)) {}
  StatusOr<size_t> Read(char* buf, size_t cap) override {
    const size_t n = std::min({cap, bytes_.size() - pos_, size_t{100000}});
    bytes_.copy(buf, n, pos_);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

class S3BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string root = GOLDSET_SOURCE_DIR;
    const std::string script = root + "/tests/integration/s3_process.mjs";
    if (!std::filesystem::exists(root + "/tests/integration/node_modules/s3rver") ||
        std::system("node --version >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "node or s3rver missing (scripts/install-deps.sh test)";
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      execlp("node", "node", script.c_str(), "--verify", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[256] = {};
    ASSERT_TRUE(fgets(line, sizeof line, f)) << "s3_process.mjs printed no endpoint";
    fclose(f);
    endpoint_ = line;
    while (!endpoint_.empty() && (endpoint_.back() == '\n' || endpoint_.back() == '\r')) endpoint_.pop_back();
    options_.bucket = "goldset";
    options_.prefix = "unit/";
    options_.endpoint = endpoint_;
    options_.access_key = options_.secret_key = "S3RVER";
    options_.multipart_threshold = size_t{5} << 20;
    options_.retry_base_ms = 10;
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid_ = -1;
  std::string endpoint_;
  S3Options options_;
};

TEST_F(S3BlobStoreTest, StreamsBothWaysAndChecksWhatItReads) {
  auto blobs = OpenS3BlobStore(options_);
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  BlobStore& s = **blobs;
  for (const std::string& bytes : {std::string(), std::string("hello\0world", 11), RandomBytes(300000, 1)}) {
    auto sha = s.Put(bytes);
    ASSERT_TRUE(sha.ok()) << sha.status().ToString();
    EXPECT_EQ(*sha, Sha256Hex(bytes));
    EXPECT_TRUE(*s.Exists(*sha));
    auto got = s.Get(*sha);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == bytes);
  }
  EXPECT_EQ(s.Get(std::string(64, '0')).status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(*s.Exists(std::string(64, '0')));
  EXPECT_EQ(s.Get("../../etc/passwd").status().code(), Status::Code::kInvalidArgument);

  // Larger than the threshold, the hash unknown until the end: a multipart upload to a
  // temporary key, copied into place; nothing else is left in the bucket.
  const std::string big = RandomBytes((11u << 20) + 7, 2);
  ChunkedSource source(big);
  auto sha = s.PutStream(source, "");
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, Sha256Hex(big));
  auto got = s.Get(*sha);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == big);

  // Known hash, wrong bytes (one part, then several): refused, nothing stored.
  StringViewSource small_lie("not what was promised");
  EXPECT_EQ(s.PutStream(small_lie, std::string(64, 'b')).status().code(), Status::Code::kInternal);
  ChunkedSource big_lie(RandomBytes(6u << 20, 3));
  EXPECT_EQ(s.PutStream(big_lie, std::string(64, 'c')).status().code(), Status::Code::kInternal);
  EXPECT_FALSE(*s.Exists(std::string(64, 'b')));
  EXPECT_FALSE(*s.Exists(std::string(64, 'c')));

  ASSERT_TRUE(s.Delete(*sha).ok());
  EXPECT_EQ(s.Get(*sha).status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(s.Delete(*sha).ok()) << "deleting an absent blob is fine";
}

TEST_F(S3BlobStoreTest, OpenChecksTheBucketAndTheCredentials) {
  S3Options missing = options_;
  missing.bucket = "no-such-bucket";
  auto a = OpenS3BlobStore(missing);
  EXPECT_EQ(a.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(a.status().message().find("does not exist"), std::string::npos) << a.status().message();
  S3Options wrong = options_;
  wrong.secret_key = "not the secret";
  auto b = OpenS3BlobStore(wrong);
  EXPECT_EQ(b.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(b.status().message().find("refused the credentials"), std::string::npos) << b.status().message();
  S3Options nobody = options_;
  nobody.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  nobody.max_attempts = 2;
  auto c = OpenS3BlobStore(nobody);
  EXPECT_EQ(c.status().code(), Status::Code::kUnavailable) << c.status().ToString();
  EXPECT_NE(c.status().message().find("2 attempt"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace goldset::store
