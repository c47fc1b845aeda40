// Tests for ParseRequestHead: the framings RFC 9112 makes errors, and the
// target forms it makes valid.
#include "exporter/server/http_request_head.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace outage {
namespace {

using Status = RequestHead::Status;

RequestHead Parse(const std::string& head) { return ParseRequestHead(head); }

void ExpectError(const std::string& head, int status) {
  const RequestHead r = Parse(head);
  EXPECT_EQ(r.status, Status::kError) << head;
  EXPECT_EQ(r.error_status, status) << head << " -> " << r.error;
}

TEST(ParseRequestHeadTest, SimpleGet) {
  const RequestHead r =
      Parse("GET /probe?target=a%20b HTTP/1.1\r\nHost: x\r\nX-A:  1 \r\n\r\nrest");
  ASSERT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_EQ(r.request.method, "GET");
  EXPECT_EQ(r.request.path, "/probe");
  EXPECT_EQ(r.request.query, "target=a%20b");
  EXPECT_EQ(r.request.Header("x-a"), std::optional<std::string>("1"));
  EXPECT_EQ(r.head_bytes,
            std::string("GET /probe?target=a%20b HTTP/1.1\r\nHost: x\r\nX-A:  1 \r\n\r\n").size());
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.has_body);
}

TEST(ParseRequestHeadTest, IncompleteUntilTheBlankLine) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\n").status, Status::kIncomplete);
  EXPECT_EQ(Parse("GET / HT").status, Status::kIncomplete);
  EXPECT_EQ(Parse("").status, Status::kIncomplete);
}

TEST(ParseRequestHeadTest, HeadOver16KiBIs431EvenIncomplete) {
  ExpectError("GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(17000, 'a'), 431);
  ExpectError("GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(17000, 'a') + "\r\n\r\n", 431);
}

TEST(ParseRequestHeadTest, ConflictingContentLengthsAre400) {
  ExpectError("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n", 400);
  ExpectError("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n", 400);
  ExpectError("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400);
}

TEST(ParseRequestHeadTest, WhitespaceBeforeTheColonIs400) {
  ExpectError("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", 400);
}

TEST(ParseRequestHeadTest, AmbiguousTransferEncodingIs400) {
  ExpectError(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400);
  ExpectError("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400);
  ExpectError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  const RequestHead chunked =
      Parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_EQ(chunked.status, Status::kComplete);
  EXPECT_TRUE(chunked.has_body);
}

TEST(ParseRequestHeadTest, ObsFoldBareCrAndBadBytesAre400) {
  ExpectError("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400);
  ExpectError("GET / HTTP/1.1\r\nHost: x\rX: a\r\n\r\n", 400);
  static constexpr char kNul[] = "GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n";
  ExpectError(std::string(kNul, sizeof kNul - 1), 400);
  ExpectError("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  ExpectError("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  ExpectError("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  ExpectError("GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST(ParseRequestHeadTest, Http11NeedsExactlyOneHost) {
  ExpectError("GET / HTTP/1.1\r\n\r\n", 400);
  ExpectError("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  EXPECT_EQ(Parse("GET / HTTP/1.0\r\n\r\n").status, Status::kComplete);
}

TEST(ParseRequestHeadTest, OtherVersionsAre505) {
  ExpectError("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
  ExpectError("GET / HTTP/1.1x\r\nHost: x\r\n\r\n", 400);
}

TEST(ParseRequestHeadTest, AbsoluteFormServesItsPath) {
  const RequestHead r = Parse("GET http://x:9115/metrics?a=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_EQ(r.request.path, "/metrics");
  EXPECT_EQ(r.request.query, "a=1");
  const RequestHead root = Parse("GET http://x HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(root.status, Status::kComplete) << root.error;
  EXPECT_EQ(root.request.path, "/");
  ExpectError("GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  ExpectError("GET x/y HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST(ParseRequestHeadTest, AsteriskFormIsForOptionsOnly) {
  const RequestHead r = Parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_TRUE(r.asterisk);
  ExpectError("GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST(ParseRequestHeadTest, KeepAliveFollowsVersionAndConnection) {
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
  EXPECT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
}

TEST(ParseRequestHeadTest, BareLfLinesAreAccepted) {
  const RequestHead r = Parse("GET /x HTTP/1.1\nHost: x\n\n");
  ASSERT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_EQ(r.request.path, "/x");
}

}  // namespace
}  // namespace outage
