// Tests for CallbackBoundary: an exception in a callback that libcurl calls
// fails the transfer with the exception's text instead of unwinding through
// libcurl.
#include "collectors/callback_boundary.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "collectors/http/curl_handles.h"

namespace outage {
namespace {

TEST(CallbackBoundaryTest, PassesTheResultThroughWhenNothingThrows) {
  std::string error;
  EXPECT_EQ(CallbackBoundary(0, &error, [] { return 7; }), 7);
  EXPECT_EQ(error, "");
}

TEST(CallbackBoundaryTest, AnyExceptionIsTheFailedValueAndItsText) {
  std::string error;
  EXPECT_EQ(CallbackBoundary(-1, &error, []() -> int { throw std::runtime_error("kaboom"); }), -1);
  EXPECT_EQ(error, "internal error in a callback: kaboom");
  EXPECT_EQ(CallbackBoundary(-1, &error, []() -> int { throw 42; }), -1);
  EXPECT_EQ(error, "internal error in a callback: unknown exception");
}

struct Sink {
  std::string error;
};

size_t ThrowingWrite(char*, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  return CallbackBoundary(size_t{0}, &sink->error, [&]() -> size_t {
    if (size * n > 0) throw std::runtime_error("kaboom");
    return size * n;
  });
}

TEST(CallbackBoundaryTest, AWriteCallbackThatThrowsFailsTheTransfer) {
  char path[] = "/tmp/callback_boundary_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "body", 4), 4);
  close(fd);
  CurlEasy easy(curl_easy_init());
  const std::string url = std::string("file://") + path;
  Sink sink;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &ThrowingWrite);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, static_cast<void*>(&sink));
  EXPECT_EQ(curl_easy_perform(easy.get()), CURLE_WRITE_ERROR);
  EXPECT_EQ(sink.error, "internal error in a callback: kaboom");
  std::remove(path);
}

}  // namespace
}  // namespace outage
