// AsyncResolver: name resolution on the engine's event loop with c-ares, so a
// slow or silent DNS server never blocks the loop thread. The engine owns
// one, which every probe's start-up (ProbeRun) and the address fan-out share.
//
// Thread-safety: loop thread only. Callbacks run on the loop thread, always
// after Resolve() has returned (never from inside it).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "collectors/event_loop.h"
#include "config/config.h"

struct ares_addrinfo;
struct ares_channeldata;

namespace outage {

// ResolvedAddress is one address of a name, port 0.
struct ResolvedAddress {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string text;  // "192.0.2.1", "2001:db8::1"

  int family() const { return addr.ss_family; }
};

struct ResolveResult {
  // Blackbox's choice (chooseProtocol): addresses of the preferred family
  // first, then, only with fallback, the other family. Empty on error.
  std::vector<ResolvedAddress> addresses;
  std::string error;       // empty on success; one line, for the probe log
  bool timed_out = false;  // the deadline passed before an answer
};

class AsyncResolver {
 public:
  using Callback = std::function<void(ResolveResult)>;
  using RequestId = uint64_t;

  explicit AsyncResolver(EventLoop* loop);
  ~AsyncResolver();  // pending requests are dropped without their callback
  AsyncResolver(const AsyncResolver&) = delete;
  AsyncResolver& operator=(const AsyncResolver&) = delete;

  // Resolve looks `host` up (an IP literal is answered without a lookup) and
  // calls `done` exactly once, by `deadline` at the latest, unless the
  // request is cancelled first.
  RequestId Resolve(const std::string& host, IpProtocol preferred, bool fallback,
                    EventLoop::Clock::time_point deadline, Callback done);
  // Cancel drops a pending request: its callback will not run.
  void Cancel(RequestId id);

 private:
  struct Request {
    IpProtocol preferred;
    bool fallback;
    Callback done;
    EventLoop::TimerId deadline_timer = 0;
  };

  // c-ares' callbacks keep the books of every lookup at once and hand
  // results on from a posted task, so there is no probe to fail: they are
  // noexcept (an exception, which only running out of memory could raise,
  // ends the process instead of unwinding through c-ares).
  static void OnSocketState(void* self, int fd, int readable, int writable) noexcept;
  static void OnAddrInfo(void* tag, int status, int timeouts, ares_addrinfo* result) noexcept;
  void ProcessFd(int fd, uint32_t events);
  // RescheduleTimer arms one loop timer for c-ares' next internal timeout.
  void RescheduleTimer();
  // DeliverLater hands `result` to request `id` from a posted task.
  void DeliverLater(RequestId id, std::vector<ResolvedAddress> found, std::string error);
  void Deliver(RequestId id, ResolveResult result);

  EventLoop* loop_;
  ares_channeldata* channel_ = nullptr;
  std::string init_error_;  // why channel_ is null
  EventLoop::TimerId ares_timer_ = 0;
  std::unordered_map<RequestId, Request> requests_;
  RequestId next_id_ = 1;
  // Posted tasks hold a weak reference, so they do nothing once we are gone.
  std::shared_ptr<AsyncResolver*> self_ = std::make_shared<AsyncResolver*>(this);
};

// OrderByPreference applies blackbox's family choice to `found`; returns an
// error text instead when no address is acceptable.
std::string OrderByPreference(IpProtocol preferred, bool fallback,
                              std::vector<ResolvedAddress>* found);

// ResolveOnThisThread looks every host up at once, on a private event loop
// run on the calling thread, and returns one result per host, in order, by
// `deadline`. For code with no event loop of its own (the status-page
// fetcher), so that libcurl never has to resolve a name.
std::vector<ResolveResult> ResolveOnThisThread(const std::vector<std::string>& hosts,
                                               IpProtocol preferred, bool fallback,
                                               EventLoop::Clock::time_point deadline);

}  // namespace outage
