#include "api/key_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace goldset::api {
namespace {

model::ApiKey Key(const std::string& id) {
  model::ApiKey k;
  k.id = id;
  k.name = "name-" + id;
  k.organization_id = "org_1";
  k.workspace_id = "ws_1";
  return k;
}

TEST(ApiKeyCache, HitWithinTtlMissAfter) {
  ApiKeyCache cache(1000);
  EXPECT_EQ(cache.Find("sk_a", 0), nullptr);
  cache.Put("sk_a", std::make_shared<const model::ApiKey>(Key("key_a")), 10'000);
  auto hit = cache.Find("sk_a", 10'999);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->id, "key_a");
  EXPECT_EQ(*hit->workspace_id, "ws_1");
  EXPECT_EQ(cache.Find("sk_a", 11'000), nullptr) << "an entry expires exactly ttl after it was stored";
  EXPECT_EQ(cache.Find("sk_b", 10'500), nullptr);
  EXPECT_EQ(cache.Find("sk_", 10'500), nullptr) << "no prefix matches";
}

TEST(ApiKeyCache, ZeroTtlCachesNothing) {
  ApiKeyCache cache(0);
  cache.Put("sk_a", std::make_shared<const model::ApiKey>(Key("key_a")), 0);
  EXPECT_EQ(cache.Find("sk_a", 0), nullptr);
}

TEST(ApiKeyCache, BoundedSize) {
  ApiKeyCache cache(1000, /*max_entries=*/4);
  for (int i = 0; i < 4; ++i)
    cache.Put("sk_" + std::to_string(i), std::make_shared<const model::ApiKey>(Key(std::to_string(i))), 0);
  EXPECT_NE(cache.Find("sk_3", 1), nullptr);
  cache.Put("sk_4", std::make_shared<const model::ApiKey>(Key("4")), 0);  // over the bound: starts over
  EXPECT_EQ(cache.Find("sk_0", 1), nullptr);
  EXPECT_NE(cache.Find("sk_4", 1), nullptr);
}

TEST(ApiKeyCache, ConcurrentReadersAndWriters) {
  ApiKeyCache cache(1'000'000, 64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 20000; ++i) {
        std::string k = "sk_" + std::to_string((i * 7 + t) % 100);
        if (i % 3 == 0) cache.Put(k, std::make_shared<const model::ApiKey>(Key(k)), 0);
        auto hit = cache.Find(k, 1);
        if (hit) {
          ASSERT_EQ(hit->id, k);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
}

}  // namespace
}  // namespace goldset::api
