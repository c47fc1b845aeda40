#include "exporter/server/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>
#include <utility>

#include "collectors/exception_text.h"
#include "exporter/logger.h"
#include "exporter/server/http_request_head.h"
#include "exporter/server/http_wire.h"
#include "exporter/server/web_config_watch.h"
#include "exporter/server/worker_pool.h"

namespace outage {
namespace {

using Clock = std::chrono::steady_clock;

// ConnState is where a connection is; the names are the metric's labels.
enum class ConnState { kReading, kHandling, kIdle };
constexpr std::array<const char*, 3> kStateNames = {"reading", "handling", "idle"};

// CloseReason says why the server closed (or saw close) a connection.
enum class CloseReason {
  kHeadTimeout,
  kHeadTooLarge,
  kLimit,
  kClient,
  kIdleTimeout,
  kWriteTimeout,
  kBadRequest,
  kBody,
  kDone,
  kShutdown,
};
constexpr std::array<const char*, 10> kReasonNames = {
    "head_timeout",  "head_too_large", "limit", "client", "idle_timeout",
    "write_timeout", "bad_request",    "body",  "done",   "shutdown"};

// A read takes at most this much from a socket at a time.
constexpr size_t kReadChunk = 16 * 1024;
// How often deadlines are checked; also epoll_wait's longest sleep.
constexpr auto kTick = std::chrono::milliseconds(100);
// After Stop, running requests get this long to finish and be written.
constexpr auto kDrainBudget = std::chrono::seconds(5);
// After accept fails for want of file descriptors, listening pauses this long.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

constexpr uint64_t kWakeTag = ~0ull;
constexpr uint64_t kFirstConnectionId = 1ull << 32;  // below: listener indexes

constexpr std::array<const char*, 9> kKnownMethods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};

bool KnownMethod(const std::string& method) {
  for (const char* m : kKnownMethods) {
    if (method == m) return true;
  }
  return false;
}

// Allows reports whether the Allow list `methods` permits `method`.
bool Allows(const std::string& methods, const std::string& method) {
  const std::string wanted = method == "HEAD" ? "GET" : method;
  size_t pos = 0;
  while (pos < methods.size()) {
    size_t comma = methods.find(',', pos);
    if (comma == std::string::npos) comma = methods.size();
    size_t b = pos;
    while (b < comma && methods[b] == ' ') ++b;
    if (methods.compare(b, comma - b, wanted) == 0) return true;
    pos = comma + 1;
  }
  return false;
}

struct Route {
  HttpHandler handler;  // one of handler and async is set
  AsyncHttpHandler async;
  RouteOptions options;
  prometheus::Histogram* duration = nullptr;  // owned by the registry
};

struct Connection {
  uint64_t id = 0;
  int fd = -1;
  SSL* ssl = nullptr;
  ConnState state = ConnState::kReading;
  bool registered = false;       // in the epoll set
  uint32_t events = 0;           // watched for, when registered
  bool ssl_wants_write = false;  // a TLS read is waiting for the socket to take a write
  std::string in;                // received, not yet parsed
  std::deque<std::string> out;   // to send
  size_t out_offset = 0;         // sent of out.front()
  // stream produces the rest of a streamed body; slice_pending while a
  // worker makes its next slice.
  std::shared_ptr<BodyStream> stream;
  bool slice_pending = false;
  bool close_after_write = false;
  bool peer_closed = false;  // the client half-closed; answer, then close
  CloseReason close_reason = CloseReason::kDone;
  Clock::time_point deadline;  // head, idle or write deadline, by state
  Clock::time_point since;     // entered the current state
};

// Reply is where a request's answer goes and how it is framed.
struct Reply {
  uint64_t connection = 0;
  const Route* route = nullptr;  // null: no such path (404 after auth)
  // The route's duration histogram; an answer may outlive `route`.
  prometheus::Histogram* duration = nullptr;
  bool http10 = false;
  bool keep_alive = true;
  bool head_only = false;
  Clock::time_point start;
};

// Job is one complete request on its way to a worker.
struct Job {
  HttpRequest request;
  Reply reply;
};

// Deliver is the last step of every request a handler answered, on
// whichever thread answered it: its duration, freeing what the gate
// reserved, and the answer on its way to the event thread.
void Deliver(AnswerQueue* answers, const Reply& reply, std::shared_ptr<void> admission,
             HttpResponse response) {
  // What the gate reserved is free before the client can see the answer and
  // ask again (one client looping on /probe at the cap must never see 503).
  admission.reset();
  Done done;
  done.connection = reply.connection;
  done.duration = reply.duration;
  done.seconds = std::chrono::duration<double>(Clock::now() - reply.start).count();
  done.keep_alive = KeepsAlive(response, reply.http10, reply.keep_alive);
  done.wire = Serialize(std::move(response), reply.http10, done.keep_alive, reply.head_only);
  answers->Push(std::move(done));
}

// HandlerFailed answers a handler that threw; call it inside a catch
// block. Every handler is an exception boundary: one bad request never
// takes the server down.
HttpResponse HandlerFailed(const std::string& path) {
  try {
    throw;
  } catch (const std::exception& e) {
    Log().Error("Handler failed", {{"path", path}, {"err", e.what()}});
    return HttpResponse::Text(500, std::string("internal error: ") + e.what() + "\n");
  } catch (...) {
    Log().Error("Handler failed", {{"path", path}, {"err", "unknown exception"}});
    return HttpResponse::Text(500, "internal error\n");
  }
}

}  // namespace

class HttpServer::Loop {
 public:
  Loop() : registry_(std::make_shared<prometheus::Registry>()) {
    durations_ = &prometheus::BuildHistogram()
                      .Name("outage_exporter_http_request_duration_seconds")
                      .Help("Time from a complete request head to its answer, per route")
                      .Register(*registry_);
  }
  ~Loop() { Stop(); }

  void Handle(std::string path, HttpHandler handler, AsyncHttpHandler async, RouteOptions options) {
    Route& route = routes_[path];
    route.handler = std::move(handler);
    route.async = std::move(async);
    route.options = std::move(options);
    route.duration = &durations_->Add(
        {{"handler", path}}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.025, 0.1, 0.25,
                                                                     0.5, 1, 2.5, 5, 10, 30});
  }

  std::optional<std::string> Start(const std::vector<ListenAddress>& addresses,
                                   const HttpServerOptions& options, const WebConfig& web,
                                   const std::string& web_config_path, std::vector<int>* ports);
  void Stop();
  void AddMetrics(FamilySet* out) const;

 private:
  void Run();
  void Accept(size_t listener);
  void OnEvent(Connection* c, uint32_t events);
  void ReadAndServe(Connection* c);
  // Parse serves the first complete request in c->in. It returns whether it
  // answered or handed on a request (then `c` may be gone); false means it
  // waits for more of the request.
  bool Parse(Connection* c);
  void Dispatch(Connection* c, RequestHead head);
  // Answer sends a response decided on the event thread.
  void Answer(Connection* c, HttpResponse response, bool http10, bool keep_alive, bool head_only,
              CloseReason reason = CloseReason::kDone);
  void StartWriting(Connection* c, Wire wire, bool keep_alive, CloseReason reason);
  void Flush(Connection* c);
  // RequestSlice asks a worker for the next slice of c's streamed body.
  void RequestSlice(Connection* c);
  // TakeSlice adds a slice a worker made to what c sends.
  void TakeSlice(Connection* c, Done done);
  void TakeDone();
  void Sweep(Clock::time_point now);
  void BeginDrain();
  // MakeRoom closes the oldest idle connection, else the oldest one still
  // reading its head; false when every connection has a request running.
  bool MakeRoom();
  void SetState(Connection* c, ConnState state, Clock::time_point deadline);
  void Watch(Connection* c, uint32_t events);
  void Unwatch(Connection* c);
  void Close(Connection* c, CloseReason reason);
  // RunJob runs on a worker: auth, method check and the handler.
  void RunJob(Job job);
  // StartAsync hands `request` to its route's asynchronous handler.
  void StartAsync(HttpRequest request, const Reply& reply);
  // FindRoute is the exact route for `path`, else the longest subtree
  // route above it; null when none.
  const Route* FindRoute(const std::string& path) const;

  std::map<std::string, Route> routes_;  // fixed once Start runs
  HttpServerOptions options_;
  std::unique_ptr<WebConfigWatch> watch_;  // null: no web config
  SSL_CTX* ssl_ctx_ = nullptr;

  int epoll_fd_ = -1;
  // answers_ brings answers, and slices of streamed bodies, back from other
  // threads; shared with every responder still out.
  std::shared_ptr<AnswerQueue> answers_;
  std::vector<int> listeners_;
  bool listening_paused_ = false;
  Clock::time_point resume_listening_;
  std::thread thread_;
  std::unique_ptr<WorkerPool> workers_;

  // Event thread only.
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  uint64_t next_id_ = kFirstConnectionId;
  bool draining_ = false;
  Clock::time_point drain_deadline_;

  std::atomic<bool> stop_requested_{false};

  // Metrics, read by AddMetrics from any thread.
  std::array<std::atomic<int64_t>, 3> by_state_{};
  std::array<std::atomic<int64_t>, 10> closed_{};
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Histogram>* durations_ = nullptr;
};

std::optional<std::string> HttpServer::Loop::Start(const std::vector<ListenAddress>& addresses,
                                                   const HttpServerOptions& options,
                                                   const WebConfig& web,
                                                   const std::string& web_config_path,
                                                   std::vector<int>* ports) {
  options_ = options;
  if (!web_config_path.empty() || web.tls || !web.basic_auth_users.empty()) {
    watch_ = std::make_unique<WebConfigWatch>(web_config_path, web);
  }
  if (web.tls) {
    std::string error;
    ssl_ctx_ = NewServerTlsContext(*web.tls, watch_.get(), &error);
    if (ssl_ctx_ == nullptr) return "tls_server_config: " + error;
  }
  for (const ListenAddress& address : addresses) {
    int port = 0;
    std::string error;
    const int fd = ListenOn(address, &port, &error);
    if (fd < 0) {
      for (int l : listeners_) close(l);
      listeners_.clear();
      return "cannot listen on " + FormatListenAddress(address, address.port) + ": " + error;
    }
    listeners_.push_back(fd);
    ports->push_back(port);
  }
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  answers_ = std::make_shared<AnswerQueue>();
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, answers_->fd(), &ev);
  for (size_t i = 0; i < listeners_.size(); ++i) {
    ev.data.u64 = i;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listeners_[i], &ev);
  }
  workers_ = std::make_unique<WorkerPool>(options_.worker_threads);
  thread_ = std::thread([this] { Run(); });
  return std::nullopt;
}

void HttpServer::Loop::Stop() {
  if (thread_.joinable()) {
    stop_requested_.store(true);
    answers_->Wake();
    thread_.join();
  }
  if (workers_) workers_->Stop();  // handlers still running finish first
  // Answers still to come (probes that outlive the drain) are dropped.
  if (answers_) answers_->Close();
  while (!connections_.empty()) {
    Close(connections_.begin()->second.get(), CloseReason::kShutdown);
  }
  for (int fd : listeners_) close(fd);
  listeners_.clear();
  if (epoll_fd_ >= 0) close(epoll_fd_);
  epoll_fd_ = -1;
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  ssl_ctx_ = nullptr;
}

void HttpServer::Loop::Run() {
  std::array<epoll_event, 256> events;
  Clock::time_point next_sweep = Clock::now() + kTick;
  for (;;) {
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(kTick.count()));
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kWakeTag) {
        TakeDone();
      } else if (tag < kFirstConnectionId) {
        Accept(static_cast<size_t>(tag));
      } else if (auto it = connections_.find(tag); it != connections_.end()) {
        OnEvent(it->second.get(), events[i].events);
      }
    }
    if (stop_requested_.load() && !draining_) BeginDrain();
    const Clock::time_point now = Clock::now();
    if (now >= next_sweep) {
      Sweep(now);
      next_sweep = now + kTick;
    }
    if (draining_ && (connections_.empty() || now >= drain_deadline_)) return;
  }
}

void HttpServer::Loop::BeginDrain() {
  draining_ = true;
  drain_deadline_ = Clock::now() + kDrainBudget;
  for (int fd : listeners_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  std::vector<Connection*> quiet;
  for (auto& [id, c] : connections_) {
    if (c->state != ConnState::kHandling && c->out.empty()) quiet.push_back(c.get());
  }
  for (Connection* c : quiet) Close(c, CloseReason::kShutdown);
}

void HttpServer::Loop::Accept(size_t listener) {
  for (int i = 0; i < 64; ++i) {  // bounded per wake-up; the rest on the next
    const int fd = accept4(listeners_[listener], nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Level-triggered: without a pause the loop would spin on the
        // pending connection until a descriptor frees up.
        Log().Warn("Cannot accept a connection, pausing", {{"err", std::strerror(errno)}});
        for (int l : listeners_) {
          epoll_event ev{};
          epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, l, &ev);
        }
        listening_paused_ = true;
        resume_listening_ = Clock::now() + kAcceptPause;
      }
      return;
    }
    if (static_cast<int>(connections_.size()) >= options_.max_connections && !MakeRoom()) {
      close(fd);
      closed_[static_cast<size_t>(CloseReason::kLimit)].fetch_add(1);
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>();
    c->id = next_id_++;
    c->fd = fd;
    if (ssl_ctx_ != nullptr) {
      c->ssl = SSL_new(ssl_ctx_);
      SSL_set_fd(c->ssl, fd);
      SSL_set_accept_state(c->ssl);  // the first SSL_read runs the handshake
    }
    Connection* raw = c.get();
    connections_.emplace(raw->id, std::move(c));
    by_state_[static_cast<size_t>(ConnState::kReading)].fetch_add(1);
    raw->since = Clock::now();
    raw->deadline = raw->since + options_.head_timeout;
    // A client usually sends its request right after connecting, so it is
    // often here already: reading now answers it without a trip through
    // epoll_wait (ReadAndServe watches the socket when it must wait).
    ReadAndServe(raw);
  }
}

bool HttpServer::Loop::MakeRoom() {
  Connection* oldest_idle = nullptr;
  Connection* oldest_reading = nullptr;
  for (auto& [id, c] : connections_) {
    if (!c->out.empty()) continue;
    Connection** slot = c->state == ConnState::kIdle      ? &oldest_idle
                        : c->state == ConnState::kReading ? &oldest_reading
                                                          : nullptr;
    if (slot != nullptr && (*slot == nullptr || c->since < (*slot)->since)) *slot = c.get();
  }
  Connection* victim = oldest_idle != nullptr ? oldest_idle : oldest_reading;
  if (victim == nullptr) return false;
  Close(victim, CloseReason::kLimit);
  return true;
}

void HttpServer::Loop::SetState(Connection* c, ConnState state, Clock::time_point deadline) {
  by_state_[static_cast<size_t>(c->state)].fetch_sub(1);
  by_state_[static_cast<size_t>(state)].fetch_add(1);
  c->state = state;
  c->since = Clock::now();
  c->deadline = deadline;
}

void HttpServer::Loop::Watch(Connection* c, uint32_t events) {
  if (c->registered && c->events == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = c->id;
  epoll_ctl(epoll_fd_, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev);
  c->registered = true;
  c->events = events;
}

void HttpServer::Loop::Unwatch(Connection* c) {
  if (c->registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  c->registered = false;
}

void HttpServer::Loop::Close(Connection* c, CloseReason reason) {
  // close() takes the socket out of the epoll set: no EPOLL_CTL_DEL. A copy
  // of the descriptor held by a child between fork and exec could still
  // report events; their tag no longer names a connection and is ignored.
  if (c->ssl != nullptr) {
    SSL_shutdown(c->ssl);  // one try: a close_notify if the socket takes it
    SSL_free(c->ssl);
  }
  close(c->fd);
  by_state_[static_cast<size_t>(c->state)].fetch_sub(1);
  closed_[static_cast<size_t>(reason)].fetch_add(1);
  connections_.erase(c->id);  // frees c
}

void HttpServer::Loop::OnEvent(Connection* c, uint32_t events) {
  if (!c->out.empty()) {
    if ((events & (EPOLLERR | EPOLLHUP)) != 0) return Close(c, CloseReason::kClient);
    return Flush(c);
  }
  ReadAndServe(c);
}

void HttpServer::Loop::ReadAndServe(Connection* c) {
  char buf[kReadChunk];
  bool eof = false;
  for (;;) {
    ssize_t n;
    if (c->ssl != nullptr) {
      ERR_clear_error();
      c->ssl_wants_write = false;
      n = SSL_read(c->ssl, buf, sizeof buf);
      if (n <= 0) {
        const int error = SSL_get_error(c->ssl, static_cast<int>(n));
        if (error == SSL_ERROR_WANT_READ) break;
        if (error == SSL_ERROR_WANT_WRITE) {
          c->ssl_wants_write = true;
          break;
        }
        if (error == SSL_ERROR_ZERO_RETURN) {
          eof = true;
          break;
        }
        // A failed handshake is the client's (no certificate, wrong CA).
        return Close(c, CloseReason::kClient);
      }
    } else {
      n = read(c->fd, buf, sizeof buf);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Close(c, CloseReason::kClient);
      if (n == 0) {
        eof = true;
        break;
      }
    }
    c->in.append(buf, static_cast<size_t>(n));
    if (c->in.size() > kMaxRequestHeadBytes) break;  // Parse answers 431
  }
  if (!eof) {
    // Parse first: a complete request leaves the epoll set while it is
    // handled, so watching it now would be undone at once.
    const uint32_t events = EPOLLIN | (c->ssl_wants_write ? EPOLLOUT : 0u);
    if (!Parse(c)) Watch(c, events);
    return;
  }
  // The client finished sending (a half-close): what it sent in full is
  // still answered, then the connection closes. Not watched any more, as a
  // closed read side is always readable.
  if (c->in.empty()) return Close(c, CloseReason::kClient);
  c->peer_closed = true;
  Unwatch(c);
  const uint64_t id = c->id;
  Parse(c);
  auto it = connections_.find(id);
  if (it != connections_.end() && it->second->state == ConnState::kReading &&
      it->second->out.empty()) {
    Close(it->second.get(), CloseReason::kClient);  // an incomplete head
  }
}

bool HttpServer::Loop::Parse(Connection* c) {
  if (c->in.empty() || c->state == ConnState::kHandling || !c->out.empty()) return false;
  if (c->state == ConnState::kIdle) {
    SetState(c, ConnState::kReading, Clock::now() + options_.head_timeout);
  }
  RequestHead head = ParseRequestHead(c->in);
  if (head.status == RequestHead::Status::kIncomplete) return false;
  if (head.status == RequestHead::Status::kError) {
    const bool too_large = head.error_status == 431;
    Answer(c, HttpResponse::Text(head.error_status, head.error + "\n"), false, false, false,
           too_large ? CloseReason::kHeadTooLarge : CloseReason::kBadRequest);
    return true;
  }
  if (head.has_body) {
    // A route that takes a body gets it whole, or not at all.
    const Route* route = FindRoute(head.request.path);
    const std::optional<std::string> length_text = head.request.Header("Content-Length");
    const unsigned long long length =
        length_text ? std::strtoull(length_text->c_str(), nullptr, 10) : 0;
    if (route != nullptr && length_text && length <= route->options.max_body_bytes) {
      if (c->in.size() - head.head_bytes < length) return false;  // the head timeout bounds it
      head.request.body = c->in.substr(head.head_bytes, length);
      head.has_body = false;
      c->in.erase(0, head.head_bytes + length);
      Dispatch(c, std::move(head));
      return true;
    }
  }
  c->in.erase(0, head.head_bytes);
  Dispatch(c, std::move(head));
  return true;
}

void HttpServer::Loop::Dispatch(Connection* c, RequestHead head) {
  const HttpRequest& request = head.request;
  const bool head_only = request.method == "HEAD";
  if (draining_ || c->peer_closed) head.keep_alive = false;
  if (head.has_body) {
    // Not one this route takes (Parse read those); closing spares reading it.
    return Answer(c, HttpResponse::Text(413, "request body not accepted here or too large\n"),
                  head.http10, false, head_only, CloseReason::kBody);
  }
  if (!KnownMethod(request.method)) {
    return Answer(c, HttpResponse::Text(501, "unknown method\n"), head.http10, head.keep_alive,
                  false);
  }
  if (head.asterisk) {
    HttpResponse r = HttpResponse::Text(204, "");
    r.headers.emplace_back("Allow", "GET, HEAD, POST, OPTIONS");
    return Answer(c, std::move(r), head.http10, head.keep_alive, false);
  }
  const Route* route = FindRoute(request.path);
  // Basic auth (bcrypt) must run on a worker; without it, health checks and
  // the /probe gate are answered here. The web config may add auth on reload,
  // so this is looked up per request.
  const auto web = watch_ != nullptr ? watch_->Current() : nullptr;
  const bool auth = web != nullptr && web->auth != nullptr;
  if (route != nullptr && route->options.on_event_thread && !auth &&
      Allows(route->options.methods, request.method)) {
    const auto start = Clock::now();
    HttpResponse response;
    try {
      response = route->handler(request);
    } catch (...) {
      response = HandlerFailed(request.path);
    }
    route->duration->Observe(std::chrono::duration<double>(Clock::now() - start).count());
    return Answer(c, std::move(response), head.http10, head.keep_alive, head_only);
  }
  const Reply reply{c->id,       route,           route != nullptr ? route->duration : nullptr,
                    head.http10, head.keep_alive, head_only,
                    Clock::now()};
  const bool admitted = route != nullptr && !auth && Allows(route->options.methods, request.method);
  if (admitted && route->options.gate) {
    std::optional<HttpResponse> refused;
    try {
      refused = route->options.gate(&head.request);
    } catch (...) {
      refused = HandlerFailed(request.path);
    }
    if (refused) {
      route->duration->Observe(std::chrono::duration<double>(Clock::now() - reply.start).count());
      return Answer(c, std::move(*refused), head.http10, head.keep_alive, head_only);
    }
  }
  // The handler answers later; the connection waits without reading further
  // (one request at a time) and outside the epoll set, so a hang-up cannot
  // spin.
  Unwatch(c);
  SetState(c, ConnState::kHandling, Clock::time_point::max());
  if (admitted && route->async) return StartAsync(std::move(head.request), reply);
  workers_->Submit(
      [this, job = Job{std::move(head.request), reply}]() mutable { RunJob(std::move(job)); });
}

void HttpServer::Loop::StartAsync(HttpRequest request, const Reply& reply) {
  HttpResponder respond([answers = answers_, reply,
                         admission = std::move(request.admission)](HttpResponse response) mutable {
    Deliver(answers.get(), reply, std::move(admission), std::move(response));
  });
  const std::string path = request.path;
  try {
    reply.route->async(std::move(request), respond);
  } catch (...) {
    respond.Send(HandlerFailed(path));
  }
}

const Route* HttpServer::Loop::FindRoute(const std::string& path) const {
  if (auto it = routes_.find(path); it != routes_.end()) return &it->second;
  const Route* best = nullptr;
  size_t best_length = 0;
  for (const auto& [prefix, route] : routes_) {
    if (route.options.subtree && prefix.size() > best_length && path.size() > prefix.size() &&
        path.compare(0, prefix.size(), prefix) == 0) {
      best = &route;
      best_length = prefix.size();
    }
  }
  return best;
}

void HttpServer::Loop::RunJob(Job job) {
  HttpRequest& request = job.request;
  const Route* route = job.reply.route;
  HttpResponse response;
  try {
    // Basic auth, when configured, guards every path (as the
    // exporter-toolkit does); bcrypt is why this runs on a worker.
    const auto web = watch_ != nullptr ? watch_->Current() : nullptr;
    if (web != nullptr && web->auth != nullptr &&
        !web->auth->Check(request.Header("Authorization"))) {
      response = HttpResponse::Text(401, "Unauthorized\n");
      response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"outage_exporter\"");
    } else if (route == nullptr) {
      response = HttpResponse::Text(404, "404 page not found\n");
    } else if (request.method == "OPTIONS") {
      response = HttpResponse::Text(204, "");
      response.headers.emplace_back("Allow", route->options.methods + ", OPTIONS");
    } else if (!Allows(route->options.methods, request.method)) {
      response = HttpResponse::Text(405, "Only " + route->options.methods + " allowed here\n");
      response.headers.emplace_back("Allow", route->options.methods);
    } else if (std::optional<HttpResponse> refused =
                   route->options.gate && request.admission == nullptr
                       ? route->options.gate(&request)
                       : std::nullopt) {
      response = std::move(*refused);
    } else if (route->async) {
      return StartAsync(std::move(request), job.reply);
    } else {
      response = route->handler(request);
    }
  } catch (...) {
    response = HandlerFailed(request.path);
  }
  Deliver(answers_.get(), job.reply, std::move(request.admission), std::move(response));
}

void HttpServer::Loop::TakeDone() {
  for (Done& d : answers_->Take()) {
    if (d.duration != nullptr) d.duration->Observe(d.seconds);
    auto it = connections_.find(d.connection);
    if (it == connections_.end()) continue;  // closed meanwhile; a slice's stream ends here
    if (d.slice) {
      TakeSlice(it->second.get(), std::move(d));
      continue;
    }
    StartWriting(it->second.get(), std::move(d.wire), d.keep_alive && !draining_,
                 CloseReason::kDone);
  }
}

void HttpServer::Loop::Answer(Connection* c, HttpResponse response, bool http10, bool keep_alive,
                              bool head_only, CloseReason reason) {
  keep_alive = KeepsAlive(response, http10, keep_alive);
  StartWriting(c, Serialize(std::move(response), http10, keep_alive, head_only), keep_alive,
               reason);
}

void HttpServer::Loop::StartWriting(Connection* c, Wire wire, bool keep_alive, CloseReason reason) {
  c->out = std::move(wire.pieces);
  c->out_offset = 0;
  c->stream = std::move(wire.stream);
  c->slice_pending = false;
  c->close_after_write = !keep_alive;
  c->close_reason = reason;
  // Writing counts as handling: the request is not finished until sent.
  SetState(c, ConnState::kHandling, Clock::now() + options_.write_timeout);
  Flush(c);
}

void HttpServer::Loop::Flush(Connection* c) {
  bool progressed = false;
  while (!c->out.empty()) {
    const std::string& front = c->out.front();
    ssize_t n;
    if (c->ssl != nullptr) {
      ERR_clear_error();
      n = SSL_write(c->ssl, front.data() + c->out_offset,
                    static_cast<int>(front.size() - c->out_offset));
      if (n <= 0) {
        const int error = SSL_get_error(c->ssl, static_cast<int>(n));
        if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
          Watch(c, error == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
          break;
        }
        return Close(c, CloseReason::kClient);
      }
    } else {
      std::array<iovec, 64> iov;
      size_t count = 0;
      for (auto it = c->out.begin(); it != c->out.end() && count < iov.size(); ++it, ++count) {
        const size_t skip = count == 0 ? c->out_offset : 0;
        iov[count].iov_base = const_cast<char*>(it->data() + skip);
        iov[count].iov_len = it->size() - skip;
      }
      msghdr msg{};
      msg.msg_iov = iov.data();
      msg.msg_iovlen = count;
      n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        Watch(c, EPOLLOUT);
        break;
      }
      if (n < 0) return Close(c, CloseReason::kClient);
    }
    progressed = true;
    size_t sent = static_cast<size_t>(n);
    while (sent > 0 && !c->out.empty()) {
      const size_t left = c->out.front().size() - c->out_offset;
      if (sent < left) {
        c->out_offset += sent;
        sent = 0;
      } else {
        sent -= left;
        c->out.pop_front();
        c->out_offset = 0;
      }
    }
  }
  if (progressed) c->deadline = Clock::now() + options_.write_timeout;
  if (c->stream != nullptr) {
    // The next slice is made while the last one is sent, and not before the
    // one before it is sent: at most two slices wait per connection,
    // however slowly the client reads.
    if (!c->slice_pending && c->out.size() <= 1) RequestSlice(c);
    if (c->out.empty()) Unwatch(c);  // nothing to send until the slice comes
    return;
  }
  if (!c->out.empty()) return;
  if (c->close_after_write) return Close(c, c->close_reason);
  SetState(c, ConnState::kIdle, Clock::now() + options_.idle_timeout);
  if (c->peer_closed) return Close(c, CloseReason::kClient);
  Watch(c, EPOLLIN);
  Parse(c);  // a pipelined request may already be here
}

void HttpServer::Loop::RequestSlice(Connection* c) {
  c->slice_pending = true;
  workers_->Submit([answers = answers_, id = c->id, stream = c->stream] {
    Done done;
    done.connection = id;
    done.slice = true;
    try {
      std::string slice;
      if (stream->next(&slice)) {
        done.wire.pieces.push_back(stream->Frame(std::move(slice)));
      } else {
        done.stream_end = true;
        if (stream->chunked) done.wire.pieces.emplace_back("0\r\n\r\n");
      }
    } catch (...) {
      Log().Error("Streamed body failed", {{"err", CurrentExceptionText()}});
      done.stream_error = true;
    }
    answers->Push(std::move(done));
  });
}

void HttpServer::Loop::TakeSlice(Connection* c, Done done) {
  c->slice_pending = false;
  // The status went out long ago: a body that cannot be completed is cut
  // short, which the client sees as a failed transfer.
  if (done.stream_error) return Close(c, CloseReason::kDone);
  for (std::string& piece : done.wire.pieces) c->out.push_back(std::move(piece));
  if (done.stream_end) c->stream.reset();
  Flush(c);
}

void HttpServer::Loop::Sweep(Clock::time_point now) {
  if (listening_paused_ && now >= resume_listening_ && !draining_) {
    listening_paused_ = false;
    for (size_t i = 0; i < listeners_.size(); ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listeners_[i], &ev);
    }
  }
  std::vector<std::pair<Connection*, CloseReason>> expired;
  for (auto& [id, c] : connections_) {
    if (now < c->deadline) continue;
    const CloseReason reason = !c->out.empty()                   ? CloseReason::kWriteTimeout
                               : c->state == ConnState::kIdle    ? CloseReason::kIdleTimeout
                               : c->state == ConnState::kReading ? CloseReason::kHeadTimeout
                                                                 : CloseReason::kWriteTimeout;
    expired.emplace_back(c.get(), reason);
  }
  for (auto& [c, reason] : expired) Close(c, reason);
}

void HttpServer::Loop::AddMetrics(FamilySet* out) const {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    out->AddGauge("outage_exporter_http_connections",
                  "Open HTTP connections: reading a request head, handling a request (or writing "
                  "its answer), or idle between keep-alive requests",
                  {}, "state", kStateNames[i], static_cast<double>(by_state_[i].load()));
  }
  for (size_t i = 0; i < kReasonNames.size(); ++i) {
    out->AddCounter("outage_exporter_http_connections_closed_total",
                    "HTTP connections closed, by why they were closed",
                    {{"reason", kReasonNames[i]}}, static_cast<double>(closed_[i].load()));
  }
  out->AddFamilies(registry_->Collect());
}

HttpServer::HttpServer() : loop_(std::make_unique<Loop>()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string path, HttpHandler handler, RouteOptions options) {
  loop_->Handle(std::move(path), std::move(handler), nullptr, std::move(options));
}

void HttpServer::HandleAsync(std::string path, AsyncHttpHandler handler, RouteOptions options) {
  loop_->Handle(std::move(path), nullptr, std::move(handler), std::move(options));
}

std::optional<std::string> HttpServer::Start(const std::vector<ListenAddress>& addresses,
                                             const HttpServerOptions& options, const WebConfig& web,
                                             const std::string& web_config_path) {
  ports_.clear();
  return loop_->Start(addresses, options, web, web_config_path, &ports_);
}

void HttpServer::Stop() { loop_->Stop(); }

void HttpServer::AddMetrics(FamilySet* out) const { loop_->AddMetrics(out); }

}  // namespace outage
