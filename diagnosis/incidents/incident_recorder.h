// IncidentRecorder: turns the diagnosis' state changes into incidents. A
// target leaving up for down or degraded opens its part of its service's
// open incident (opening the incident if the service has none); the part
// closes when the target is up again, and the incident when its last part
// closes. A target that leaves the config closes its part too, marked
// "removed", since nothing probes it any more. While a part is open every
// probe of it adds to the record: reasons with their first time and counts,
// maintenance and our-own-network time, the vendor's confirmation, the last
// failure's log. A target's states and its latency before an incident are
// kept in its TargetStore record; this class owns the incidents, which
// outlive the config, and hands each change to the StoreWriter, if any.
// Memory holds every open incident and the latest ended `max_closed` within
// retention; the file keeps every one within retention.
//
// Thread-safe: its own mutex guards the incidents; a target's record is
// reached under it (never the other way round).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "diagnosis/clock.h"
#include "diagnosis/diagnosis_observer.h"
#include "diagnosis/incidents/incident.h"
#include "diagnosis/incidents/store_writer.h"
#include "diagnosis/target_store.h"

namespace outage {

struct IncidentRecorderOptions {
  std::string group_label = "service";                            // --web.status-group-label
  std::chrono::milliseconds retention{400LL * 24 * 3600 * 1000};  // --storage.retention
  // A scrape that changed a state waits this long at most for the change to
  // be on disk, so a kill right after the scrape answered loses nothing.
  std::chrono::milliseconds durable_wait{1000};
  // Closed incidents kept in memory at most, the latest ended
  // (--storage.memory-incidents): a target that keeps failing and recovering
  // opens an incident each time, and each can carry 32 KiB of probe logs.
  size_t max_closed = 1000;
};

// IncidentFilter selects incidents; empty fields select everything.
struct IncidentFilter {
  std::string service;
  std::string target;
  std::optional<WallTime> since;  // still open at or after
  std::optional<WallTime> until;  // started at or before
  std::optional<bool> open;
};

// IncidentStats are the numbers behind the outage_incident* metrics.
struct IncidentStats {
  std::map<std::pair<std::string, std::string>, int64_t> opened;  // (service, first reason)
  std::map<std::string, bool> open;                               // by service, every one seen
  struct Histogram {
    std::vector<int64_t> counts;  // per kIncidentDurationBuckets bound, not cumulative, +Inf last
    double sum = 0;
  };
  std::map<std::string, Histogram> durations;  // closed incidents, by service
};

// kIncidentDurationBuckets are the upper bounds (seconds) of the duration
// histogram: a minute to a day.
inline const std::vector<double>& IncidentDurationBuckets() {
  static const std::vector<double> kBuckets = {60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400};
  return kBuckets;
}

class IncidentRecorder : public DiagnosisObserver {
 public:
  // `writer` may be null (storage in memory only); `store` must outlive
  // this.
  IncidentRecorder(const Clock* clock, TargetStore* store, StoreWriter* writer,
                   IncidentRecorderOptions options);
  IncidentRecorder(const IncidentRecorder&) = delete;
  IncidentRecorder& operator=(const IncidentRecorder&) = delete;

  // Restore takes the incidents read from the file at start-up. An open one
  // stays open, with a gap from its last record to now (the exporter was not
  // running), and is written back with it. New ids follow the highest one;
  // when the file could not be read (`file_unread`: it may hold incidents we
  // do not know) they start above the current Unix time, so they cannot
  // collide with the file's when it comes back.
  void Restore(std::vector<Incident> incidents, bool file_unread);

  // SyncTargets makes the open parts match `config`, which the caller has
  // just applied to the TargetStore (TargetStore::Sync): the open part of a
  // target no longer configured (by shown key; a control target has none)
  // ends now with a change to "removed", and the incident with its last
  // part, as on recovery. A kept target keeps its part. The change is
  // waited for on disk (bounded by durable_wait). Called with every config
  // applied, the first one after Restore included.
  void SyncTargets(const Config& config);

  // OnScrape records the scrape; its ticket is the write that must be on
  // disk before the scrape answers (a state changed), 0 when none must.
  uint64_t OnScrape(const ScrapeEvent& event) override;
  // AfterScrape waits (bounded by durable_wait) for that write.
  void AfterScrape(uint64_t ticket) override;

  // List returns the matching incidents, open ones first, then newest first.
  std::vector<Incident> List(const IncidentFilter& filter) const;
  std::optional<Incident> Get(int64_t id) const;
  // AddNote appends a note; false when there is no such incident.
  bool AddNote(int64_t id, const std::string& text);
  IncidentStats Stats() const;

 private:
  struct PartRef {
    int64_t incident;
    size_t part;
  };
  using OpenParts = std::map<std::string, PartRef>;
  // ClosePart ends the open part `open` at `now` and drops it from
  // open_parts_; the incident ends with its last open part. Returns the
  // entry after `open`.
  OpenParts::iterator ClosePart(OpenParts::iterator open, WallTime now);
  // KeepLatency keeps `result`'s duration as the target's latency before
  // an incident that may open later.
  void KeepLatency(const Target& target, const ProbeResult& result);
  void Save(const Incident& incident, bool durable, uint64_t* seq);
  void Forget(WallTime now);
  // TrimClosed drops the earliest ended incidents past max_closed.
  void TrimClosed();

  const Clock* clock_;
  TargetStore* const store_;
  StoreWriter* const writer_;
  const IncidentRecorderOptions options_;

  mutable std::mutex mu_;  // guards the fields below
  std::map<int64_t, Incident> incidents_;
  std::map<std::string, int64_t> open_by_service_;
  // The open part of each target, by TargetIdentity::shown_key: an index
  // into incidents_, restored with them from the file. It is the record's
  // own (per-target probe state is the TargetStore's); SyncTargets drops
  // the entries of targets the config no longer has.
  OpenParts open_parts_;
  std::set<std::pair<WallTime, int64_t>> closed_;  // (end, id) of closed ones in memory
  int64_t next_id_ = 1;
  WallTime last_forget_;
  IncidentStats stats_;
};

}  // namespace outage
