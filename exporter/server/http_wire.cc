#include "exporter/server/http_wire.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <utility>

#include "exporter/server/http_status_text.h"

namespace outage {
namespace {

// Bodies up to this size go out in the same write as the head.
constexpr size_t kCoalesceBodyBytes = 64 * 1024;

// HttpDate is the Date header's value, formatted once a second per thread.
const std::string& HttpDate() {
  thread_local time_t formatted_at = -1;
  thread_local std::string date;
  const time_t now = time(nullptr);
  if (now != formatted_at) {
    char text[64];
    tm utc{};
    const size_t n = strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &utc));
    date.assign(text, n);
    formatted_at = now;
  }
  return date;
}

}  // namespace

std::string BodyStream::Frame(std::string slice) const {
  if (!chunked) return slice;
  char size[24];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", slice.size());
  std::string framed;
  framed.reserve(slice.size() + static_cast<size_t>(n) + 2);
  framed.append(size, static_cast<size_t>(n)).append(slice).append("\r\n");
  return framed;
}

bool KeepsAlive(const HttpResponse& response, bool http10, bool keep_alive) {
  return keep_alive && !(http10 && response.body_stream);
}

Wire Serialize(HttpResponse response, bool http10, bool keep_alive, bool head_only) {
  const bool streamed = static_cast<bool>(response.body_stream);
  const size_t length = response.body.size();
  std::string out;
  const bool coalesce = !head_only && !streamed && length <= kCoalesceBodyBytes;
  out.reserve(256 + (coalesce ? length : 0));
  out.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(std::to_string(response.status));
  out.append(" ").append(StatusText(response.status)).append("\r\n");
  out.append("Date: ").append(HttpDate()).append("\r\n");
  out.append("Connection: ").append(keep_alive ? "keep-alive" : "close").append("\r\n");
  out.append("Content-Type: ").append(response.content_type).append("\r\n");
  if (!streamed) {
    out.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
  } else if (!http10) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("\r\n");
  Wire wire;
  if (head_only) {
    wire.pieces.push_back(std::move(out));
  } else if (coalesce) {
    out.append(response.body);
    wire.pieces.push_back(std::move(out));
  } else if (!streamed) {
    wire.pieces.push_back(std::move(out));
    wire.pieces.push_back(std::move(response.body));
  } else {
    wire.stream = std::make_shared<BodyStream>();
    wire.stream->next = std::move(response.body_stream);
    wire.stream->chunked = !http10;
    wire.pieces.push_back(std::move(out));
    if (!response.body.empty()) wire.pieces.push_back(wire.stream->Frame(std::move(response.body)));
  }
  return wire;
}

AnswerQueue::AnswerQueue() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

AnswerQueue::~AnswerQueue() {
  if (fd_ >= 0) close(fd_);
}

void AnswerQueue::Push(Done done) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    // Answers already queued mean a wake-up is on its way and the event
    // thread has not taken the queue yet: it will take this one too.
    wake = done_.empty();
    done_.push_back(std::move(done));
  }
  if (wake) Wake();
}

void AnswerQueue::Wake() const {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(fd_, &one, sizeof one);
}

std::vector<Done> AnswerQueue::Take() {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t r = read(fd_, &count, sizeof count);
  std::vector<Done> done;
  std::lock_guard<std::mutex> lock(mu_);
  done.swap(done_);
  return done;
}

void AnswerQueue::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  done_.clear();
}

}  // namespace outage
