// Both blob stores: round trips (empty, small, multi-chunk binary), idempotence,
// concurrent puts of the same bytes, delete, and corruption detection.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>

#include "common/crypto.h"
#include "store/blob_store.h"
#include "test_database.h"
#include "random_bytes.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

using testing::RandomBytes;

void ExerciseBlobStore(BlobStore& blobs) {
  const std::string big = RandomBytes((5u << 20) / 2 + 123, 7);  // 2.5 MiB: three chunks
  for (const std::string& bytes : {std::string(), std::string("hello\0world", 11), big}) {
    auto sha = blobs.Put(bytes);
    ASSERT_TRUE(sha.ok()) << sha.status().ToString();
    EXPECT_EQ(*sha, Sha256Hex(bytes));
    EXPECT_EQ(*blobs.Put(bytes), *sha);  // idempotent
    auto got = blobs.Get(*sha);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == bytes) << "size " << got->size() << " vs " << bytes.size();
  }
  EXPECT_EQ(blobs.Get(std::string(64, '0')).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(blobs.Get("../etc/passwd").status().code(), Status::Code::kInvalidArgument);

  // Several writers of the same new bytes at once: all succeed, one copy results.
  const std::string shared = RandomBytes(1500000, 9);
  std::vector<std::future<StatusOr<std::string>>> writers;
  for (int i = 0; i < 4; ++i) writers.push_back(std::async(std::launch::async, [&] { return blobs.Put(shared); }));
  for (auto& w : writers) {
    auto r = w.get();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_TRUE(*blobs.Get(Sha256Hex(shared)) == shared);

  ASSERT_TRUE(blobs.Delete(Sha256Hex(big)).ok());
  EXPECT_EQ(blobs.Get(Sha256Hex(big)).status().code(), Status::Code::kNotFound);
}

class BlobStoreTest : public BackendTest {};

TEST_P(BlobStoreTest, DatabaseBlobStore) {
  auto blobs = OpenDatabaseBlobStore(db);
  ExerciseBlobStore(*blobs);
  // Chunking and corruption: change one byte of the middle chunk, then drop it.
  const std::string bytes = RandomBytes(3u << 20, 11);
  auto sha = blobs->Put(bytes);
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*QueryInt(*db->Acquire(), "SELECT COUNT(*) FROM blobs WHERE sha256 = ?", {*sha}), 3);
  std::string tampered = bytes.substr(1u << 20, 1u << 20);
  tampered[17] ^= 1;
  ASSERT_TRUE(
      db->Acquire()->Exec("UPDATE blobs SET data = ? WHERE sha256 = ? AND chunk = 1", {Blob{tampered}, *sha}).ok());
  EXPECT_EQ(blobs->Get(*sha).status().code(), Status::Code::kInternal);
  ASSERT_TRUE(db->Acquire()->Exec("DELETE FROM blobs WHERE sha256 = ? AND chunk = 1", {*sha}).ok());
  auto missing = blobs->Get(*sha);
  EXPECT_EQ(missing.status().code(), Status::Code::kInternal);
  EXPECT_NE(missing.status().message().find("missing chunk"), std::string::npos);
}

TEST_P(BlobStoreTest, LocalBlobStore) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "the local store does not depend on the backend";
  char tmpl[] = "/tmp/goldset-blobs-XXXXXX";
  ASSERT_TRUE(mkdtemp(tmpl));
  {
    auto blobs = OpenLocalBlobStore(tmpl);
    ASSERT_TRUE(blobs.ok());
    ExerciseBlobStore(**blobs);
    auto sha = (*blobs)->Put("precious");
    std::string sub = std::string(tmpl) + "/" + sha->substr(0, 2) + "/" + *sha;
    std::ofstream(sub, std::ios::binary | std::ios::trunc) << "precioux";
    EXPECT_EQ((*blobs)->Get(*sha).status().code(), Status::Code::kInternal);
  }
  std::filesystem::remove_all(tmpl);
}

GOLDSET_BACKENDS(BlobStoreTest);

// A local blob store in a fresh temp dir, removed at the end.
class LocalBlobDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/goldset-blobs-XXXXXX";
    ASSERT_TRUE(mkdtemp(tmpl));
    dir_ = tmpl;
    auto blobs = OpenLocalBlobStore(dir_);
    ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
    blobs_ = *blobs;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string PathOf(const std::string& sha) const { return dir_ + "/" + sha.substr(0, 2) + "/" + sha; }

  std::string dir_;
  std::shared_ptr<BlobStore> blobs_;
};

// F15: only "no such file" is a missing blob. Other failures to read an intact blob are I/O
// errors (Unavailable: the item that needs it is retried), never NotFound "… is missing",
// which failed items for good.
TEST_F(LocalBlobDir, F15_OnlyNoSuchFileIsMissing) {
  auto sha = blobs_->Put("intact bytes");
  ASSERT_TRUE(sha.ok());
  const std::string path = PathOf(*sha), aside = dir_ + "/aside";
  std::filesystem::rename(path, aside);

  std::filesystem::create_symlink(*sha, path);  // a link to itself: ELOOP on open
  auto looped = blobs_->Get(*sha);
  EXPECT_EQ(looped.status().code(), Status::Code::kUnavailable) << looped.status().ToString();
  EXPECT_TRUE(looped.status().retryable());
  EXPECT_EQ(looped.status().message().find("missing"), std::string::npos) << looped.status().message();
  EXPECT_NE(looped.status().message().find(strerror(ELOOP)), std::string::npos) << looped.status().message();
  auto exists = blobs_->Exists(*sha);
  EXPECT_EQ(exists.status().code(), Status::Code::kUnavailable) << "an unreadable entry is not 'absent'";
  std::filesystem::remove(path);

  std::filesystem::create_directory(path);  // opens, then read fails with EISDIR
  auto unreadable = blobs_->Get(*sha);
  EXPECT_EQ(unreadable.status().code(), Status::Code::kUnavailable) << unreadable.status().ToString();
  EXPECT_NE(unreadable.status().message().find(strerror(EISDIR)), std::string::npos) << unreadable.status().message();
  std::filesystem::remove(path);

  auto missing = blobs_->Get(*sha);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("is missing"), std::string::npos);
  EXPECT_FALSE(*blobs_->Exists(*sha));

  std::filesystem::rename(aside, path);
  EXPECT_EQ(*blobs_->Get(*sha), "intact bytes");
}

// F15 as the audit saw it: a process out of file descriptors (EMFILE under a connection
// flood). RLIMIT_NOFILE is per process, so the limit is lowered in a child process (a
// gtest death test in its thread-safe style: a fresh exec of this binary).
TEST_F(LocalBlobDir, F15_DescriptorExhaustionIsAnIoErrorNotAMissingBlob) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto sha = blobs_->Put("bytes that are there");
  ASSERT_TRUE(sha.ok());
  auto exhaust_and_read = [&] {
    // One read first: UBSan checks a polymorphic object's type (the Get's sink) the first
    // time it meets it, through a pipe, which it cannot make with no descriptor left and
    // then reports the object as invalid.
    if (!blobs_->Get(*sha).ok()) std::_Exit(2);
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = 64;
    setrlimit(RLIMIT_NOFILE, &lim);
    std::vector<int> held;
    for (int fd; (fd = ::dup(2)) >= 0;) held.push_back(fd);
    auto got = blobs_->Get(*sha);
    for (int fd : held) ::close(fd);
    std::filesystem::remove_all(dir_);  // this child's own SetUp made it
    std::fprintf(stderr, "status: %s\n", got.status().ToString().c_str());
    std::_Exit(got.status().code() == Status::Code::kUnavailable ? 0 : 1);
  };
  EXPECT_EXIT(exhaust_and_read(), ::testing::ExitedWithCode(0), strerror(EMFILE));
  EXPECT_EQ(*blobs_->Get(*sha), "bytes that are there");
}

// F23: storing bytes that are already stored does the same durable work as storing new
// ones (write and fsync a temp file, then drop it), so an upload's latency is no cheap
// "does any workspace have this document" oracle. Observable without a clock: with the
// temp dir unusable, a Put of existing bytes fails exactly as a Put of new bytes does
// (the old shortcut returned at once without touching the disk).
TEST_F(LocalBlobDir, F23_PutOfStoredBytesStillWritesThem) {
  auto sha = blobs_->Put("already here");
  ASSERT_TRUE(sha.ok());
  std::filesystem::remove_all(dir_ + "/tmp");
  std::ofstream(dir_ + "/tmp") << "not a directory";
  auto again = blobs_->Put("already here");
  auto fresh = blobs_->Put("never stored");
  EXPECT_FALSE(again.ok());
  EXPECT_FALSE(fresh.ok());
  EXPECT_EQ(again.status().code(), fresh.status().code());
  std::filesystem::remove(dir_ + "/tmp");
  std::filesystem::create_directory(dir_ + "/tmp");
  EXPECT_EQ(*blobs_->Put("already here"), *sha);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/tmp")) << "the temp copy of stored bytes is dropped";
  EXPECT_EQ(*blobs_->Get(*sha), "already here");
}

}  // namespace
}  // namespace goldset::store
