// DnsTestServer: a small authoritative DNS server for tests, answering by
// query name over UDP and TCP on the same 127.0.0.1 port (chosen by the
// kernel). Each name has a scripted behaviour: records, an rcode, a
// truncated UDP reply (full answer over TCP only), or silence.
//
// Thread-safety: Start/port/query counters may be called from any thread;
// the server runs on its own thread until destroyed.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace outage::test {

struct TestRecord {
  std::string name;  // owner, e.g. "ok.test."
  uint16_t type = 1;
  uint32_t ttl = 300;
  std::vector<uint8_t> rdata;  // wire form, uncompressed
};

// Record builders.
TestRecord ARecord(const std::string& name, const std::string& ip, uint32_t ttl = 300);
TestRecord AaaaRecord(const std::string& name, const std::string& ip, uint32_t ttl = 300);
TestRecord MxRecord(const std::string& name, uint16_t preference, const std::string& exchange);
TestRecord TxtRecord(const std::string& name, const std::vector<std::string>& strings);
TestRecord SoaRecord(const std::string& name, const std::string& mname, const std::string& rname,
                     uint32_t serial);

// TestAnswer is how the server answers one name.
struct TestAnswer {
  int rcode = 0;
  std::vector<TestRecord> answer;     // filtered by the query type (ANY: all)
  std::vector<TestRecord> authority;  // always sent
  std::vector<TestRecord> additional;
  bool truncate_udp = false;  // UDP gets TC=1 and no records
  bool silent = false;        // never answers, on either transport
};

// Zone maps a lower-case, fully qualified name ("ok.test.") to its answer;
// names not in it get NXDOMAIN.
using Zone = std::map<std::string, TestAnswer>;

// StandardZone: ok.test (A, AAAA, MX, TXT, SOA), nxdomain.test,
// servfail.test, refused.test, truncated.test (TC over UDP, 20 A records
// over TCP) and silent.test.
Zone StandardZone();

class DnsTestServer {
 public:
  // Start binds UDP and TCP on 127.0.0.1 (same port); nullptr on failure.
  static std::unique_ptr<DnsTestServer> Start(Zone zone);
  ~DnsTestServer();
  DnsTestServer(const DnsTestServer&) = delete;
  DnsTestServer& operator=(const DnsTestServer&) = delete;

  int port() const { return port_; }
  // "127.0.0.1:PORT", the form a dns probe target takes.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int udp_queries() const { return udp_queries_.load(); }
  int tcp_queries() const { return tcp_queries_.load(); }

 private:
  DnsTestServer() = default;
  void Serve();
  // Reply builds the answer to `query`; empty means stay silent.
  std::vector<uint8_t> Reply(const std::vector<uint8_t>& query, bool over_udp) const;

  Zone zone_;
  int port_ = 0;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: wakes Serve() to stop
  std::atomic<int> udp_queries_{0};
  std::atomic<int> tcp_queries_{0};
  std::thread thread_;
};

}  // namespace outage::test
