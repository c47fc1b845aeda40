// ResponseHeaders: header lines as an HTTP probe's checks read them.
#include "collectors/http/response_headers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace outage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ResponseHeadersTest, KeepsLowerCaseNamesAndTrimmedValuesInOrder) {
  ResponseHeaders headers;
  EXPECT_TRUE(headers.AddLine("Content-Type: text/plain\r\n"));
  EXPECT_TRUE(headers.AddLine("Set-Cookie:  a=1 \r\n"));
  EXPECT_TRUE(headers.AddLine("SET-COOKIE: b=2\r\n"));
  EXPECT_TRUE(headers.AddLine("X-Empty:\r\n"));
  EXPECT_THAT(headers.Values("set-cookie"), ElementsAre("a=1", "b=2"));
  EXPECT_EQ(headers.First("set-cookie"), "a=1");
  EXPECT_EQ(headers.Last("set-cookie"), "b=2");
  EXPECT_EQ(headers.First("content-type"), "text/plain");
  EXPECT_TRUE(headers.Has("x-empty"));
  EXPECT_EQ(headers.First("x-empty"), "");
  EXPECT_FALSE(headers.Has("Content-Type")) << "names are looked up lower-case";
  EXPECT_FALSE(headers.Has("location"));
  EXPECT_THAT(headers.Values("location"), IsEmpty());
}

TEST(ResponseHeadersTest, ALineWithoutAColonIsNotAHeader) {
  ResponseHeaders headers;
  EXPECT_FALSE(headers.AddLine("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(headers.AddLine("\r\n"));
  EXPECT_FALSE(headers.Has(""));
}

TEST(ResponseHeadersTest, ClearForgetsEveryLineAndValuesOutliveLaterAdds) {
  ResponseHeaders headers;
  headers.AddLine("Location: /first\r\n");
  headers.Clear();
  EXPECT_FALSE(headers.Has("location"));
  // Many long lines: the buffer grows past what it reserved.
  for (int i = 0; i < 100; ++i) {
    headers.AddLine("X-Long-Header-Name-" + std::to_string(i) + ": " + std::string(100, 'v'));
  }
  headers.AddLine("Location: /second\r\n");
  EXPECT_EQ(headers.First("x-long-header-name-0"), std::string(100, 'v'));
  EXPECT_EQ(headers.Last("location"), "/second");
}

TEST(ResponseHeadersTest, LiteralsTakeNamesOfAnyCase) {
  const ResponseHeaders headers = {{"Via", {"1.1 google", "1.1 varnish"}}, {"cf-ray", {"x-SJC"}}};
  EXPECT_THAT(headers.Values("via"), ElementsAre("1.1 google", "1.1 varnish"));
  EXPECT_EQ(headers.First("cf-ray"), "x-SJC");
}

}  // namespace
}  // namespace outage
