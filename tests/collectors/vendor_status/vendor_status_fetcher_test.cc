// Tests for FetchVendorStatusPages against a real loopback HTTP server.
#include "collectors/vendor_status/vendor_status_fetcher.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include "tests/support/test_http_server.h"

namespace outage {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

class VendorStatusFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = test::TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
  }
  std::unique_ptr<test::TestHttpServer> server_;
};

TEST_F(VendorStatusFetcherTest, FetchesEveryUrlInOrder) {
  server_->Route("/a.json", test::Reply(200, {}, "A"));
  server_->Route("/b.json", test::Reply(503, {}, "busy"));
  server_->Route("/moved.json", test::RedirectTo("/a.json"));
  const auto results =
      FetchVendorStatusPages({server_->Url("/a.json"), server_->Url("/b.json"),
                              server_->Url("/moved.json"), "ftp://127.0.0.1/x.json"},
                             ProbePolicy{}, SteadyClock::now() + milliseconds(5000));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[0].body, "A");
  EXPECT_FALSE(results[1].ok);
  EXPECT_EQ(results[1].error, "HTTP status 503");
  EXPECT_TRUE(results[2].ok) << results[2].error;
  EXPECT_EQ(results[2].body, "A");
  EXPECT_FALSE(results[3].ok);  // only http and https
  EXPECT_EQ(results[3].error, curl_easy_strerror(CURLE_UNSUPPORTED_PROTOCOL));
}

TEST_F(VendorStatusFetcherTest, CapsTheBody) {
  server_->Route("/huge.json", test::HugeBody(kMaxVendorStatusBytes + 1));
  const auto results = FetchVendorStatusPages({server_->Url("/huge.json")}, ProbePolicy{},
                                              SteadyClock::now() + milliseconds(10000));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error, "document larger than 4194304 bytes");
  EXPECT_TRUE(results[0].body.empty());
}

TEST_F(VendorStatusFetcherTest, StopsAtTheDeadline) {
  server_->Route("/slow.json", test::Delay(milliseconds(5000), test::Reply(200, {}, "late")));
  const auto start = SteadyClock::now();
  const auto results = FetchVendorStatusPages({server_->Url("/slow.json")}, ProbePolicy{},
                                              start + milliseconds(300));
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2000));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok);
}

}  // namespace
}  // namespace outage
