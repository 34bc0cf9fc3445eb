// multipart/form-data parsing, and F8: the number of parts and the size of each part's
// headers are bounded, so a body of many tiny parts (the audit's R8: 1.8 million empty
// parts in 19.8 MB) is refused before it is turned into millions of objects.
#include "api/multipart.h"

#include <gtest/gtest.h>

namespace goldset::api {
namespace {

std::string Body(int empty_parts, const std::string& b = "x") {
  std::string body = "--" + b +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                     "Content-Type: text/plain\r\n\r\nhello\r\n--" +
                     b;
  for (int i = 0; i < empty_parts; ++i) body += "\r\n\r\n\r\n\r\n--" + b;
  return body + "--\r\n";
}

TEST(Multipart, PartsAreViewsIntoTheBody) {
  std::string body = Body(2);
  auto parts = ParseMultipart(body, "x");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 3u);
  const MultipartPart& f = (*parts)[0];
  EXPECT_EQ(f.name, "file");
  EXPECT_TRUE(f.has_filename);
  EXPECT_EQ(f.filename, "a.txt");
  EXPECT_EQ(f.content_type, "text/plain");
  EXPECT_EQ(f.data, "hello");
  for (const auto& p : *parts) {
    EXPECT_GE(p.data.data(), body.data());
    EXPECT_LE(p.data.data() + p.data.size(), body.data() + body.size());
  }
  EXPECT_EQ((*parts)[1].data, "");
}

TEST(Multipart, MalformedBodies) {
  for (std::string body : {std::string("no delimiter"), std::string("--x\r\nunterminated headers"),
                           std::string("--x\r\n\r\ndata without a closing delimiter"), std::string("--xjunk")}) {
    auto parts = ParseMultipart(body, "x");
    ASSERT_FALSE(parts.ok()) << body;
    EXPECT_EQ(parts.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(F8MultipartBounds, PartCountLimitIsCheckedAsPartsAreFound) {
  MultipartLimits limits;
  limits.max_parts = 64;
  EXPECT_TRUE(ParseMultipart(Body(62), "x", limits).ok());  // 63 parts
  EXPECT_TRUE(ParseMultipart(Body(63), "x", limits).ok());  // 64 parts: the limit
  auto over = ParseMultipart(Body(64), "x", limits);        // 65 parts
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(over.status().message(), "multipart/form-data body has more than 64 parts (the limit)");
  // R8: 1.8 million empty parts.
  auto r8 = ParseMultipart(Body(1800000), "x");
  ASSERT_FALSE(r8.ok());
  EXPECT_EQ(r8.status().code(), Status::Code::kTooLarge);
}

TEST(F8MultipartBounds, PartHeadersAreBounded) {
  MultipartLimits limits;
  limits.max_header_bytes = 100;
  auto with_header = [](size_t header_bytes) {
    std::string line = "X-Pad: ";
    line += std::string(header_bytes - line.size(), 'p');
    return "--x\r\n" + line + "\r\n\r\ndata\r\n--x--\r\n";
  };
  EXPECT_TRUE(ParseMultipart(with_header(99), "x", limits).ok());
  EXPECT_TRUE(ParseMultipart(with_header(100), "x", limits).ok());
  auto over = ParseMultipart(with_header(101), "x", limits);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(), "A multipart part's headers exceed 100 bytes");
}

// Boundaries that overlap themselves (all dashes) and bodies full of near misses: the
// delimiter search stays linear, and the parts come out right.
TEST(F8MultipartBounds, SelfOverlappingBoundaryAndNearMisses) {
  const std::string b(70, '-');
  std::string near_misses;
  while (near_misses.size() < (4u << 20)) near_misses += "\r\n" + std::string(70, '-') + "X";
  std::string body =
      "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + near_misses + "\r\n--" + b + "--";
  auto parts = ParseMultipart(body, b);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, near_misses);
}

TEST(Multipart, Boundary) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_FALSE(MultipartBoundary("text/plain; boundary=abc").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(201, 'a')).ok());
}

}  // namespace
}  // namespace goldset::api
