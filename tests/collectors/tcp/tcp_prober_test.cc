// The TCP prober in-process (through ProbeEngine) against loopback servers
// started here: banners, SMTP/IMAP/POP3 STARTTLS dialogues, direct TLS with
// good and bad certificates, and servers that reset, hang up or never speak.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "collectors/probe_engine.h"
#include "tests/collectors/probe_outcome.h"
#include "tests/collectors/tcp/tcp_test_servers.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/raw_tcp_server.h"
#include "tests/support/sanitizer_allowance.h"
#include "tests/support/test_certs.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;

class TcpProberTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signal(SIGPIPE, SIG_IGN);  // as main() does: TLS writes may hit a closed peer
    std::string error;
    certs_ = SharedTestCerts(&error);
    ASSERT_NE(certs_, nullptr) << error;
  }

  // Probe runs module `m` with the given `tcp:` section body (indented by
  // six spaces) against `target`.
  ProbeOutcome Probe(const std::string& tcp_section, const std::string& target,
                     milliseconds timeout = milliseconds(3000)) {
    return RunProbe(engine_, "tcp", tcp_section, target, timeout);
  }

  static std::unique_ptr<ScriptedServer> Serve(ScriptedServer::Script script) {
    std::string error;
    auto server = ScriptedServer::Start(std::move(script), &error);
    EXPECT_NE(server, nullptr) << error;
    return server;
  }

  static std::unique_ptr<RawTcpServer> ServeRaw(RawBehavior behavior) {
    std::string error;
    auto server = RawTcpServer::Start(behavior, &error);
    EXPECT_NE(server, nullptr) << error;
    return server;
  }

  static std::string CaFile() { return certs_->ca.cert_path; }

  static const TestCerts* certs_;
  ProbeEngine engine_;
};

const TestCerts* TcpProberTest::certs_ = nullptr;

// Servers -------------------------------------------------------------------

void SshBanner(ServerConn& c) {
  c.Write("SSH-2.0-test\r\n");
  std::string line;
  c.ReadLine(&line);
}

// SmtpServer speaks just enough ESMTP for a STARTTLS check; it records every
// command it receives so tests can see what went over TLS.
ScriptedServer::Script SmtpServer(ScriptedServer** self, const TestCerts* certs) {
  return [self, certs](ServerConn& c) {
    std::string line;
    c.Write("220 mail.test ESMTP ready\r\n");
    if (!c.ReadLine(&line)) return;
    (*self)->Record(line);
    c.Write("250-mail.test greets you\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
    if (!c.ReadLine(&line)) return;
    (*self)->Record(line);
    if (line != "STARTTLS") return;
    c.Write("220 2.0.0 Ready to start TLS\r\n");
    if (!c.StartTls(certs->leaf.cert_path, certs->leaf.key_path)) return;
    (*self)->Record("<tls>");
    while (c.ReadLine(&line)) {
      (*self)->Record(line);
      if (line.rfind("EHLO", 0) == 0) c.Write("250-mail.test\r\n250 AUTH PLAIN\r\n");
      if (line == "QUIT") {
        c.Write("221 2.0.0 Bye\r\n");
        return;
      }
    }
  };
}

constexpr char kSmtpStartTls[] = R"yaml(      query_response:
        - expect: "^220 "
        - send: "EHLO prober.test"
        - expect: "^250-STARTTLS"
        - expect: "^250 "
        - send: "STARTTLS"
        - expect: "^220 "
          starttls: true
        - send: "EHLO prober.test"
        - expect: "^250 AUTH"
        - send: "QUIT"
        - expect: "^221 "
      tls_config:
        ca_file: CA
)yaml";

// StartTlsServer greets with `greeting`, waits for `command` and answers it
// with `go_ahead` in plaintext, upgrades to TLS, then answers each line of
// `dialogue` in turn, stopping at the first line that is not the expected one.
ScriptedServer::Script StartTlsServer(const TestCerts* certs, std::string greeting,
                                      std::string command, std::string go_ahead,
                                      std::vector<std::pair<std::string, std::string>> dialogue) {
  return [=](ServerConn& c) {
    std::string line;
    c.Write(greeting);
    if (!c.ReadLine(&line) || line != command) return;
    c.Write(go_ahead);
    if (!c.StartTls(certs->leaf.cert_path, certs->leaf.key_path)) return;
    for (const auto& [expected, reply] : dialogue) {
      if (!c.ReadLine(&line) || line != expected) return;
      c.Write(reply);
    }
  };
}

constexpr char kExpectSsh[] = R"yaml(      query_response:
        - expect: "^SSH-2.0-"
)yaml";

std::string WithCa(std::string text, const std::string& ca) {
  const size_t at = text.find("CA\n");
  if (at != std::string::npos) text.replace(at, 2, ca);
  return text;
}

// Tests ---------------------------------------------------------------------

TEST_F(TcpProberTest, ConnectOnlySucceeds) {
  auto server = Serve(SshBanner);
  ProbeOutcome o = Probe("", server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_ip_protocol"), 4);
  EXPECT_NE(SampleValue(o.result, "probe_ip_addr_hash"), 0);
  EXPECT_EQ(SampleValue(o.result, "probe_failed_due_to_regex"), 0);
  ASSERT_EQ(o.result.phases.size(), 4u);
  EXPECT_EQ(o.result.phases[0].phase, "resolve");
  EXPECT_EQ(o.result.phases[3].phase, "exchange");
  EXPECT_TRUE(
      SampleValue(o.result, "probe_tcp_duration_seconds", {{"phase", "connect"}}).has_value());
  EXPECT_FALSE(SampleValue(o.result, "probe_ssl_earliest_cert_expiry").has_value());
}

TEST_F(TcpProberTest, SshBannerWithLabels) {
  auto server = Serve(SshBanner);
  ProbeOutcome o = Probe(R"yaml(      query_response:
        - expect: "^SSH-2.0-([^ -]+)"
          labels:
            - name: ssh_version
              value: "${1}"
        - send: "SSH-2.0-blackbox-ssh-check"
)yaml",
                         server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_expect_info", {{"ssh_version", "test"}}), 1);
}

TEST_F(TcpProberTest, SmtpStartTls) {
  ScriptedServer* self = nullptr;
  auto server = Serve(SmtpServer(&self, certs_));
  self = server.get();
  ProbeOutcome o = Probe(WithCa(kSmtpStartTls, CaFile()), server->Target());
  ASSERT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(server->Transcript(), (std::vector<std::string>{"EHLO prober.test", "STARTTLS", "<tls>",
                                                            "EHLO prober.test", "QUIT"}));
  EXPECT_EQ(SampleValue(o.result, "probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs_->leaf.not_after));
  EXPECT_TRUE(SampleValue(o.result, "probe_ssl_last_chain_expiry_timestamp_seconds").has_value());
  EXPECT_EQ(SampleValue(o.result, "probe_tls_version_info", {{"version", "TLS 1.3"}}), 1);
  EXPECT_GT(*SampleValue(o.result, "probe_tcp_duration_seconds", {{"phase", "tls"}}), 0);
}

TEST_F(TcpProberTest, SmtpStartTlsUntrustedCertificateIsTls) {
  ScriptedServer* self = nullptr;
  auto server = Serve(SmtpServer(&self, certs_));
  self = server.get();
  // No ca_file: the system store does not know the test CA.
  std::string module = kSmtpStartTls;
  module.erase(module.find("      tls_config:"));
  // Loading the system trust store is slow under valgrind or sanitizers.
  ProbeOutcome o = Probe(module, server->Target(), milliseconds(15000));
  EXPECT_EQ(ReasonOf(o.result), "tls") << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs_->leaf.not_after));
}

// A line sent in plaintext together with the STARTTLS answer must not be
// read as if it came over TLS (the classic STARTTLS command injection).
TEST_F(TcpProberTest, PlaintextBeforeStartTlsIsDiscarded) {
  auto server = Serve(StartTlsServer(certs_, "220 ready\r\n", "STARTTLS",
                                     "220 go ahead\r\n250 INJECTED\r\n",  // one segment
                                     {{"EHLO prober.test", "250 AUTH PLAIN\r\n"}}));
  ProbeOutcome o = Probe(WithCa(R"yaml(      query_response:
        - expect: "^220 ready"
          send: "STARTTLS"
        - expect: "^220 go ahead"
          starttls: true
        - send: "EHLO prober.test"
        - expect: "^250 (INJECTED|AUTH)"
          labels:
            - name: first
              value: "${1}"
      tls_config:
        ca_file: CA
)yaml",
                                CaFile()),
                         server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_expect_info", {{"first", "AUTH"}}), 1)
      << o.result.log.Text();
}

TEST_F(TcpProberTest, ImapStartTls) {
  auto server = Serve(
      StartTlsServer(certs_, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", "a1 STARTTLS",
                     "a1 OK Begin TLS negotiation now\r\n",
                     {{"a2 CAPABILITY", "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na2 OK done\r\n"},
                      {"a3 LOGOUT", "* BYE\r\na3 OK bye\r\n"}}));
  ProbeOutcome o = Probe(WithCa(R"yaml(      query_response:
        - expect: "^\\* OK"
        - send: "a1 STARTTLS"
        - expect: "^a1 OK"
          starttls: true
        - send: "a2 CAPABILITY"
        - expect: "^a2 OK"
        - send: "a3 LOGOUT"
        - expect: "^a3 OK"
      tls_config:
        ca_file: CA
)yaml",
                                CaFile()),
                         server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs_->leaf.not_after));
}

TEST_F(TcpProberTest, Pop3StartTls) {
  auto server =
      Serve(StartTlsServer(certs_, "+OK POP3 server ready\r\n", "STLS", "+OK Begin TLS\r\n",
                           {{"CAPA", "+OK Capability list follows\r\nUSER\r\nSASL PLAIN\r\n.\r\n"},
                            {"QUIT", "+OK bye\r\n"}}));
  ProbeOutcome o = Probe(WithCa(R"yaml(      query_response:
        - expect: "^\\+OK"
        - send: "STLS"
        - expect: "^\\+OK"
          starttls: true
        - send: "CAPA"
        - expect: "^SASL"
        - expect: "^\\.$"
        - send: "QUIT"
        - expect: "^\\+OK"
      tls_config:
        ca_file: CA
)yaml",
                                CaFile()),
                         server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
}

std::string DirectTlsModule(const std::string& ca) {
  return R"yaml(      tls: true
      query_response:
        - expect: "^hello over tls"
      tls_config:
        ca_file: )yaml" +
         ca + "\n";
}

TEST_F(TcpProberTest, DirectTlsWithTrustedCertificate) {
  const TestCerts* certs = certs_;
  auto server = Serve([certs](ServerConn& c) {
    if (c.StartTls(certs->leaf.cert_path, certs->leaf.key_path)) c.Write("hello over tls\n");
  });
  ProbeOutcome o = Probe(DirectTlsModule(CaFile()), server->Target());
  ASSERT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs_->leaf.not_after));
  EXPECT_EQ(SampleValue(o.result, "probe_ssl_last_chain_expiry_timestamp_seconds"),
            static_cast<double>(std::min(certs_->leaf.not_after, certs_->ca.not_after)));
}

TEST_F(TcpProberTest, DirectTlsWithExpiredCertificateIsTlsAndShowsExpiry) {
  const TestCerts* certs = certs_;
  auto server = Serve([certs](ServerConn& c) {
    if (c.StartTls(certs->expired.cert_path, certs->expired.key_path)) c.Write("hello over tls\n");
  });
  ProbeOutcome o = Probe(DirectTlsModule(CaFile()), server->Target());
  EXPECT_EQ(ReasonOf(o.result), "tls") << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs_->expired.not_after));
  EXPECT_FALSE(SampleValue(o.result, "probe_ssl_last_chain_expiry_timestamp_seconds").has_value());
  EXPECT_NE(o.result.log.Text().find("expired"), std::string::npos) << o.result.log.Text();
}

TEST_F(TcpProberTest, DirectTlsWithWrongHostIsTls) {
  const TestCerts* certs = certs_;
  auto server = Serve([certs](ServerConn& c) {
    if (c.StartTls(certs->wrong_host.cert_path, certs->wrong_host.key_path)) c.Write("hello\n");
  });
  ProbeOutcome o = Probe(DirectTlsModule(CaFile()), server->Target());
  EXPECT_EQ(ReasonOf(o.result), "tls") << o.result.log.Text();
}

TEST_F(TcpProberTest, ServerNameSelectsTheVerifiedName) {
  const TestCerts* certs = certs_;
  auto server = Serve([certs](ServerConn& c) {
    if (c.StartTls(certs->wrong_host.cert_path, certs->wrong_host.key_path)) {
      c.Write("hello over tls\n");
    }
  });
  ProbeOutcome o =
      Probe(DirectTlsModule(CaFile()) + "        server_name: wrong.example\n", server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
}

TEST_F(TcpProberTest, CaptureExpandsIntoSend) {
  ScriptedServer* self = nullptr;
  auto server = Serve([&self](ServerConn& c) {
    std::string line;
    c.Write("NOTICE * :hello\r\nPING :tok3n-42\r\n");
    if (!c.ReadLine(&line)) return;
    self->Record(line);
    c.Write(line == "PONG tok3n-42" ? ":irc.test 001 prober :Welcome\r\n" : "ERROR\r\n");
  });
  self = server.get();
  ProbeOutcome o = Probe(R"yaml(      query_response:
        - expect: "PING :([^ ]+)"
          send: "PONG ${1}"
        - expect: "^:[^ ]+ 001"
)yaml",
                         server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(server->Transcript(), std::vector<std::string>{"PONG tok3n-42"});
}

TEST_F(TcpProberTest, NoMatchBeforeEofIsContent) {
  auto server = Serve([](ServerConn& c) { c.Write("220 wrong service\r\nbye\r\n"); });
  ProbeOutcome o = Probe(kExpectSsh, server->Target());
  EXPECT_EQ(ReasonOf(o.result), "content") << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_failed_due_to_regex"), 1);
}

TEST_F(TcpProberTest, LastLineWithoutNewlineStillMatches) {
  auto server = Serve([](ServerConn& c) { c.Write("first\r\nSSH-2.0-final"); });
  ProbeOutcome o = Probe(R"yaml(      query_response:
        - expect: "^SSH-2.0-final$"
)yaml",
                         server->Target());
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
}

TEST_F(TcpProberTest, ExpectBytes) {
  auto server = Serve([](ServerConn& c) { c.Write(std::string("\x00\x01OK rest", 9)); });
  ProbeOutcome good = Probe(R"yaml(      query_response:
        - expect_bytes: "\x00\x01OK"
)yaml",
                            server->Target());
  EXPECT_TRUE(good.result.success) << good.result.log.Text();
  EXPECT_EQ(SampleValue(good.result, "probe_failed_due_to_bytes"), 0);
  ProbeOutcome bad = Probe(R"yaml(      query_response:
        - expect_bytes: "\x00\x02OK"
)yaml",
                           server->Target());
  EXPECT_EQ(ReasonOf(bad.result), "content") << bad.result.log.Text();
  EXPECT_EQ(SampleValue(bad.result, "probe_failed_due_to_bytes"), 1);
}

TEST_F(TcpProberTest, EndlessLineIsProtocol) {
  auto server = Serve([](ServerConn& c) {
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 4 && c.Write(chunk); ++i) {
    }
  });
  ProbeOutcome o = Probe(R"yaml(      query_response:
        - expect: "^never"
)yaml",
                         server->Target());
  EXPECT_EQ(ReasonOf(o.result), "protocol") << o.result.log.Text();
}

TEST_F(TcpProberTest, ResetIsNetwork) {
  auto server = ServeRaw(RawBehavior::kReset);
  ASSERT_NE(server, nullptr);
  ProbeOutcome o = Probe(kExpectSsh, server->Target());
  EXPECT_EQ(ReasonOf(o.result), "network") << o.result.log.Text();
}

TEST_F(TcpProberTest, HangUpWithoutAWordIsProtocol) {
  auto server = ServeRaw(RawBehavior::kCloseImmediately);
  ASSERT_NE(server, nullptr);
  ProbeOutcome o = Probe(kExpectSsh, server->Target());
  EXPECT_EQ(ReasonOf(o.result), "protocol") << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_failed_due_to_regex"), 0);
}

TEST_F(TcpProberTest, SilentServerTimesOutAtTheDeadline) {
  auto server = ServeRaw(RawBehavior::kNeverAnswer);
  ASSERT_NE(server, nullptr);
  ProbeOutcome o = Probe(kExpectSsh, server->Target(), milliseconds(1000));
  EXPECT_EQ(ReasonOf(o.result), "timeout") << o.result.log.Text();
  EXPECT_GE(o.elapsed_seconds, 0.99);
  EXPECT_LT(o.elapsed_seconds, 1.0 + kDeadlineSlackSeconds);
  EXPECT_GE(*SampleValue(o.result, "probe_tcp_duration_seconds", {{"phase", "exchange"}}), 0.9);
}

TEST_F(TcpProberTest, SilentTlsServerTimesOut) {
  auto server = ServeRaw(RawBehavior::kNeverAnswer);
  ASSERT_NE(server, nullptr);
  ProbeOutcome o = Probe("      tls: true\n", server->Target(), milliseconds(500));
  EXPECT_EQ(ReasonOf(o.result), "timeout") << o.result.log.Text();
  EXPECT_LT(o.elapsed_seconds, 0.5 + kDeadlineSlackSeconds);
}

TEST_F(TcpProberTest, RefusedIsNetwork) {
  RefusedPort refused;
  ProbeOutcome o = Probe("", "127.0.0.1:" + std::to_string(refused.port()));
  EXPECT_EQ(ReasonOf(o.result), "network") << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_ip_protocol"), 4);
}

TEST_F(TcpProberTest, LocalhostResolvesThroughCares) {
  auto server = Serve(SshBanner);
  ProbeOutcome o =
      Probe("      preferred_ip_protocol: ip4\n", "localhost:" + std::to_string(server->Port()));
  EXPECT_TRUE(o.result.success) << o.result.log.Text();
  EXPECT_EQ(SampleValue(o.result, "probe_ip_protocol"), 4);
}

TEST_F(TcpProberTest, UnresolvableNameIsDns) {
  ProbeOutcome o = Probe("", "no-such-host.invalid:22", milliseconds(2000));
  EXPECT_EQ(ReasonOf(o.result), "dns") << o.result.log.Text();
  EXPECT_LT(o.elapsed_seconds, 2.0 + kDeadlineSlackSeconds);
}

TEST_F(TcpProberTest, WrongFamilyWithoutFallbackIsDns) {
  auto server = Serve(SshBanner);
  ProbeOutcome o = Probe("      preferred_ip_protocol: ip6\n      ip_protocol_fallback: false\n",
                         server->Target());
  EXPECT_EQ(ReasonOf(o.result), "dns") << o.result.log.Text();
}

TEST_F(TcpProberTest, SourceAddressIsUsed) {
  auto server = Serve(SshBanner);
  ProbeOutcome good = Probe("      source_ip_address: 127.0.0.1\n", server->Target());
  EXPECT_TRUE(good.result.success) << good.result.log.Text();
  ProbeOutcome bad = Probe("      source_ip_address: \"::1\"\n", server->Target());
  EXPECT_EQ(ReasonOf(bad.result), "network") << bad.result.log.Text();
}

TEST_F(TcpProberTest, CheckTarget) {
  const Prober* prober = engine_.FindProber("tcp");
  ASSERT_NE(prober, nullptr);
  EXPECT_EQ(prober->CheckTarget("example.com:25").problem, std::nullopt);
  EXPECT_EQ(prober->CheckTarget("[::1]:993").problem, std::nullopt);
  EXPECT_EQ(prober->CheckTarget("example.com").problem, "missing port in target (want host:port)");
  EXPECT_EQ(prober->CheckTarget("::1:993").problem,
            "too many colons in target (write an IPv6 address as [addr]:port)");
  EXPECT_EQ(prober->CheckTarget("example.com:0").problem,
            "invalid port \"0\" in target (want 1-65535)");
  EXPECT_EQ(prober->CheckTarget("example.com:smtp").problem,
            "invalid port \"smtp\" in target (want 1-65535)");
  EXPECT_EQ(prober->CheckTarget(":25").problem, "missing host in target (want host:port)");
}

}  // namespace
}  // namespace outage::test
