// EventLoop: one epoll loop on one thread that drives every probe at once
// (curl transfers, c-ares lookups, raw sockets), plus timers and a
// thread-safe queue for work posted from other threads. Timers are due by an
// injectable clock, so a test can move time on without sleeping.
//
// Thread-safety: Post() and Stop() may be called from any thread; every other
// method must be called on the loop thread (from inside a callback or Post).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace outage {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using FdCallback = std::function<void(uint32_t epoll_events)>;
  using TimerId = uint64_t;
  // NowFunction tells the time by which timers are due.
  using NowFunction = std::function<Clock::time_point()>;

  // EventLoop with the real clock, or `now` (a test's simulated time, which
  // must never run behind Clock::now(): callers arm timers from the real
  // clock). After moving simulated time on, Post anything to wake the loop.
  explicit EventLoop(NowFunction now = nullptr);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Run dispatches events until Stop() is called. Call on one thread only.
  void Run();
  // Stop makes Run() return after the current iteration. Thread-safe.
  void Stop();
  // Post queues fn to run on the loop thread soon. Thread-safe.
  void Post(std::function<void()> fn);

  // WatchFd starts or changes watching fd for `events` (EPOLLIN/EPOLLOUT).
  void WatchFd(int fd, uint32_t events, FdCallback callback);
  // UnwatchFd stops watching fd; safe if fd is not watched or already closed.
  void UnwatchFd(int fd);

  // AddTimer runs callback once at `when` (or soon after). Returns an id for
  // CancelTimer; ids are never reused.
  TimerId AddTimer(Clock::time_point when, std::function<void()> callback);
  void CancelTimer(TimerId id);

  // Now is the time by which timers are due.
  Clock::time_point Now() const { return now_ ? now_() : Clock::now(); }

 private:
  struct Watch {
    uint32_t generation;
    FdCallback callback;
  };

  void RunPosted();
  bool HasPosted();
  void RunDueTimers();
  int MillisUntilNextTimer() const;

  NowFunction now_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;       // eventfd that interrupts epoll_wait for a Post from another thread
  bool stopping_ = false;  // loop thread only; set from the posted stop task

  std::unordered_map<int, Watch> watches_;
  uint32_t next_generation_ = 1;

  std::map<std::pair<Clock::time_point, TimerId>, std::function<void()>> timers_;
  std::unordered_map<TimerId, Clock::time_point> timer_deadlines_;
  TimerId next_timer_id_ = 1;

  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;  // guarded by posted_mu_
};

}  // namespace outage
