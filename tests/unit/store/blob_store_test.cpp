// Both blob stores: round trips (empty, small, multi-chunk binary), idempotence,
// concurrent puts of the same bytes, delete, and corruption detection.
#include <filesystem>
#include <fstream>
#include <future>
#include <random>

#include "common/crypto.h"
#include "store/blob_store.h"
#include "test_database.h"

namespace goldset::store {
namespace {

using testing::BackendTest;

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

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
  ASSERT_TRUE(db->Acquire()->Exec("UPDATE blobs SET data = ? WHERE sha256 = ? AND chunk = 1", {Blob{tampered}, *sha}).ok());
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

}  // namespace
}  // namespace goldset::store
