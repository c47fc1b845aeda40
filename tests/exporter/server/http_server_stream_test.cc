// Tests for streamed bodies (HttpResponse::body_stream) on a real loopback
// port: framing, completeness, failure mid-body and back-pressure.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "exporter/server/http_server.h"
#include "tests/support/http_client.h"
#include "tests/support/raw_http_client.h"

namespace outage {
namespace {

constexpr size_t kSliceBytes = 256 * 1024;
constexpr int kSlices = 200;  // 50 MiB in all

// Slices counts the slices produced and makes kSlices of kSliceBytes, each
// filled with one letter, so the order can be checked.
struct Slices {
  std::atomic<int> made{0};
  HttpResponse Response() {
    HttpResponse r;
    r.body_stream = [this, n = std::make_shared<int>(0)](std::string* out) {
      if (*n == kSlices) return false;
      out->append(kSliceBytes, static_cast<char>('a' + *n % 26));
      ++*n;
      made.fetch_add(1);
      return true;
    };
    return r;
  }
};

class HttpServerStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Handle("/stream", [this](const HttpRequest&) { return slices_.Response(); });
    server_.Handle("/fails", [](const HttpRequest&) {
      HttpResponse r;
      r.body_stream = [n = std::make_shared<int>(0)](std::string* out) -> bool {
        if (++*n > 3) throw std::runtime_error("producer broke");
        out->append(kSliceBytes, 'x');
        return true;
      };
      return r;
    });
    HttpServerOptions options;
    options.worker_threads = 2;
    ASSERT_EQ(server_.Start({ListenAddress{"127.0.0.1", 0}}, options), std::nullopt);
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  Slices slices_;
  HttpServer server_;
};

void ExpectSlices(const std::string& body) {
  ASSERT_EQ(body.size(), kSliceBytes * kSlices);
  for (int i = 0; i < kSlices; ++i) {
    ASSERT_EQ(body[i * kSliceBytes], static_cast<char>('a' + i % 26)) << "slice " << i;
  }
}

TEST_F(HttpServerStreamTest, StreamedBodyIsChunkedAndComplete) {
  const test::HttpResponse r = test::HttpGet(Url("/stream"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("transfer-encoding"), "chunked");
  EXPECT_EQ(r.headers.count("content-length"), 0u);
  ExpectSlices(r.body);
  // The connection stays usable after the last chunk.
  EXPECT_EQ(test::HttpGet(Url("/stream")).body.size(), kSliceBytes * kSlices);
}

TEST_F(HttpServerStreamTest, Http10StreamedBodyEndsByClosing) {
  const std::string wire =
      test::SendRaw(server_.port(), "GET /stream HTTP/1.0\r\n\r\n", std::chrono::seconds(20));
  const size_t head_end = wire.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const std::string head = wire.substr(0, head_end);
  EXPECT_EQ(test::StatusOf(wire), 200);
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
  ExpectSlices(wire.substr(head_end + 4));
}

TEST_F(HttpServerStreamTest, HeadAsksForNoSlice) {
  const std::string wire = test::SendRaw(
      server_.port(), "HEAD /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(test::StatusOf(wire), 200) << wire;
  EXPECT_EQ(wire.substr(wire.find("\r\n\r\n") + 4), "");
  EXPECT_EQ(slices_.made.load(), 0);
}

TEST_F(HttpServerStreamTest, AProducerThatThrowsCutsTheBodyShort) {
  const test::HttpResponse r = test::HttpGet(Url("/fails"));
  EXPECT_FALSE(r.ok) << "a cut body must not look complete (" << r.body.size() << " bytes)";
  // The server goes on serving.
  EXPECT_TRUE(test::HttpGet(Url("/stream")).ok);
}

// A client that stops reading holds production back: what waits for it is
// the kernel's socket buffers plus at most two slices, not the whole body.
TEST_F(HttpServerStreamTest, ASlowReaderHoldsProductionBack) {
  const int fd = test::ConnectLoopback(server_.port());
  ASSERT_GE(fd, 0);
  const int small = 64 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const std::string request = "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  // Wait (bounded) until production stalls: the count stops moving.
  int last = -1;
  for (int i = 0; i < 50 && slices_.made.load() != last; ++i) {
    last = slices_.made.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_LT(slices_.made.load(), kSlices / 4)
      << "the body was produced ahead of a client that does not read";
  const std::string wire = test::ReadFor(fd, std::chrono::seconds(30));
  close(fd);
  EXPECT_EQ(slices_.made.load(), kSlices);
  EXPECT_GT(wire.size(), kSliceBytes * kSlices);
}

}  // namespace
}  // namespace outage
