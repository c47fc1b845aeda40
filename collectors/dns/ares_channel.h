// AresChannel: one c-ares channel driven by the engine's EventLoop, for one
// DNS probe's query. c-ares reports the sockets it wants watched
// (ARES_OPT_SOCK_STATE_CB) and we hand them to the loop; its
// retransmit/timeout clock runs on a loop timer. No thread of its own, no
// blocking calls.
//
// One channel per probe, not one shared per server: c-ares (1.18) cancels
// only all of a channel's queries at once, its timeout is the channel's
// while every probe has its own deadline, and a TCP connection kept for
// the next probe would hide that probe's connect phase. What a channel
// costs is kept small instead: given its server, it reads no system file.
//
// Thread-safety: loop thread only. Never destroy a channel from inside one
// of its own callbacks (c-ares forbids it): defer with EventLoop::Post.
#pragma once

#include <ares.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "collectors/event_loop.h"

namespace outage::dns {

struct AresChannelOptions {
  // "ip:port" servers in ares_set_servers_ports_csv form; empty uses the
  // host's resolver configuration (/etc/resolv.conf). With servers, timeout
  // and tries given, no system file is read.
  std::string servers_csv;
  bool use_tcp = false;
  // Deliver SERVFAIL/REFUSED answers instead of retrying other servers.
  bool no_check_response = false;
  // Per-attempt timeout and attempts; 0 keeps the system's settings.
  std::chrono::milliseconds timeout{0};
  int tries = 0;
  std::string source_ip;  // empty: the kernel chooses
};

class AresChannel {
 public:
  // status is an ARES_* code; on ARES_SUCCESS `answer` is the raw reply.
  using SendCallback = std::function<void(int status, const std::vector<uint8_t>& answer)>;

  // Create returns nullptr with *error set when c-ares cannot be set up.
  static std::unique_ptr<AresChannel> Create(EventLoop* loop, const AresChannelOptions& options,
                                             std::string* error);
  // The destructor ends pending work; its callbacks are not called.
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  // Send sends a complete query message; `done` runs exactly once unless the
  // channel is destroyed first, from inside c-ares: an exception it lets out
  // ends the process, since it must not unwind through c-ares.
  void Send(const std::vector<uint8_t>& query, SendCallback done);
  // Cancel ends pending work now: callbacks run with ARES_ECANCELLED.
  void Cancel();

  // ConnectSeconds is the time TCP connections spent connecting (UDP
  // sockets connect at once and add nothing).
  double ConnectSeconds() const { return connect_seconds_; }

 private:
  explicit AresChannel(EventLoop* loop) : loop_(loop) {}

  // OnSocketState keeps the channel's books for c-ares; noexcept, as
  // AsyncResolver's: an exception must not unwind through c-ares.
  static void OnSocketState(void* self, ares_socket_t fd, int readable, int writable) noexcept;
  void OnSocketEvent(ares_socket_t fd, uint32_t events);
  // ScheduleTimer re-arms the loop timer to c-ares' next timeout.
  void ScheduleTimer();

  EventLoop* loop_;
  ares_channel channel_ = nullptr;
  EventLoop::TimerId timer_ = 0;
  std::unordered_map<ares_socket_t, EventLoop::Clock::time_point> connecting_;
  std::vector<ares_socket_t> watched_;
  double connect_seconds_ = 0;
};

}  // namespace outage::dns
