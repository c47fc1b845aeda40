// Tests for HttpServer on a real loopback port, fetched with libcurl.
#include "exporter/http_server.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace outage {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::StartsWith;

struct Fetched {
  long status = 0;
  std::string body;
  std::string content_type;
  CURLcode code = CURLE_OK;
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

Fetched Get(int port, const std::string& path_and_query, const std::string& extra_header = "") {
  Fetched f;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + path_and_query;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &f.body);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  if (!extra_header.empty()) {
    headers.reset(curl_slist_append(nullptr, extra_header.c_str()));
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  }
  f.code = curl_easy_perform(easy.get());
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &f.status);
  char* type = nullptr;
  if (curl_easy_getinfo(easy.get(), CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) {
    f.content_type = type;
  }
  return f;
}

// One server for the whole suite: CivetWeb's mg_stop() takes about two
// seconds once it has served a request, so each test does not get its own.
class HttpServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new HttpServer;
    server_->Handle("/-/healthy", [](const HttpRequest& r) {
      EXPECT_EQ(r.method, "GET");
      EXPECT_EQ(r.path, "/-/healthy");
      return HttpResponse::Text(200, "Healthy\n");
    });
    server_->Handle("/probe", [](const HttpRequest& r) {
      HttpResponse resp;
      resp.body = r.Param("target").value_or("<none>") + "|" +
                  r.Param("module").value_or("<none>") + "|" + r.Param("debug").value_or("<none>") +
                  "|" + r.Header("x-prometheus-scrape-timeout-seconds").value_or("<none>");
      resp.content_type = "text/plain; version=0.0.4";
      resp.headers.emplace_back("X-Test", "yes");
      return resp;
    });
    server_->Handle("/boom",
                    [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("kaboom"); });
    server_->Handle("/boom-int", [](const HttpRequest&) -> HttpResponse { throw 42; });
    server_->Handle("/-/reload", [](const HttpRequest&) { return HttpResponse::Text(405, ""); });
    start_error_ = server_->Start(ListenAddress{"127.0.0.1", 0}, 4);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(start_error_, std::nullopt) << *start_error_;
    ASSERT_GT(server_->port(), 0);
  }
  static int Port() { return server_->port(); }

  static HttpServer* server_;
  static std::optional<std::string> start_error_;
};

HttpServer* HttpServerTest::server_ = nullptr;
std::optional<std::string> HttpServerTest::start_error_;

TEST_F(HttpServerTest, AnswersARegisteredRoute) {
  const Fetched f = Get(Port(), "/-/healthy");
  ASSERT_EQ(f.code, CURLE_OK) << curl_easy_strerror(f.code);
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.body, "Healthy\n");
  EXPECT_EQ(f.content_type, "text/plain; charset=utf-8");
}

TEST_F(HttpServerTest, HandlerSeesQueryParametersAndHeaders) {
  const Fetched f = Get(Port(), "/probe?target=https%3A%2F%2Fa.example%2Fx%3Fy%3D1&module=m",
                        "X-Prometheus-Scrape-Timeout-Seconds: 9.5");
  ASSERT_EQ(f.code, CURLE_OK) << curl_easy_strerror(f.code);
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.body, "https://a.example/x?y=1|m|<none>|9.5");
  EXPECT_EQ(f.content_type, "text/plain; version=0.0.4");
}

TEST_F(HttpServerTest, PathsMatchExactlyNotByPrefix) {
  const Fetched sub = Get(Port(), "/probe/x");
  ASSERT_EQ(sub.code, CURLE_OK);
  EXPECT_EQ(sub.status, 404);
  EXPECT_EQ(sub.body, "404 page not found\n");
  EXPECT_EQ(Get(Port(), "/probe").status, 200);
}

TEST_F(HttpServerTest, UnregisteredPathIsNotFound) {
  const Fetched f = Get(Port(), "/nothing-here");
  ASSERT_EQ(f.code, CURLE_OK);
  EXPECT_EQ(f.status, 404);
}

TEST_F(HttpServerTest, ThrowingHandlerIsA500AndTheServerKeepsServing) {
  const Fetched f = Get(Port(), "/boom");
  ASSERT_EQ(f.code, CURLE_OK);
  EXPECT_EQ(f.status, 500);
  EXPECT_THAT(f.body, HasSubstr("kaboom"));
  EXPECT_EQ(Get(Port(), "/-/healthy").status, 200);
}

TEST_F(HttpServerTest, HandlerThrowingANonStandardExceptionIsA500) {
  const Fetched f = Get(Port(), "/boom-int");
  ASSERT_EQ(f.code, CURLE_OK);
  EXPECT_EQ(f.status, 500);
  EXPECT_EQ(Get(Port(), "/-/healthy").status, 200);
}

TEST_F(HttpServerTest, EmptyBodyAndCustomStatus) {
  const Fetched f = Get(Port(), "/-/reload");
  ASSERT_EQ(f.code, CURLE_OK);
  EXPECT_EQ(f.status, 405);
  EXPECT_EQ(f.body, "");
}

TEST_F(HttpServerTest, PortInUseIsAnErrorNamingTheAddress) {
  HttpServer second;
  const auto error = second.Start(ListenAddress{"127.0.0.1", Port()}, 1);
  EXPECT_THAT(error,
              Optional(StartsWith("cannot listen on 127.0.0.1:" + std::to_string(Port()) + ": ")));
}

TEST(HttpServerStopTest, StopIsIdempotentAndClosesTheListener) {
  HttpServer server;
  server.Handle("/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
  ASSERT_EQ(server.Start(ListenAddress{"127.0.0.1", 0}, 1), std::nullopt);
  const int port = server.port();
  ASSERT_GT(port, 0);
  server.Stop();
  server.Stop();
  EXPECT_EQ(Get(port, "/x").code, CURLE_COULDNT_CONNECT);
}

TEST(HttpRequestTest, HeaderLookupIsCaseInsensitiveAndFirstWins) {
  HttpRequest r;
  r.headers = {{"Accept", "a"}, {"X-Thing", "1"}, {"x-thing", "2"}};
  EXPECT_THAT(r.Header("x-THING"), Optional(std::string("1")));
  EXPECT_EQ(r.Header("X-Thin"), std::nullopt);
  EXPECT_EQ(r.Header("Missing"), std::nullopt);
}

TEST(HttpRequestTest, ParamDecodesAndMissingIsNullopt) {
  HttpRequest r;
  r.query = "target=a%20b&module=http_2xx&empty=";
  EXPECT_THAT(r.Param("target"), Optional(std::string("a b")));
  EXPECT_THAT(r.Param("module"), Optional(std::string("http_2xx")));
  EXPECT_THAT(r.Param("empty"), Optional(std::string("")));
  EXPECT_EQ(r.Param("debug"), std::nullopt);
  EXPECT_EQ(HttpRequest().Param("target"), std::nullopt);
}

}  // namespace
}  // namespace outage
