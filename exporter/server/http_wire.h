// The bytes of an HTTP/1.x response on their way out of the listener
// (exporter/http_server.h): a response rendered for the wire, and the queue
// that carries answers made on other threads (workers, the probe engine's
// loop) back to the event thread that owns the sockets.
//
// Thread-safety: Wire and Done are plain values; AnswerQueue is thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/server/http_request.h"

namespace prometheus {
class Histogram;
}  // namespace prometheus

namespace outage {

// BodyStream is a streamed body on its way out: the handler's producer and
// how its slices are framed. Shared by the connection and the worker making
// the next slice, so either may finish first.
struct BodyStream {
  std::function<bool(std::string* out)> next;
  bool chunked = true;  // HTTP/1.1; HTTP/1.0 ends the body by closing

  // Frame wraps one slice for the wire.
  std::string Frame(std::string slice) const;
};

// Wire is a response ready to send: its bytes, and for a streamed body what
// produces the rest.
struct Wire {
  std::deque<std::string> pieces;
  std::shared_ptr<BodyStream> stream;
};

// KeepsAlive reports whether the connection can carry another request
// after `response`: an HTTP/1.0 streamed body ends by closing it.
bool KeepsAlive(const HttpResponse& response, bool http10, bool keep_alive);

// Serialize renders `response` for the wire: the head and a small body as
// one piece (one write), a large body as a piece of its own, a streamed
// body as the producer of the rest. `keep_alive` comes from KeepsAlive.
Wire Serialize(HttpResponse response, bool http10, bool keep_alive, bool head_only);

// Done is a handler's answer, or the next slice of a streamed body, on its
// way back to the event thread.
struct Done {
  uint64_t connection = 0;
  Wire wire;
  // duration, owned by the listener, gets `seconds` when the event thread
  // takes the answer: an answer that comes after the listener is gone must
  // not touch it.
  prometheus::Histogram* duration = nullptr;
  double seconds = 0;
  bool keep_alive = true;
  bool slice = false;         // wire.pieces continue the body being sent
  bool stream_end = false;    // ... and end it
  bool stream_error = false;  // the producer threw: the body cannot be completed
};

// AnswerQueue carries Done values from any thread to the event thread and
// wakes it through an eventfd (fd(), watched by its epoll). Every
// outstanding responder holds it, so an answer that arrives after the
// listener stopped (Close) is dropped, never written to a freed loop.
class AnswerQueue {
 public:
  AnswerQueue();
  ~AnswerQueue();
  AnswerQueue(const AnswerQueue&) = delete;
  AnswerQueue& operator=(const AnswerQueue&) = delete;

  int fd() const { return fd_; }
  // Push queues `done` and wakes the event thread; dropped after Close.
  void Push(Done done);
  // Wake wakes the event thread with nothing queued (to see a stop request).
  void Wake() const;
  // Take empties the queue (and the eventfd's count); event thread only.
  std::vector<Done> Take();
  // Close drops everything pushed from now on.
  void Close();

 private:
  const int fd_;
  std::mutex mu_;
  std::vector<Done> done_;  // guarded by mu_
  bool closed_ = false;     // guarded by mu_
};

}  // namespace outage
