// PathTracer: where on the path a failed probe's packets stop. It sends one
// UDP datagram per TTL (1 .. max_hops, all at once) to the address the probe
// used, each from its own socket with IP_RECVERR, and reads the ICMP answers
// from the sockets' error queues: "time exceeded" from each router on the
// way, "port unreachable" from the target itself. Error queues need no
// privilege, so it works where ICMP sockets are not allowed.
//
// ClassifyPath turns the answers into the segment where the path breaks:
// none (the target answered), destination (the last answer came from the
// target's own network), local (nothing answered beyond our own networks),
// or transit.
//
// PathTracer runs on the engine's event loop: Start, CancelAll and the
// callbacks on the loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/event_loop.h"
#include "config/config.h"

namespace outage {

// PathHop is one TTL whose datagram was answered.
struct PathHop {
  int ttl = 0;
  std::string address;  // who answered
  std::string answer;   // "time exceeded", "port unreachable", "unreachable (code 1)", ...
  double rtt_seconds = 0;
};

enum class PathSegment { kNone, kLocal, kTransit, kDestination };

// PathSegmentName is the outage_path_break label value.
std::string_view PathSegmentName(PathSegment segment);
inline constexpr PathSegment kAllPathSegments[] = {PathSegment::kLocal, PathSegment::kTransit,
                                                   PathSegment::kDestination, PathSegment::kNone};

struct PathReport {
  std::string target;         // the address traced
  std::vector<PathHop> hops;  // answered TTLs, in TTL order
  bool reached = false;       // the target itself answered
  std::string error;          // the trace could not run (socket, no route)
  PathSegment segment = PathSegment::kLocal;

  int LastHop() const { return hops.empty() ? 0 : hops.back().ttl; }
};

// ClassifyPath sets the segment for `hops` (in TTL order) traced to
// `target` (a full-length address) under `config`.
PathSegment ClassifyPath(const std::vector<PathHop>& hops, bool reached, const IpNetwork& target,
                         const PathTrace& config);

class PathTracer {
 public:
  using Clock = std::chrono::steady_clock;
  using Done = std::function<void(PathReport)>;

  explicit PathTracer(EventLoop* loop);
  ~PathTracer();
  PathTracer(const PathTracer&) = delete;
  PathTracer& operator=(const PathTracer&) = delete;

  // Start traces the route to `ip` (an address literal), answering `done`
  // once, by `end` at the latest.
  void Start(const std::string& ip, const PathTrace& config, Clock::time_point end, Done done);

  // RecentlyTraced reports whether `ip` was traced less than `window` ago
  // (and if not, notes that it is being traced now): traces of one target
  // are rate-limited.
  bool RecentlyTraced(const std::string& ip, Clock::duration window);

  // CancelAll answers every running trace with what it has.
  void CancelAll();

 private:
  struct Trace;
  void OnReadable(int64_t id, int ttl);
  void Finish(int64_t id);
  void FinishIfComplete(int64_t id);

  EventLoop* const loop_;
  std::map<int64_t, std::unique_ptr<Trace>> traces_;
  int64_t next_id_ = 1;
  std::map<std::string, Clock::time_point> last_traced_;  // by address
};

}  // namespace outage
