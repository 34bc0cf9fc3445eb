#include "web/assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace goldset::web {
namespace {

TEST(WebAssets, RootServesIndexHtml) {
  const Asset* root = FindAsset("/");
  const Asset* index = FindAsset("/index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(root, index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<!doctype html>"), std::string_view::npos);
  EXPECT_NE(index->body.find("app.js"), std::string_view::npos);
}

TEST(WebAssets, AppJsIsJavaScript) {
  const Asset* app = FindAsset("/app.js");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(app->body.empty());
}

TEST(WebAssets, CssHasItsType) {
  const Asset* css = FindAsset("/styles.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
}

TEST(WebAssets, EtagIsQuotedAndDiffersBetweenFiles) {
  const Asset* a = FindAsset("/index.html");
  const Asset* b = FindAsset("/app.js");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_GE(a->etag.size(), 3u);
  EXPECT_EQ(a->etag.front(), '"');
  EXPECT_EQ(a->etag.back(), '"');
  EXPECT_NE(a->etag, b->etag);
}

TEST(WebAssets, NestedModulesAreFound) {
  const Asset* page = FindAsset("/pages/run.js");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->content_type, "text/javascript; charset=utf-8");
}

TEST(WebAssets, UnknownPathsAreNotFound) {
  EXPECT_EQ(FindAsset("/nope.js"), nullptr);
  EXPECT_EQ(FindAsset("/../CMakeLists.txt"), nullptr);
  EXPECT_EQ(FindAsset("index.html"), nullptr);
}

TEST(WebAssets, EveryFileUnderWebIsEmbeddedByteForByte) {
  const std::filesystem::path root = GOLDSET_WEB_DIR;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = "/" + std::filesystem::relative(entry.path(), root).generic_string();
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Asset* asset = FindAsset(rel);
    ASSERT_NE(asset, nullptr) << rel;
    EXPECT_EQ(asset->path, rel);
    EXPECT_EQ(asset->body, bytes) << rel;  // quotes, backslashes and UTF-8 survive the generator
    ++files;
  }
  EXPECT_GE(files, 10);
}

}  // namespace
}  // namespace goldset::web
