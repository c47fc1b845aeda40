// StoreWriter: writes incidents to the file on a thread of its own, so no
// scrape waits for a disk. Updates wait in a bounded queue keyed by incident
// (a newer copy replaces an older one, so the queue holds at most one entry
// per incident); a full queue drops the update and counts it. When the file
// cannot be written (full disk, read-only directory, locked), the writer
// keeps the updates, reports the store down, and tries again every
// retry_interval, writing everything kept once it succeeds.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "diagnosis/clock.h"
#include "diagnosis/incidents/incident.h"
#include "diagnosis/incidents/incident_store.h"

namespace outage {

struct StoreWriterOptions {
  std::string path;                                               // --storage.path
  std::chrono::milliseconds retention{400LL * 24 * 3600 * 1000};  // --storage.retention
  std::chrono::milliseconds retry_interval{10000};
  size_t max_queued = 4096;  // incidents waiting to be written
  // Called (on any thread) with a message and an error when the store goes
  // down or comes back (empty error).
  std::function<void(const std::string& message, const std::string& error)> log;
};

class StoreWriter {
 public:
  StoreWriter(const Clock* clock, StoreWriterOptions options);
  // The destructor writes what is queued (one attempt) and joins the thread.
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Start opens the file and starts the thread. A refused file is returned
  // as an error (the caller stops; nothing was written). A file that cannot
  // be used now leaves the store down: the incidents are kept in memory and
  // the writer tries again later. On success, *loaded holds the file's
  // incidents.
  std::optional<std::string> Start(std::vector<Incident>* loaded);

  // Enqueue queues a copy of `incident`; returns its sequence number, or 0
  // when the queue was full and the update was dropped.
  uint64_t Enqueue(const Incident& incident);

  // WaitWritten waits up to `timeout` for update `seq` to be committed;
  // false at once while the store is down.
  bool WaitWritten(uint64_t seq, std::chrono::milliseconds timeout);

  bool up() const;
  int64_t errors_total() const;
  int64_t dropped_total() const;

 private:
  struct Queued {
    Incident incident;
    uint64_t seq;
  };
  void Run();
  // WriteBatch writes `batch` (up to `seq`); called without the lock held.
  bool WriteBatch(std::map<int64_t, Queued>* batch, uint64_t seq);
  void MarkDown(const std::string& message, const std::string& error);

  const Clock* clock_;
  const StoreWriterOptions options_;
  std::unique_ptr<IncidentStore> store_;  // used by the writer thread only, after Start

  mutable std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  std::map<int64_t, Queued> queue_;  // by incident id
  uint64_t next_seq_ = 1;
  uint64_t written_seq_ = 0;
  bool up_ = false;
  bool stopping_ = false;
  int64_t errors_ = 0;
  int64_t dropped_ = 0;
  std::thread thread_;
};

}  // namespace outage
