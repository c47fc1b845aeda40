// Tests for HttpServer on a real loopback port, fetched with libcurl.
#include "exporter/server/http_server.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "exporter/probe_limiter.h"
#include "tests/support/raw_http_client.h"

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

HttpServerOptions Workers(int n) {
  HttpServerOptions options;
  options.worker_threads = n;
  return options;
}

// One server for the whole suite.
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
    RouteOptions post;
    post.methods = "POST";
    server_->Handle(
        "/post-only", [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); }, post);
    RouteOptions echo;
    echo.methods = "GET, POST";
    echo.subtree = true;
    echo.max_body_bytes = 8;
    server_->Handle(
        "/echo/",
        [](const HttpRequest& r) { return HttpResponse::Text(200, r.path + "|" + r.body); }, echo);
    start_error_ = server_->Start({ListenAddress{"127.0.0.1", 0}}, Workers(4));
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
  const auto error = second.Start({ListenAddress{"127.0.0.1", Port()}}, Workers(1));
  EXPECT_THAT(error,
              Optional(StartsWith("cannot listen on 127.0.0.1:" + std::to_string(Port()) + ": ")));
}

TEST(HttpServerStopTest, StopIsIdempotentAndClosesTheListener) {
  HttpServer server;
  server.Handle("/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
  ASSERT_EQ(server.Start({ListenAddress{"127.0.0.1", 0}}, Workers(1)), std::nullopt);
  const int port = server.port();
  ASSERT_GT(port, 0);
  server.Stop();
  server.Stop();
  EXPECT_EQ(Get(port, "/x").code, CURLE_COULDNT_CONNECT);
}

// RFC 9112's ambiguous framings, sent as raw bytes.
TEST_F(HttpServerTest, AmbiguousFramingsAre400AndClose) {
  for (const char* request : {
           "GET /-/healthy HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: "
           "37\r\n\r\nGET /probe HTTP/1.1\r\nHost: x\r\n\r\n",
           "GET /-/healthy HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
           "GET /-/healthy HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: "
           "5\r\n\r\n0\r\n\r\n",
       }) {
    SCOPED_TRACE(request);
    const std::string wire = test::SendRaw(Port(), request);
    EXPECT_EQ(test::StatusOf(wire), 400) << wire;
    // One answer, then the connection closes: the rest is never a request.
    EXPECT_EQ(wire.find("HTTP/1.1", 1), std::string::npos) << wire;
  }
}

TEST_F(HttpServerTest, AbsoluteFormAndOptionsAsteriskAreAnswered) {
  EXPECT_EQ(test::StatusOf(test::SendRaw(
                Port(), "GET http://x/-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            200);
  const std::string options =
      test::SendRaw(Port(), "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(test::StatusOf(options), 204) << options;
  EXPECT_THAT(options, HasSubstr("Allow: "));
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  for (const char* method : {"PUT", "DELETE", "PATCH", "POST"}) {
    const std::string wire =
        test::SendRaw(Port(), std::string(method) +
                                  " /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(test::StatusOf(wire), 405) << method << ": " << wire;
    EXPECT_THAT(wire, HasSubstr("Allow: GET, HEAD\r\n"));
  }
  const std::string get =
      test::SendRaw(Port(), "GET /post-only HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(test::StatusOf(get), 405) << get;
  EXPECT_THAT(get, HasSubstr("Allow: POST\r\n"));
  EXPECT_EQ(test::StatusOf(test::SendRaw(
                Port(), "BREW /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            501);
}

TEST_F(HttpServerTest, HeadOver16KiBIs431AndABodyIs413) {
  const std::string big = "GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17000, 'a');
  EXPECT_EQ(test::StatusOf(test::SendRaw(Port(), big)), 431);
  EXPECT_EQ(test::StatusOf(test::SendRaw(
                Port(), "POST /post-only HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")),
            413);
}

TEST_F(HttpServerTest, ASubtreeRouteAnswersThePathsBelowIt) {
  const std::string wire = test::SendRaw(Port(), "GET /echo/17 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(test::StatusOf(wire), 200) << wire;
  EXPECT_NE(wire.find("/echo/17|"), std::string::npos) << wire;
  EXPECT_EQ(test::StatusOf(test::SendRaw(Port(), "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")), 404);
  EXPECT_EQ(test::StatusOf(test::SendRaw(Port(), "GET /echo/ HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

TEST_F(HttpServerTest, ABodyUpToTheRoutesLimitIsReadWholeAndTheNextRequestFollows) {
  const std::string wire =
      test::SendRaw(Port(),
                    "POST /echo/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nabcdefgh"
                    "GET /echo/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(wire.find("/echo/1|abcdefgh"), std::string::npos) << wire;
  EXPECT_NE(wire.find("/echo/2|"), std::string::npos) << wire;
  EXPECT_EQ(test::StatusOf(test::SendRaw(
                Port(), "POST /echo/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nabcdefghi")),
            413);
  EXPECT_EQ(test::StatusOf(test::SendRaw(Port(),
                                         "POST /echo/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                         "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")),
            413);
}

TEST_F(HttpServerTest, KeepAliveServesPipelinedRequestsInOrder) {
  const std::string wire = test::SendRaw(
      Port(),
      "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n");
  const size_t second = wire.find("HTTP/1.1 404");
  EXPECT_EQ(test::StatusOf(wire), 200) << wire;
  EXPECT_NE(second, std::string::npos) << wire;
}

TEST_F(HttpServerTest, HalfClosedClientStillGetsItsAnswer) {
  const int fd = test::ConnectLoopback(Port());
  ASSERT_GE(fd, 0);
  const std::string request = "GET /probe?target=t HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  shutdown(fd, SHUT_WR);
  const std::string wire = test::ReadFor(fd, std::chrono::milliseconds(5000));
  close(fd);
  // The answer comes whether the server saw the request and the end of the
  // client's stream in one read or in two.
  EXPECT_EQ(test::StatusOf(wire), 200) << wire;
}

TEST(HttpServerEventThreadTest, CheapRoutesAndGateRefusalsAnswerWhileEveryWorkerIsBusy) {
  HttpServer server;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  server.Handle("/block", [released](const HttpRequest&) {
    released.wait();
    return HttpResponse::Text(200, "done");
  });
  RouteOptions cheap;
  cheap.on_event_thread = true;
  server.Handle(
      "/-/healthy", [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); }, cheap);
  RouteOptions gated;
  gated.gate = [](HttpRequest*) -> std::optional<HttpResponse> {
    return HttpResponse::Text(503, "full\n");
  };
  server.Handle(
      "/gated", [](const HttpRequest&) { return HttpResponse::Text(200, "in"); }, gated);
  ASSERT_EQ(server.Start({ListenAddress{"127.0.0.1", 0}}, Workers(1)), std::nullopt);
  std::thread blocked([&] { EXPECT_EQ(Get(server.port(), "/block").status, 200); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the one worker is taken
  const Fetched f = Get(server.port(), "/-/healthy");
  EXPECT_EQ(f.status, 200);
  // A gate's refusal is sent without a worker too.
  const Fetched refused = Get(server.port(), "/gated");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.body, "full\n");
  release.set_value();
  blocked.join();
}

TEST(HttpServerEventThreadTest, AThrowingCheapRouteOrGateIsA500AndTheServerKeepsServing) {
  HttpServer server;
  RouteOptions cheap;
  cheap.on_event_thread = true;
  server.Handle(
      "/cheap-boom", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("kaboom"); },
      cheap);
  RouteOptions gated;
  gated.gate = [](HttpRequest*) -> std::optional<HttpResponse> { throw 42; };
  server.Handle(
      "/gate-boom", [](const HttpRequest&) { return HttpResponse::Text(200, "in"); }, gated);
  server.Handle(
      "/-/healthy", [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); }, cheap);
  ASSERT_EQ(server.Start({ListenAddress{"127.0.0.1", 0}}, Workers(1)), std::nullopt);
  const Fetched cheap_boom = Get(server.port(), "/cheap-boom");
  EXPECT_EQ(cheap_boom.status, 500);
  EXPECT_EQ(cheap_boom.body, "internal error: kaboom\n");
  const Fetched gate_boom = Get(server.port(), "/gate-boom");
  EXPECT_EQ(gate_boom.status, 500);
  EXPECT_EQ(gate_boom.body, "internal error\n");
  EXPECT_EQ(Get(server.port(), "/-/healthy").status, 200);
}

// GatedBy is a route gated as /probe is: a slot of `limiter` per request,
// 503 when none is free.
RouteOptions GatedBy(ProbeLimiter* limiter) {
  RouteOptions gated;
  gated.gate = [limiter](HttpRequest* request) -> std::optional<HttpResponse> {
    auto slot = std::make_shared<ProbeLimiter::Slot>(limiter->TryAcquire());
    if (!slot->admitted()) return HttpResponse::Text(503, "full\n");
    request->admission = std::move(slot);
    return std::nullopt;
  };
  return gated;
}

TEST(HttpServerGateTest, WhatTheGateReservedIsFreeWhenTheAnswerArrives) {
  HttpServer server;
  ProbeLimiter limiter(1);
  const RouteOptions gated = GatedBy(&limiter);
  server.Handle(
      "/one", [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); }, gated);
  ASSERT_EQ(server.Start({ListenAddress{"127.0.0.1", 0}}, Workers(2)), std::nullopt);
  // One client asking again as soon as it has each answer is never refused.
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(Get(server.port(), "/one").status, 200) << "request " << i;
  }
  EXPECT_EQ(limiter.rejected_total(), 0);
}

TEST(HttpServerAsyncTest, AnAsyncRouteHoldsNoThreadAndIsAnsweredFromAnother) {
  // Each request is answered by a thread of the test, later; the server's
  // one worker stays blocked all along, so no answer can have used it.
  HttpServer server;
  std::mutex mu;
  std::vector<HttpResponder> waiting;  // guarded by mu
  server.HandleAsync("/later", [&](const HttpRequest& r, const HttpResponder& respond) {
    EXPECT_TRUE(r.Param("n").has_value());
    std::lock_guard<std::mutex> lock(mu);
    waiting.push_back(respond);
  });
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  server.Handle("/block", [released](const HttpRequest&) {
    released.wait();
    return HttpResponse::Text(200, "done");
  });
  ASSERT_EQ(server.Start({ListenAddress{"127.0.0.1", 0}}, Workers(1)), std::nullopt);
  std::thread blocked([&] { EXPECT_EQ(Get(server.port(), "/block").status, 200); });
  constexpr int kRequests = 5;
  std::vector<Fetched> answers(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back(
        [&, i] { answers[i] = Get(server.port(), "/later?n=" + std::to_string(i)); });
  }
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (waiting.size() == kRequests || std::chrono::steady_clock::now() > end) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::thread answerer([&] {
    std::lock_guard<std::mutex> lock(mu);
    for (const HttpResponder& respond : waiting) {
      respond.Send(HttpResponse::Text(200, "answered"));
      respond.Send(HttpResponse::Text(500, "a second answer is ignored"));
    }
  });
  answerer.join();
  for (auto& t : clients) t.join();
  for (const Fetched& f : answers) {
    EXPECT_EQ(f.status, 200);
    EXPECT_EQ(f.body, "answered");
  }
  release.set_value();
  blocked.join();
}

TEST(HttpServerAsyncTest, AResponderDroppedUnsentAnswers500) {
  HttpServer server;
  server.HandleAsync("/lost", [](const HttpRequest&, const HttpResponder&) {});
  server.HandleAsync("/throws", [](const HttpRequest&, const HttpResponder&) {
    throw std::runtime_error("kaboom");
  });
  ASSERT_EQ(server.Start({ListenAddress{"127.0.0.1", 0}}, Workers(1)), std::nullopt);
  const Fetched lost = Get(server.port(), "/lost");
  EXPECT_EQ(lost.status, 500);
  EXPECT_THAT(lost.body, HasSubstr("dropped unanswered"));
  const Fetched threw = Get(server.port(), "/throws");
  EXPECT_EQ(threw.status, 500);
  EXPECT_THAT(threw.body, HasSubstr("kaboom"));
}

TEST(HttpServerAsyncTest, AnAnswerAfterStopIsDroppedSafely) {
  std::optional<HttpResponder> kept;
  std::promise<void> started;
  auto server = std::make_unique<HttpServer>();
  server->HandleAsync("/never", [&](const HttpRequest&, const HttpResponder& respond) {
    kept = respond;
    started.set_value();
  });
  ASSERT_EQ(server->Start({ListenAddress{"127.0.0.1", 0}}, Workers(1)), std::nullopt);
  std::thread client([port = server->port()] { Get(port, "/never"); });
  started.get_future().wait();
  server.reset();  // the drain gives up on the request after its budget
  kept->Send(HttpResponse::Text(200, "too late"));
  kept.reset();
  client.join();
}

TEST(HttpServerAsyncTest, AGatedAsyncRouteFreesItsSlotBeforeTheAnswerIsSeen) {
  HttpServer server;
  ProbeLimiter limiter(1);
  const RouteOptions gated = GatedBy(&limiter);
  std::mutex mu;
  std::vector<std::thread> answerers;  // guarded by mu
  server.HandleAsync(
      "/one",
      [&](const HttpRequest& r, const HttpResponder& respond) {
        EXPECT_EQ(r.admission, nullptr) << "the slot belongs to the responder";
        std::lock_guard<std::mutex> lock(mu);
        answerers.emplace_back([respond] { respond.Send(HttpResponse::Text(200, "ok")); });
      },
      gated);
  ASSERT_EQ(server.Start({ListenAddress{"127.0.0.1", 0}}, Workers(1)), std::nullopt);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(Get(server.port(), "/one").status, 200) << "request " << i;
  }
  EXPECT_EQ(limiter.rejected_total(), 0);
  std::lock_guard<std::mutex> lock(mu);
  for (std::thread& t : answerers) t.join();
  EXPECT_EQ(limiter.in_flight(), 0);
}

TEST(HttpServerIpv6Test, ListensOnIpv6Loopback) {
  HttpServer server;
  server.Handle("/x", [](const HttpRequest&) { return HttpResponse::Text(200, "x"); });
  const auto error = server.Start({ListenAddress{"::1", 0}}, Workers(1));
  if (error) GTEST_SKIP() << "no IPv6 loopback here: " << *error;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
  const std::string url = "http://[::1]:" + std::to_string(server.port()) + "/x";
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  std::string body;
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
  ASSERT_EQ(curl_easy_perform(easy.get()), CURLE_OK);
  EXPECT_EQ(body, "x");
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
