// EventLoop: one epoll loop on one thread that drives every probe at once
// (curl transfers, and later DNS and raw sockets), plus timers and a
// thread-safe queue for work posted from other threads.
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

  EventLoop();
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

 private:
  struct Watch {
    uint32_t generation;
    FdCallback callback;
  };

  void RunPosted();
  void RunDueTimers();
  int MillisUntilNextTimer() const;

  int epoll_fd_ = -1;
  int wake_fd_ = -1;       // eventfd that interrupts epoll_wait for Post/Stop
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
