#include "collectors/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace outage {
namespace {

// epoll_event.data carries the fd and its watch generation, so an event for
// an fd that was closed and reused within one batch is recognised as stale.
uint64_t Pack(int fd, uint32_t generation) {
  return (static_cast<uint64_t>(generation) << 32) | static_cast<uint32_t>(fd);
}

constexpr int kWakeFdTag = -1;

}  // namespace

EventLoop::EventLoop(NowFunction now) : now_(std::move(now)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    throw std::runtime_error(std::string("event loop: ") + std::strerror(errno));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = Pack(kWakeFdTag, 0);
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

EventLoop::~EventLoop() {
  close(wake_fd_);
  close(epoll_fd_);
}

namespace {
// The loop running on this thread, if any: a post from inside it needs no
// wake-up, since Run() looks at the queue before it waits again.
thread_local const EventLoop* running_loop = nullptr;
}  // namespace

void EventLoop::Post(std::function<void()> fn) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    // Work already queued means a wake-up is already on its way (or the loop
    // will see the queue before it waits) and the loop has not taken the
    // queue yet: it will take this too. (A /metrics scrape posts one probe
    // per target; one write wakes the loop for all.)
    wake = posted_.empty() && running_loop != this;
    posted_.push_back(std::move(fn));
  }
  if (!wake) return;
  const uint64_t one = 1;
  // A full counter (EAGAIN) still leaves the fd readable: nothing is lost.
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void EventLoop::Stop() {
  Post([this] { stopping_ = true; });
}

void EventLoop::WatchFd(int fd, uint32_t events, FdCallback callback) {
  auto it = watches_.find(fd);
  const bool existing = it != watches_.end();
  const uint32_t generation = existing ? it->second.generation : next_generation_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = Pack(fd, generation);
  int rc = epoll_ctl(epoll_fd_, existing ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
  if (rc != 0 && existing && errno == ENOENT) {
    // The fd was closed and reopened since we watched it: register afresh.
    rc = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  } else if (rc != 0 && !existing && errno == EEXIST) {
    rc = epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
  }
  if (rc != 0) return;  // a dead fd: its owner sees the error on its next I/O
  watches_[fd] = Watch{generation, std::move(callback)};
}

void EventLoop::UnwatchFd(int fd) {
  if (watches_.erase(fd) == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // EBADF after close is fine
}

EventLoop::TimerId EventLoop::AddTimer(Clock::time_point when, std::function<void()> callback) {
  const TimerId id = next_timer_id_++;
  timers_.emplace(std::make_pair(when, id), std::move(callback));
  timer_deadlines_.emplace(id, when);
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  auto it = timer_deadlines_.find(id);
  if (it == timer_deadlines_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  timer_deadlines_.erase(it);
}

int EventLoop::MillisUntilNextTimer() const {
  if (timers_.empty()) return -1;
  const auto wait = timers_.begin()->first.first - Now();
  if (wait <= Clock::duration::zero()) return 0;
  // Round up so we never wake before the timer is due.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

void EventLoop::RunPosted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void EventLoop::RunDueTimers() {
  const auto now = Now();
  // Take one timer at a time: a callback may add or cancel others.
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_deadlines_.erase(node.key().second);
    node.mapped()();
  }
}

bool EventLoop::HasPosted() {
  std::lock_guard<std::mutex> lock(posted_mu_);
  return !posted_.empty();
}

void EventLoop::Run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  running_loop = this;
  while (!stopping_) {
    // Work the loop posted to itself has no wake-up write behind it (nor has
    // a post from elsewhere that found it queued): poll, do not sleep.
    const int n =
        epoll_wait(epoll_fd_, events, kMaxEvents, HasPosted() ? 0 : MillisUntilNextTimer());
    if (n < 0 && errno != EINTR) std::abort();  // a broken epoll fd is a bug
    for (int i = 0; i < n; ++i) {
      const int fd = static_cast<int32_t>(events[i].data.u64 & 0xffffffffu);
      const uint32_t generation = static_cast<uint32_t>(events[i].data.u64 >> 32);
      if (fd == kWakeFdTag) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &count, sizeof count);
        continue;
      }
      auto it = watches_.find(fd);
      if (it == watches_.end() || it->second.generation != generation) continue;
      // Copy: the callback may unwatch (and so destroy) its own entry.
      FdCallback callback = it->second.callback;
      callback(events[i].events);
    }
    RunDueTimers();
    RunPosted();
  }
  running_loop = nullptr;
}

}  // namespace outage
