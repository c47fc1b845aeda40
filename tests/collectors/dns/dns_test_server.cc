#include "tests/collectors/dns/dns_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "collectors/dns/dns_message.h"

namespace outage::test {
namespace {

constexpr size_t kHeaderSize = 12;

void Put16(std::vector<uint8_t>* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}

void Put32(std::vector<uint8_t>* out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}

std::vector<uint8_t> Name(const std::string& name) {
  std::vector<uint8_t> out;
  dns::EncodeName(name, &out);
  return out;
}

void PutRecord(std::vector<uint8_t>* out, const TestRecord& rr) {
  const std::vector<uint8_t> owner = Name(rr.name);
  out->insert(out->end(), owner.begin(), owner.end());
  Put16(out, rr.type);
  Put16(out, 1);  // IN
  Put32(out, rr.ttl);
  Put16(out, static_cast<uint16_t>(rr.rdata.size()));
  out->insert(out->end(), rr.rdata.begin(), rr.rdata.end());
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// ReadAll reads one length-prefixed TCP message; false on EOF or error.
bool ReadTcpMessage(int fd, std::vector<uint8_t>* out) {
  uint8_t len[2];
  if (recv(fd, len, 2, MSG_WAITALL) != 2) return false;
  out->resize(static_cast<size_t>(len[0] << 8 | len[1]));
  return out->empty() ||
         recv(fd, out->data(), out->size(), MSG_WAITALL) == static_cast<ssize_t>(out->size());
}

}  // namespace

TestRecord ARecord(const std::string& name, const std::string& ip, uint32_t ttl) {
  TestRecord rr{name, 1, ttl, std::vector<uint8_t>(4)};
  inet_pton(AF_INET, ip.c_str(), rr.rdata.data());
  return rr;
}

TestRecord AaaaRecord(const std::string& name, const std::string& ip, uint32_t ttl) {
  TestRecord rr{name, 28, ttl, std::vector<uint8_t>(16)};
  inet_pton(AF_INET6, ip.c_str(), rr.rdata.data());
  return rr;
}

TestRecord MxRecord(const std::string& name, uint16_t preference, const std::string& exchange) {
  TestRecord rr{name, 15, 300, {}};
  Put16(&rr.rdata, preference);
  const std::vector<uint8_t> target = Name(exchange);
  rr.rdata.insert(rr.rdata.end(), target.begin(), target.end());
  return rr;
}

TestRecord TxtRecord(const std::string& name, const std::vector<std::string>& strings) {
  TestRecord rr{name, 16, 300, {}};
  for (const std::string& s : strings) {
    rr.rdata.push_back(static_cast<uint8_t>(s.size()));
    rr.rdata.insert(rr.rdata.end(), s.begin(), s.end());
  }
  return rr;
}

TestRecord SoaRecord(const std::string& name, const std::string& mname, const std::string& rname,
                     uint32_t serial) {
  TestRecord rr{name, 6, 3600, Name(mname)};
  const std::vector<uint8_t> r = Name(rname);
  rr.rdata.insert(rr.rdata.end(), r.begin(), r.end());
  for (const uint32_t v : {serial, 7200u, 3600u, 1209600u, 300u}) Put32(&rr.rdata, v);
  return rr;
}

Zone StandardZone() {
  Zone zone;
  TestAnswer ok;
  ok.answer = {ARecord("ok.test.", "192.0.2.1"), AaaaRecord("ok.test.", "2001:db8::1"),
               MxRecord("ok.test.", 10, "mail.ok.test."),
               TxtRecord("ok.test.", {"v=spf1 -all", "say \"hi\""}),
               SoaRecord("ok.test.", "ns1.ok.test.", "hostmaster.ok.test.", 2024010101)};
  ok.authority = {{"ok.test.", 2, 300, Name("ns1.ok.test.")}};
  ok.additional = {ARecord("ns1.ok.test.", "192.0.2.53")};
  zone["ok.test."] = ok;
  zone["servfail.test."].rcode = 2;
  zone["refused.test."].rcode = 5;
  TestAnswer truncated;
  truncated.truncate_udp = true;
  for (int i = 1; i <= 20; ++i) {
    truncated.answer.push_back(ARecord("truncated.test.", "192.0.2." + std::to_string(i)));
  }
  zone["truncated.test."] = truncated;
  zone["silent.test."].silent = true;
  return zone;  // everything else, nxdomain.test included, is NXDOMAIN
}

std::unique_ptr<DnsTestServer> DnsTestServer::Start(Zone zone) {
  std::unique_ptr<DnsTestServer> server(new DnsTestServer());
  server->zone_ = std::move(zone);
  // The UDP port may be taken for TCP by someone else: retry a few times.
  for (int attempt = 0; attempt < 20 && server->port_ == 0; ++attempt) {
    const int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    const int one = 1;
    setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(udp, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
        bind(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && listen(tcp, 16) == 0) {
      server->udp_fd_ = udp;
      server->tcp_fd_ = tcp;
      server->port_ = ntohs(addr.sin_port);
    } else {
      close(udp);
      close(tcp);
    }
  }
  if (server->port_ == 0) return nullptr;
  server->wake_fd_ = eventfd(0, EFD_CLOEXEC);
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

DnsTestServer::~DnsTestServer() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    if (write(wake_fd_, &one, sizeof one) < 0) {
      // The thread would never see the stop; nothing sane is left to do.
      std::abort();
    }
    thread_.join();
  }
  for (const int fd : {udp_fd_, tcp_fd_, wake_fd_}) {
    if (fd >= 0) close(fd);
  }
}

void DnsTestServer::Serve() {
  std::vector<pollfd> fds = {{wake_fd_, POLLIN, 0}, {udp_fd_, POLLIN, 0}, {tcp_fd_, POLLIN, 0}};
  while (true) {
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents) break;
    if (fds[1].revents & POLLIN) {
      std::vector<uint8_t> query(65535);
      sockaddr_storage peer{};
      socklen_t peer_len = sizeof peer;
      const ssize_t n = recvfrom(udp_fd_, query.data(), query.size(), 0,
                                 reinterpret_cast<sockaddr*>(&peer), &peer_len);
      if (n > 0) {
        ++udp_queries_;
        query.resize(static_cast<size_t>(n));
        const std::vector<uint8_t> reply = Reply(query, true);
        if (!reply.empty()) {
          sendto(udp_fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                 peer_len);
        }
      }
    }
    if (fds[2].revents & POLLIN) {
      const int client = accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) fds.push_back({client, POLLIN, 0});
    }
    for (size_t i = 3; i < fds.size();) {
      if (fds[i].revents == 0) {
        ++i;
        continue;
      }
      std::vector<uint8_t> query;
      if (!ReadTcpMessage(fds[i].fd, &query)) {
        close(fds[i].fd);
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      ++tcp_queries_;
      std::vector<uint8_t> reply = Reply(query, false);
      if (!reply.empty()) {
        std::vector<uint8_t> framed;
        Put16(&framed, static_cast<uint16_t>(reply.size()));
        framed.insert(framed.end(), reply.begin(), reply.end());
        send(fds[i].fd, framed.data(), framed.size(), MSG_NOSIGNAL);
      }
      ++i;
    }
    for (pollfd& p : fds) p.revents = 0;
  }
  for (size_t i = 3; i < fds.size(); ++i) close(fds[i].fd);
}

std::vector<uint8_t> DnsTestServer::Reply(const std::vector<uint8_t>& query, bool over_udp) const {
  std::string error;
  const std::optional<dns::Message> q = dns::ParseMessage(query.data(), query.size(), &error);
  if (!q || q->questions.size() != 1) return {};
  const dns::Question& question = q->questions[0];
  auto it = zone_.find(Lower(question.name));
  const TestAnswer nxdomain{3, {}, {}, {}, false, false};
  const TestAnswer& a = it == zone_.end() ? nxdomain : it->second;
  if (a.silent) return {};
  const bool truncate = over_udp && a.truncate_udp;
  std::vector<TestRecord> answer;
  for (const TestRecord& rr : a.answer) {
    if (question.type == 255 || rr.type == question.type) answer.push_back(rr);
  }
  const std::vector<TestRecord> none;
  const std::vector<TestRecord>* sections[] = {truncate ? &none : &answer,
                                               truncate ? &none : &a.authority,
                                               truncate ? &none : &a.additional};
  // Header: the query's id and RD; QR, AA, RA set; TC when truncating.
  std::vector<uint8_t> out(query.begin(), query.begin() + kHeaderSize);
  out[2] = static_cast<uint8_t>(0x84 | (truncate ? 0x02 : 0) | (query[2] & 0x01));
  out[3] = static_cast<uint8_t>(0x80 | (a.rcode & 0xF));
  out[4] = 0;
  out[5] = 1;
  for (int s = 0; s < 3; ++s) {
    out[6 + 2 * s] = static_cast<uint8_t>(sections[s]->size() >> 8);
    out[7 + 2 * s] = static_cast<uint8_t>(sections[s]->size());
  }
  // The question, echoed byte for byte (c-ares checks it).
  const std::vector<uint8_t> qname = Name(question.name);
  out.insert(out.end(), qname.begin(), qname.end());
  Put16(&out, question.type);
  Put16(&out, question.klass);
  for (const auto* section : sections) {
    for (const TestRecord& rr : *section) PutRecord(&out, rr);
  }
  return out;
}

}  // namespace outage::test
