// TargetStore: the one owner of what is kept about each configured target
// across scrapes, one TargetRecord per Target::identity.key. Sync is the one
// place a reload maps the old records to the new config.
//
// Thread-safe: one mutex guards every record. Concurrent scrapes, /probe,
// the status page and reloads all reach it; each takes the lock for one
// target's operation (Update, Read), never for a whole scrape. A callback
// run under it must not block: no I/O, no waiting on a future, no other
// lock than a queue's (ProbeResultCache's start enqueues a probe). Callers
// may hold their own locks (Diagnosis, IncidentRecorder); it is always the
// last one taken.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "diagnosis/clock.h"
#include "diagnosis/target_record.h"

namespace outage {

class TargetStore {
 public:
  explicit TargetStore(const Clock* clock) : clock_(clock) {}
  TargetStore(const TargetStore&) = delete;
  TargetStore& operator=(const TargetStore&) = delete;

  // Sync makes the records match `config`: a target no longer configured
  // loses its record (every part of it), a new one gets a record that
  // starts unknown with zeroed counts, and a kept one (same target and
  // module) keeps its record, except that changed labels restart its counts
  // and changed histogram buckets restart every histogram (counters go on).
  void Sync(const Config& config);

  // Update calls fn(TargetRecord&) with `target`'s record under the lock.
  // False, without calling fn, for a target unknown to the last Sync (a
  // scrape that raced a reload).
  template <typename Fn>
  bool Update(const Target& target, Fn&& fn) {
    return With(this, target, fn);
  }

  // Read is Update for a reader: fn(const TargetRecord&).
  template <typename Fn>
  bool Read(const Target& target, Fn&& fn) const {
    return With(this, target, fn);
  }

  // ReadAll calls fn(const TargetRecord&) for every record, under the lock
  // throughout: for rare lookups (a /logs page), not for a scrape.
  template <typename Fn>
  void ReadAll(Fn&& fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, record] : records_) fn(record);
  }

  // histogram_buckets are the upper bounds of every record's histograms.
  // Read them only inside an Update or Read callback: Sync changes them.
  const std::vector<double>& histogram_buckets() const { return buckets_; }

 private:
  // With is Update and Read: `self` is this, const or not.
  template <typename Self, typename Fn>
  static bool With(Self* self, const Target& target, Fn& fn) {
    std::lock_guard<std::mutex> lock(self->mu_);
    auto it = self->records_.find(target.identity.key);
    if (it == self->records_.end()) return false;
    fn(it->second);
    return true;
  }

  const Clock* clock_;
  mutable std::mutex mu_;  // guards everything below
  std::vector<double> buckets_ = DefaultHistogramBuckets();
  std::map<std::string, TargetRecord, std::less<>> records_;  // by Target::identity.key
};

}  // namespace outage
