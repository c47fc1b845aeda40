// WorkerPool runs tasks on up to a fixed number of threads, in the order
// given. Threads start when a task finds none idle, not up front: each costs
// about 20 KiB of resident stack and bookkeeping, and the cap is sized for
// the most /probe requests that may ever run at once. The web listener hands
// it complete requests; the queue holds at most one task per open
// connection, so the connection limit bounds it.
//
// Thread-safe: Submit from any thread; Stop waits for queued and running
// tasks to finish.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace outage {

class WorkerPool {
 public:
  explicit WorkerPool(int max_threads) : max_threads_(max_threads) {}
  ~WorkerPool() { Stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  // Stop runs what is queued, then joins the threads. Idempotent.
  void Stop();

 private:
  void Run();

  const int max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  int idle_ = 0;                             // guarded by mu_; threads waiting for a task
  std::vector<std::thread> threads_;         // guarded by mu_ until Stop
};

}  // namespace outage
