// Tests for EventLoop on a real thread: posted work, timers, fd watches and
// Stop. Every wait is bounded so a broken loop fails instead of hanging.
#include "collectors/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace outage {
namespace {

using std::chrono::milliseconds;
using Clock = EventLoop::Clock;

constexpr auto kWait = std::chrono::seconds(5);

class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] { loop_.Run(); });
  }
  void TearDown() override {
    loop_.Stop();
    thread_.join();
  }

  // OnLoop runs fn on the loop thread and waits for it to finish.
  bool OnLoop(std::function<void()> fn) {
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    loop_.Post([fn = std::move(fn), done] {
      fn();
      done->set_value();
    });
    return finished.wait_for(kWait) == std::future_status::ready;
  }

  EventLoop loop_;
  std::thread thread_;
};

TEST_F(EventLoopTest, PostRunsOnTheLoopThread) {
  std::promise<std::thread::id> ran_on;
  auto id = ran_on.get_future();
  loop_.Post([&ran_on] { ran_on.set_value(std::this_thread::get_id()); });
  ASSERT_EQ(id.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(id.get(), thread_.get_id());
  EXPECT_NE(thread_.get_id(), std::this_thread::get_id());
}

TEST_F(EventLoopTest, PostedWorkRunsInOrder) {
  auto order = std::make_shared<std::vector<int>>();
  for (int i = 0; i < 5; ++i) loop_.Post([order, i] { order->push_back(i); });
  ASSERT_TRUE(OnLoop([] {}));
  EXPECT_EQ(*order, (std::vector<int>{0, 1, 2, 3, 4}));
}

struct Firing {
  int tag;
  Clock::time_point due;
  Clock::time_point fired;
};

TEST_F(EventLoopTest, TimersFireInDeadlineOrderAndNeverEarly) {
  auto fired = std::make_shared<std::vector<Firing>>();
  auto all_fired = std::make_shared<std::promise<void>>();
  auto done = all_fired->get_future();
  ASSERT_TRUE(OnLoop([&] {
    const Clock::time_point start = Clock::now();
    for (int tag : {60, 20, 40}) {
      const Clock::time_point due = start + milliseconds(tag);
      loop_.AddTimer(due, [fired, all_fired, tag, due] {
        fired->push_back(Firing{tag, due, Clock::now()});
        if (fired->size() == 3) all_fired->set_value();
      });
    }
  }));
  ASSERT_EQ(done.wait_for(kWait), std::future_status::ready);
  ASSERT_TRUE(OnLoop([] {}));  // fired is written on the loop thread
  ASSERT_EQ(fired->size(), 3u);
  EXPECT_EQ((*fired)[0].tag, 20);
  EXPECT_EQ((*fired)[1].tag, 40);
  EXPECT_EQ((*fired)[2].tag, 60);
  for (const Firing& f : *fired) {
    EXPECT_GE(f.fired, f.due) << "timer " << f.tag << " fired early";
  }
}

TEST_F(EventLoopTest, TimersWithTheSameDeadlineFireInCreationOrder) {
  auto order = std::make_shared<std::vector<int>>();
  auto last = std::make_shared<std::promise<void>>();
  auto done = last->get_future();
  ASSERT_TRUE(OnLoop([&] {
    const Clock::time_point due = Clock::now() + milliseconds(10);
    for (int i = 0; i < 4; ++i) {
      loop_.AddTimer(due, [order, last, i] {
        order->push_back(i);
        if (i == 3) last->set_value();
      });
    }
  }));
  ASSERT_EQ(done.wait_for(kWait), std::future_status::ready);
  ASSERT_TRUE(OnLoop([] {}));
  EXPECT_EQ(*order, (std::vector<int>{0, 1, 2, 3}));
}

TEST_F(EventLoopTest, CancelledTimerNeverFires) {
  auto cancelled_fired = std::make_shared<std::atomic<bool>>(false);
  auto later = std::make_shared<std::promise<void>>();
  auto done = later->get_future();
  EventLoop::TimerId cancelled = 0;
  EventLoop::TimerId kept = 0;
  ASSERT_TRUE(OnLoop([&] {
    const Clock::time_point now = Clock::now();
    cancelled =
        loop_.AddTimer(now + milliseconds(10), [cancelled_fired] { *cancelled_fired = true; });
    kept = loop_.AddTimer(now + milliseconds(50), [later] { later->set_value(); });
    loop_.CancelTimer(cancelled);
    loop_.CancelTimer(cancelled);  // twice is harmless
  }));
  EXPECT_NE(cancelled, kept);
  ASSERT_EQ(done.wait_for(kWait), std::future_status::ready);
  EXPECT_FALSE(*cancelled_fired);
}

TEST_F(EventLoopTest, TimerCallbackMayCancelALaterTimer) {
  auto second_fired = std::make_shared<std::atomic<bool>>(false);
  auto third = std::make_shared<std::promise<void>>();
  auto done = third->get_future();
  ASSERT_TRUE(OnLoop([&] {
    // Both due by the time the loop looks, so they are in one batch.
    const Clock::time_point now = Clock::now();
    auto second = std::make_shared<EventLoop::TimerId>(0);
    loop_.AddTimer(now + milliseconds(20), [this, second] { loop_.CancelTimer(*second); });
    *second = loop_.AddTimer(now + milliseconds(20), [second_fired] { *second_fired = true; });
    loop_.AddTimer(now + milliseconds(60), [third] { third->set_value(); });
  }));
  ASSERT_EQ(done.wait_for(kWait), std::future_status::ready);
  EXPECT_FALSE(*second_fired);
}

struct EventFd {
  EventFd() : fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~EventFd() { close(fd); }
  void Signal() const {
    const uint64_t one = 1;
    ASSERT_EQ(write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  }
  int fd;
};

TEST_F(EventLoopTest, WatchFdDeliversReadabilityAndUnwatchFdStopsIt) {
  auto fd = std::make_shared<EventFd>();
  ASSERT_GE(fd->fd, 0);
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto events_seen = std::make_shared<std::atomic<uint32_t>>(0);
  auto first = std::make_shared<std::promise<void>>();
  auto first_done = first->get_future();
  ASSERT_TRUE(OnLoop([&] {
    loop_.WatchFd(fd->fd, EPOLLIN, [fd, calls, events_seen, first](uint32_t events) {
      uint64_t count;
      [[maybe_unused]] ssize_t n = read(fd->fd, &count, sizeof count);
      *events_seen = events;
      if (++*calls == 1) first->set_value();
    });
  }));
  EXPECT_EQ(*calls, 0) << "callback before the fd was readable";

  fd->Signal();
  ASSERT_EQ(first_done.wait_for(kWait), std::future_status::ready);
  EXPECT_TRUE(*events_seen & EPOLLIN);
  EXPECT_EQ(*calls, 1);

  ASSERT_TRUE(OnLoop([&] { loop_.UnwatchFd(fd->fd); }));
  fd->Signal();
  // Give the loop a full round past its next wake-up to (wrongly) deliver.
  auto settled = std::make_shared<std::promise<void>>();
  auto settled_done = settled->get_future();
  ASSERT_TRUE(OnLoop([&] {
    loop_.AddTimer(Clock::now() + milliseconds(100), [settled] { settled->set_value(); });
  }));
  ASSERT_EQ(settled_done.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(*calls, 1);
}

TEST_F(EventLoopTest, UnwatchFdOfAnUnwatchedFdIsHarmless) {
  EventFd fd;
  EXPECT_TRUE(OnLoop([&] {
    loop_.UnwatchFd(fd.fd);
    loop_.UnwatchFd(12345);
  }));
}

// BackgroundLoop runs a loop on its own thread. If Run() never returns, the
// loop and thread are leaked rather than joined, so the test fails instead
// of hanging.
class BackgroundLoop {
 public:
  BackgroundLoop() : loop_(new EventLoop), returned_(returned_promise_.get_future()) {}
  ~BackgroundLoop() {
    if (!thread_.joinable()) {
      delete loop_;
    } else if (returned_.wait_for(kWait) == std::future_status::ready) {
      thread_.join();
      delete loop_;
    } else {
      ADD_FAILURE() << "EventLoop::Run() did not return; leaking it";
      thread_.detach();
    }
  }
  EventLoop& loop() { return *loop_; }
  void Start() {
    thread_ = std::thread([this] {
      loop_->Run();
      returned_promise_.set_value();
    });
  }
  bool ReturnedWithin(std::chrono::milliseconds d) {
    return returned_.wait_for(d) == std::future_status::ready;
  }

 private:
  EventLoop* loop_;
  std::promise<void> returned_promise_;
  std::future<void> returned_;
  std::thread thread_;
};

TEST(EventLoopStopTest, StopFromAnotherThreadEndsRun) {
  BackgroundLoop bg;
  bg.Start();
  // Run blocks in epoll_wait with nothing to do.
  EXPECT_FALSE(bg.ReturnedWithin(milliseconds(50)));
  bg.loop().Stop();
  EXPECT_TRUE(bg.ReturnedWithin(kWait));
}

TEST(EventLoopStopTest, StopBeforeRunEndsRunPromptly) {
  BackgroundLoop bg;
  bg.loop().Stop();
  bg.Start();
  EXPECT_TRUE(bg.ReturnedWithin(kWait));
}

TEST(EventLoopStopTest, StopEndsRunDespitePendingTimers) {
  BackgroundLoop bg;
  auto fired = std::make_shared<std::atomic<bool>>(false);
  auto added = std::make_shared<std::promise<void>>();
  auto added_done = added->get_future();
  EventLoop& loop = bg.loop();
  loop.Post([&loop, fired, added] {
    loop.AddTimer(Clock::now() + std::chrono::hours(1), [fired] { *fired = true; });
    added->set_value();
  });
  bg.Start();
  ASSERT_EQ(added_done.wait_for(kWait), std::future_status::ready);
  loop.Stop();
  EXPECT_TRUE(bg.ReturnedWithin(kWait));
  EXPECT_FALSE(*fired);
}

}  // namespace
}  // namespace outage
