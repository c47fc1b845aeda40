#include "tests/support/test_http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "exporter/server/http_status_text.h"
#include "tests/support/loopback_socket.h"

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxHeaderBytes = size_t{64} * 1024;
constexpr size_t kMaxBodyBytes = size_t{16} * 1024 * 1024;
constexpr auto kIdleLimit = std::chrono::seconds(30);  // per read or write
constexpr int kPollMs = 50;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool HasHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (Lower(k) == name) return true;
  }
  return false;
}

}  // namespace

// Connection is one accepted socket, plain or TLS, with stop-aware bounded
// reads and writes. Used by a single connection thread.
class Connection {
 public:
  Connection(int fd, SSL* ssl, const std::atomic<bool>* stopping)
      : fd_(fd), ssl_(ssl), stopping_(stopping) {}

  // ReadMore appends what is available to *buf; false on EOF, error, stop or
  // 30 s of silence.
  bool ReadMore(std::string* buf) {
    const auto deadline = Clock::now() + kIdleLimit;
    while (ssl_ == nullptr || SSL_pending(ssl_) == 0) {
      if (stopping_->load() || Clock::now() >= deadline) return false;
      pollfd p{fd_, POLLIN, 0};
      const int r = poll(&p, 1, kPollMs);
      if (r > 0) break;
      if (r < 0 && errno != EINTR) return false;
    }
    char chunk[16384];
    const int n = ssl_ != nullptr ? SSL_read(ssl_, chunk, sizeof(chunk))
                                  : static_cast<int>(recv(fd_, chunk, sizeof(chunk), 0));
    if (n <= 0) return false;
    buf->append(chunk, static_cast<size_t>(n));
    return true;
  }

  bool WriteAll(std::string_view data) {
    while (!data.empty()) {
      const auto deadline = Clock::now() + kIdleLimit;
      while (true) {
        if (stopping_->load() || Clock::now() >= deadline) return false;
        pollfd p{fd_, POLLOUT, 0};
        const int r = poll(&p, 1, kPollMs);
        if (r > 0) {
          if ((p.revents & (POLLERR | POLLHUP)) != 0) return false;
          break;
        }
        if (r < 0 && errno != EINTR) return false;
      }
      const size_t piece = std::min<size_t>(data.size(), 16384);
      const int n = ssl_ != nullptr ? SSL_write(ssl_, data.data(), static_cast<int>(piece))
                                    : static_cast<int>(send(fd_, data.data(), piece, MSG_NOSIGNAL));
      if (n <= 0) {
        if (ssl_ == nullptr && n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

 private:
  int fd_;
  SSL* ssl_;
  const std::atomic<bool>* stopping_;
};

std::string ServerRequest::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

ResponseWriter::ResponseWriter(Connection* connection, const ServerRequest* request,
                               const std::atomic<bool>* stopping, std::mutex* mu,
                               std::condition_variable* cv)
    : connection_(connection), request_(request), stopping_(stopping), mu_(mu), cv_(cv) {
  if (request_->version != "HTTP/1.1" || Lower(request_->Header("connection")) == "close") {
    close_ = true;
  }
}

bool ResponseWriter::WriteHead(int status, const HeaderList& headers, int64_t content_length) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + StatusText(status) + "\r\n";
  for (const auto& [k, v] : headers) head.append(k).append(": ").append(v).append("\r\n");
  if (content_length >= 0 && !HasHeader(headers, "content-length")) {
    head += "Content-Length: " + std::to_string(content_length) + "\r\n";
  }
  if (content_length < 0 && !HasHeader(headers, "content-length")) close_ = true;
  if (close_) head += "Connection: close\r\n";
  head += "\r\n";
  head_written_ = true;
  return connection_->WriteAll(head);
}

bool ResponseWriter::Respond(int status, const HeaderList& headers, std::string_view body) {
  if (!WriteHead(status, headers, static_cast<int64_t>(body.size()))) return false;
  if (request_->method == "HEAD") return true;
  return connection_->WriteAll(body);
}

bool ResponseWriter::Write(std::string_view data) { return connection_->WriteAll(data); }

bool ResponseWriter::SleepFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(*mu_);
  return !cv_->wait_for(lock, d, [this] { return stopping_->load(); });
}

Handler Reply(int status, HeaderList headers, std::string body) {
  return [status, headers = std::move(headers), body = std::move(body)](
             const ServerRequest&, ResponseWriter& w) { w.Respond(status, headers, body); };
}

Handler RedirectTo(std::string location, int status) {
  return [location = std::move(location), status](const ServerRequest&, ResponseWriter& w) {
    w.Respond(status, {{"Location", location}}, "");
  };
}

Handler RedirectChain(std::string final_path) {
  return [final_path = std::move(final_path)](const ServerRequest& r, ResponseWriter& w) {
    const std::string tail = r.path.substr(r.path.rfind('/') + 1);
    int n = 0;
    for (char c : tail) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || n > 1000) {
        w.Respond(400, {}, "bad redirect count\n");
        return;
      }
      n = n * 10 + (c - '0');
    }
    const std::string prefix = r.path.substr(0, r.path.rfind('/') + 1);
    const std::string next = n <= 1 ? final_path : prefix + std::to_string(n - 1);
    w.Respond(302, {{"Location", next}}, "");
  };
}

Handler Delay(std::chrono::milliseconds d, Handler then) {
  return [d, then = std::move(then)](const ServerRequest& r, ResponseWriter& w) {
    if (!w.SleepFor(d)) {
      w.CloseConnection();
      return;
    }
    then(r, w);
  };
}

Handler HugeBody(int64_t bytes) {
  return [=](const ServerRequest& r, ResponseWriter& w) {
    if (!w.WriteHead(200, {{"Content-Type", "text/plain"}}, bytes) || r.method == "HEAD") {
      return;
    }
    const std::string chunk(size_t{64} * 1024, 'x');
    int64_t left = bytes;
    while (left > 0) {
      const auto n = static_cast<size_t>(std::min(left, static_cast<int64_t>(chunk.size())));
      if (!w.Write(std::string_view(chunk).substr(0, n))) {
        w.CloseConnection();
        return;
      }
      left -= static_cast<int64_t>(n);
    }
  };
}

Handler CloseWithoutResponse() {
  return [](const ServerRequest&, ResponseWriter& w) { w.CloseConnection(); };
}

Handler Trickle(std::string body, std::chrono::milliseconds interval, size_t chunk) {
  chunk = std::max<size_t>(chunk, 1);
  return [body = std::move(body), interval, chunk](const ServerRequest&, ResponseWriter& w) {
    if (!w.WriteHead(200, {{"Content-Type", "text/plain"}}, static_cast<int64_t>(body.size()))) {
      return;
    }
    for (size_t off = 0; off < body.size(); off += chunk) {
      if (!w.Write(std::string_view(body).substr(off, chunk)) ||
          (off + chunk < body.size() && !w.SleepFor(interval))) {
        w.CloseConnection();
        return;
      }
    }
  };
}

std::unique_ptr<TestHttpServer> TestHttpServer::Start(const TestHttpServerOptions& options,
                                                      std::string* error) {
  signal(SIGPIPE, SIG_IGN);  // a vanished client is an error code, not a crash
  std::unique_ptr<TestHttpServer> server(new TestHttpServer());
  server->max_connections_ = std::max(1, options.max_connections);
  if (!options.cert_path.empty()) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    server->ssl_ctx_ = ctx;
    bool ok = ctx != nullptr &&
              SSL_CTX_use_certificate_chain_file(ctx, options.cert_path.c_str()) == 1 &&
              SSL_CTX_use_PrivateKey_file(ctx, options.key_path.c_str(), SSL_FILETYPE_PEM) == 1 &&
              SSL_CTX_check_private_key(ctx) == 1;
    if (ok && !options.tls_version.empty()) {
      const int v = options.tls_version == "TLS1.2" ? TLS1_2_VERSION : TLS1_3_VERSION;
      ok = SSL_CTX_set_min_proto_version(ctx, v) == 1 && SSL_CTX_set_max_proto_version(ctx, v) == 1;
    }
    if (!ok) {
      char buf[256] = "unknown";
      ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
      if (error != nullptr) *error = std::string("TLS setup: ") + buf;
      return nullptr;
    }
  }
  server->address_ = options.address;
  server->port_ = options.port;
  server->listen_fd_ = ListenOn(options.address, &server->port_, error);
  if (server->listen_fd_ < 0) return nullptr;
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

TestHttpServer::~TestHttpServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (int fd : active_fds_) shutdown(fd, SHUT_RDWR);  // wakes blocked I/O
  }
  cv_.notify_all();
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<Worker> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (Worker& w : workers) w.thread.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
}

void TestHttpServer::AcceptLoop() {
  while (!stopping_) {
    {
      // Bounded: wait for a free slot, reaping finished workers.
      std::unique_lock<std::mutex> lock(mu_);
      for (auto it = workers_.begin(); it != workers_.end();) {
        if (it->done->load()) {
          it->thread.join();
          it = workers_.erase(it);
        } else {
          ++it;
        }
      }
      if (static_cast<int>(active_fds_.size()) >= max_connections_) {
        cv_.wait_for(lock, std::chrono::milliseconds(kPollMs));
        continue;
      }
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    timeval tv{10, 0};  // bounds a blocking TLS handshake or record read
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      close(fd);
      break;
    }
    active_fds_.insert(fd);
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back({std::thread([this, fd, done] {
                          ServeConnection(fd);
                          done->store(true);
                        }),
                        done});
  }
}

Handler TestHttpServer::FindHandler(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = routes_.find(path); it != routes_.end()) return it->second;
  const Handler* best = nullptr;
  size_t best_len = 0;
  for (const auto& [prefix, handler] : prefix_routes_) {
    if (path.compare(0, prefix.size(), prefix) == 0 && prefix.size() >= best_len) {
      best = &handler;
      best_len = prefix.size();
    }
  }
  if (best != nullptr) return *best;
  return Reply(404, {{"Content-Type", "text/plain"}}, "not found\n");
}

namespace {

// ParseHead parses the request line and headers in head (without the blank
// line). Returns false on a malformed request.
bool ParseHead(std::string_view head, ServerRequest* r) {
  size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  r->method = std::string(line.substr(0, sp1));
  r->target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  r->version = std::string(line.substr(sp2 + 1));
  const size_t q = r->target.find('?');
  r->path = r->target.substr(0, q);
  r->query = q == std::string::npos ? "" : r->target.substr(q + 1);
  while (eol != std::string_view::npos) {
    const size_t start = eol + 2;
    eol = head.find("\r\n", start);
    const std::string_view h =
        head.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    if (h.empty()) continue;
    const size_t colon = h.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
      value.remove_suffix(1);
    }
    const std::string name = Lower(h.substr(0, colon));
    auto [it, inserted] = r->headers.emplace(name, std::string(value));
    if (!inserted) it->second += ", " + std::string(value);
  }
  return true;
}

}  // namespace

void TestHttpServer::ServeConnection(int fd) {
  SSL* ssl = nullptr;
  bool usable = true;
  if (ssl_ctx_ != nullptr) {
    ssl = SSL_new(ssl_ctx_);
    SSL_set_fd(ssl, fd);
    usable = SSL_accept(ssl) == 1;  // a client rejecting our cert ends here
  }
  Connection conn(fd, ssl, &stopping_);
  std::string buf;
  while (usable && !stopping_) {
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxHeaderBytes || !conn.ReadMore(&buf)) {
        usable = false;
        break;
      }
    }
    if (!usable) break;
    ServerRequest request;
    if (!ParseHead(std::string_view(buf).substr(0, head_end), &request)) {
      conn.WriteAll("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      break;
    }
    buf.erase(0, head_end + 4);
    if (Lower(request.Header("expect")) == "100-continue") {
      conn.WriteAll("HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (Lower(request.Header("transfer-encoding")).find("chunked") != std::string::npos) {
      // De-chunk: size line, data, CRLF ... 0 CRLF CRLF (no trailers expected).
      while (usable) {
        size_t eol;
        while ((eol = buf.find("\r\n")) == std::string::npos) {
          if (!conn.ReadMore(&buf)) usable = false;
          if (!usable) break;
        }
        if (!usable) break;
        const size_t size = std::strtoul(buf.substr(0, eol).c_str(), nullptr, 16);
        while (usable && buf.size() < eol + 2 + size + 2) usable = conn.ReadMore(&buf);
        if (!usable || request.body.size() + size > kMaxBodyBytes) {
          usable = false;
          break;
        }
        request.body += buf.substr(eol + 2, size);
        buf.erase(0, eol + 2 + size + 2);
        if (size == 0) break;
      }
    } else if (!request.Header("content-length").empty()) {
      const size_t length = std::strtoul(request.Header("content-length").c_str(), nullptr, 10);
      if (length > kMaxBodyBytes) break;
      while (usable && buf.size() < length) usable = conn.ReadMore(&buf);
      if (!usable) break;
      request.body = buf.substr(0, length);
      buf.erase(0, length);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++counts_[request.path];
      ++total_;
      last_[request.path] = request;
    }
    ResponseWriter writer(&conn, &request, &stopping_, &mu_, &cv_);
    FindHandler(request.path)(request, writer);
    if (writer.should_close() || !writer.responded()) break;
  }
  if (ssl != nullptr) {
    if (usable && !stopping_) SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_fds_.erase(fd);
    close(fd);
  }
  cv_.notify_all();
}

void TestHttpServer::Route(const std::string& path, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[path] = std::move(handler);
}

void TestHttpServer::RoutePrefix(const std::string& prefix, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  prefix_routes_[prefix] = std::move(handler);
}

void TestHttpServer::AddStandardRoutes() {
  Route("/ok", Reply(200, {{"Content-Type", "text/plain"}}, "ok\n"));
  RoutePrefix("/redirect/", RedirectChain("/ok"));
  Route("/loop/a", RedirectTo("/loop/b"));
  Route("/loop/b", RedirectTo("/loop/a"));
}

std::string TestHttpServer::BaseUrl() const {
  return std::string(tls() ? "https" : "http") + "://" + address_ + ":" + std::to_string(port_);
}

int TestHttpServer::RequestCount(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(path);
  return it == counts_.end() ? 0 : it->second;
}

int TestHttpServer::TotalRequests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

void TestHttpServer::ResetCounts() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.clear();
  last_.clear();
  total_ = 0;
}

std::optional<ServerRequest> TestHttpServer::LastRequest(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = last_.find(path);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

}  // namespace outage::test
