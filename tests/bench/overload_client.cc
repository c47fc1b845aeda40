// overload_client: CLIENTS connections that loop on /probe of a target that
// accepts and never answers, for SECONDS, against the exporter at HOST:PORT.
// Over --probe.max-concurrent the exporter must answer 503 at once; the
// admitted probes must answer by their deadline (module http_hang, 3 s).
//
//   overload_client HOST PORT CLIENTS SECONDS
//
// Prints: rejected=N rejected_p50_ms=.. rejected_p99_ms=.. answered=N
// answered_max_s=..
//
// One thread drives every client connection with epoll, so what is timed is
// the exporter, not the client's own thread scheduling (a client with one
// thread per connection, or one behind Python's interpreter lock, adds tens
// to hundreds of milliseconds at 200 clients on 2 cores). Each request opens
// a new connection (Connection: close), as a scraper that gave up would.
// Loopback only; bounded by SECONDS plus a 10 s drain.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// HangServer accepts connections and holds them, never answering.
class HangServer {
 public:
  HangServer() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(fd_, 4096) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::perror("hang server");
      std::exit(1);
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~HangServer() {
    stop_ = true;
    thread_.join();
    for (int fd : held_) close(fd);
    close(fd_);
  }
  int port() const { return port_; }

 private:
  void Run() {
    while (!stop_) {
      int fd = accept(fd_, nullptr, nullptr);
      if (fd >= 0) {
        held_.push_back(fd);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<int> held_;
  std::thread thread_;
};

struct Client {
  int fd = -1;
  Clock::time_point start;
  std::string response;
  size_t sent = 0;
};

double Percentile(std::vector<double> xs, double q) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(static_cast<double>(xs.size()) * q))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: overload_client HOST PORT CLIENTS SECONDS\n");
    return 2;
  }
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  sockaddr_in exporter{};
  exporter.sin_family = AF_INET;
  exporter.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  if (inet_pton(AF_INET, argv[1], &exporter.sin_addr) != 1 ||
      (ntohl(exporter.sin_addr.s_addr) >> 24) != 127) {
    std::fprintf(stderr, "overload_client: HOST must be a 127.0.0.0/8 address\n");
    return 2;
  }
  const int clients = std::atoi(argv[3]);
  const auto end = Clock::now() + std::chrono::duration<double>(std::atof(argv[4]));
  const auto drain_end = end + std::chrono::seconds(10);

  HangServer hang;
  const std::string request =
      "GET /probe?module=http_hang&target=http://127.0.0.1:" + std::to_string(hang.port()) +
      "/ HTTP/1.1\r\nHost: " + argv[1] + "\r\nConnection: close\r\n\r\n";

  int ep = epoll_create1(0);
  std::vector<Client> conns(static_cast<size_t>(clients));
  auto open_conn = [&](size_t i) {
    Client& c = conns[i];
    c = Client{};
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    c.start = Clock::now();
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&exporter), sizeof exporter) != 0 &&
        errno != EINPROGRESS) {
      std::perror("connect");
      std::exit(1);
    }
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  };
  for (size_t i = 0; i < conns.size(); ++i) open_conn(i);

  std::vector<double> rejected_ms, answered_s;
  int errors = 0, open = clients;
  std::vector<epoll_event> events(256);
  char buf[16384];
  while (open > 0 && Clock::now() < drain_end) {
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int k = 0; k < n; ++k) {
      const size_t i = events[k].data.u64;
      Client& c = conns[i];
      if (c.sent < request.size() && (events[k].events & EPOLLOUT)) {
        ssize_t w = send(c.fd, request.data() + c.sent, request.size() - c.sent, MSG_NOSIGNAL);
        if (w > 0) c.sent += static_cast<size_t>(w);
        if (c.sent == request.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u64 = i;
          epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
      bool done = (events[k].events & (EPOLLERR | EPOLLHUP)) != 0;
      for (;;) {
        ssize_t r = recv(c.fd, buf, sizeof buf, 0);
        if (r > 0) {
          c.response.append(buf, static_cast<size_t>(r));
          continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) done = true;
        break;
      }
      if (!done) continue;
      const double elapsed = std::chrono::duration<double>(Clock::now() - c.start).count();
      close(c.fd);
      c.fd = -1;
      if (c.response.compare(0, 12, "HTTP/1.1 503") == 0) {
        rejected_ms.push_back(elapsed * 1000);
      } else if (c.response.compare(0, 9, "HTTP/1.1 ") == 0) {
        answered_s.push_back(elapsed);
      } else {
        ++errors;
      }
      if (Clock::now() < end) {
        open_conn(i);
      } else {
        --open;
      }
    }
  }
  std::printf(
      "rejected=%zu rejected_p50_ms=%.2f rejected_p99_ms=%.2f answered=%zu answered_max_s=%.3f "
      "errors=%d unfinished=%d\n",
      rejected_ms.size(), Percentile(rejected_ms, 0.5), Percentile(rejected_ms, 0.99),
      answered_s.size(),
      answered_s.empty() ? 0.0 : *std::max_element(answered_s.begin(), answered_s.end()), errors,
      open);
  for (auto& c : conns) {
    if (c.fd >= 0) close(c.fd);
  }
  close(ep);
  return 0;
}
