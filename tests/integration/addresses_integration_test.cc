// Every address: the real exporter probes a name with several loopback
// addresses (its own /etc/hosts, in a private network namespace) where some
// addresses serve a good certificate, some a self-signed one and one refuses,
// and reports how many failed and why.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/security_netns.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

// multi.test has four addresses: .2 serves the CA-signed certificate, .3 and
// .4 a self-signed one, and nothing listens on .5 (refused).
constexpr char kHosts[] =
    "127.0.0.2 multi.test\n127.0.0.3 multi.test\n127.0.0.4 multi.test\n127.0.0.5 multi.test\n";

std::string ModulesYaml(const std::string& ca_file) {
  const std::string tls =
      "      preferred_ip_protocol: ip4\n      tls_config:\n        ca_file: " + ca_file +
      "\n        server_name: localhost\n";
  return "modules:\n"
         "  every_address:\n    prober: http\n    timeout: 5s\n    addresses: all\n"
         "    http:\n" +
         tls +
         "  any_address:\n    prober: http\n    timeout: 5s\n    addresses: all\n"
         "    success_when: any\n    http:\n" +
         tls +
         "  two_addresses:\n    prober: http\n    timeout: 5s\n    addresses: all\n"
         "    max_addresses: 2\n    http:\n" +
         tls + "  one_address:\n    prober: http\n    timeout: 5s\n    http:\n" + tls +
         "  tcp_every_address:\n    prober: tcp\n    timeout: 5s\n    addresses: all\n"
         "    tcp:\n      preferred_ip_protocol: ip4\n"
         "  icmp_every_address:\n    prober: icmp\n    timeout: 5s\n    addresses: all\n"
         "    icmp:\n      preferred_ip_protocol: ip4\n";
}

// Servers is the name's four addresses, on one port.
struct Servers {
  std::vector<std::unique_ptr<TestHttpServer>> https;
  int port = 0;
};

std::unique_ptr<Servers> StartServers(const TestCerts& certs) {
  auto servers = std::make_unique<Servers>();
  const std::vector<std::pair<std::string, const CertFiles*>> plan = {
      {"127.0.0.2", &certs.leaf},
      {"127.0.0.3", &certs.self_signed},
      {"127.0.0.4", &certs.self_signed}};
  for (const auto& [address, cert] : plan) {
    TestHttpServerOptions options;
    options.cert_path = cert->cert_path;
    options.key_path = cert->key_path;
    options.address = address;
    options.port = servers->port;
    std::string error;
    auto server = TestHttpServer::Start(options, &error);
    EXPECT_NE(server, nullptr) << address << ": " << error;
    if (server == nullptr) return nullptr;
    server->AddStandardRoutes();
    servers->port = server->Port();
    servers->https.push_back(std::move(server));
  }
  return servers;
}

MetricsText Probe(const ExporterProcess& exporter, const std::string& target,
                  const std::string& module, std::string* debug = nullptr) {
  const std::string url = exporter.BaseUrl() + "/probe?target=" + UrlEncode(target) +
                          "&module=" + module + (debug != nullptr ? "&debug=true" : "");
  const HttpResponse r = HttpGet(url, {}, std::chrono::seconds(30));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200) << r.body;
  if (debug != nullptr) {
    *debug = r.body;
    return {};
  }
  ExpectPromtoolClean(r.body);
  MetricsText metrics = MetricsText::Parse(r.body);
  const bool http = module.rfind("tcp", 0) != 0 && module.rfind("icmp", 0) != 0;
  ExpectWellFormedProbe(metrics, {}, http);
  return metrics;
}

double Val(const MetricsText& m, const std::string& name, const Labels& labels = {}) {
  return m.Value(name, labels).value_or(-1);
}

TEST(AddressesNetnsTest, EveryAddressIsProbedAndTheFailuresCountedByReason) {
  OUTAGE_IN_PRIVATE_NETNS();
  ASSERT_EQ(SetUpPrivateNetwork(kHosts), "");
  TempDir tmp;
  std::string error;
  const auto certs = GenerateTestCerts(tmp.path(), 30, &error);
  ASSERT_TRUE(certs.has_value()) << error;
  const auto servers = StartServers(*certs);
  ASSERT_NE(servers, nullptr);
  const std::string config = tmp.WriteFile("m.yml", ModulesYaml(certs->ca.cert_path));
  auto exporter = ExporterProcess::StartWithFlags({"--config.file=" + config}, &error);
  ASSERT_NE(exporter, nullptr) << error;
  const std::string url = "https://multi.test:" + std::to_string(servers->port) + "/ok";

  MetricsText m = Probe(*exporter, url, "every_address");
  EXPECT_EQ(Val(m, "probe_success"), 0);
  EXPECT_EQ(m.FailureReason(), "tls");  // two tls, one network
  EXPECT_EQ(Val(m, "probe_addresses", {{"family", "ip4"}}), 4);
  EXPECT_EQ(Val(m, "probe_addresses", {{"family", "ip6"}}), 0);
  EXPECT_EQ(Val(m, "probe_addresses_failed", {{"family", "ip4"}}), 3);
  EXPECT_EQ(Val(m, "probe_addresses_failure_reason", {{"reason", "tls"}}), 2);
  EXPECT_EQ(Val(m, "probe_addresses_failure_reason", {{"reason", "network"}}), 1);
  EXPECT_EQ(Val(m, "probe_addresses_failure_reason", {{"reason", "dns"}}), 0);
  EXPECT_EQ(servers->https[0]->RequestCount("/ok"), 1);  // the good address was asked

  // success_when: any: one good address is enough; the failures still count.
  m = Probe(*exporter, url, "any_address");
  EXPECT_EQ(Val(m, "probe_success"), 1);
  EXPECT_EQ(m.FailureReason(), "none");
  EXPECT_EQ(Val(m, "probe_http_status_code"), 200);  // shown by the good address
  EXPECT_EQ(Val(m, "probe_addresses_failed", {{"family", "ip4"}}), 3);

  m = Probe(*exporter, url, "two_addresses");
  EXPECT_EQ(Val(m, "probe_addresses", {{"family", "ip4"}}), 2);

  // addresses: one (the default) is blackbox's probe: no address series.
  m = Probe(*exporter, url, "one_address");
  EXPECT_FALSE(m.Has("probe_addresses"));

  // TCP: three listen, one refuses.
  m = Probe(*exporter, "multi.test:" + std::to_string(servers->port), "tcp_every_address");
  EXPECT_EQ(Val(m, "probe_success"), 0);
  EXPECT_EQ(m.FailureReason(), "network");
  EXPECT_EQ(Val(m, "probe_addresses_failed", {{"family", "ip4"}}), 1);
  EXPECT_EQ(Val(m, "probe_addresses_failure_reason", {{"reason", "network"}}), 1);

  // ICMP: every loopback address answers.
  m = Probe(*exporter, "multi.test", "icmp_every_address");
  EXPECT_EQ(Val(m, "probe_success"), 1);
  EXPECT_EQ(Val(m, "probe_addresses", {{"family", "ip4"}}), 4);
  EXPECT_EQ(Val(m, "probe_addresses_failed", {{"family", "ip4"}}), 0);

  // The debug log lists each address with its result and reason.
  std::string debug;
  Probe(*exporter, url, "every_address", &debug);
  EXPECT_NE(debug.find("msg=\"Address succeeded\" address=127.0.0.2"), std::string::npos) << debug;
  EXPECT_NE(debug.find("msg=\"Address failed\" address=127.0.0.3 reason=tls"), std::string::npos)
      << debug;
  EXPECT_NE(debug.find("msg=\"Address failed\" address=127.0.0.5 reason=network"),
            std::string::npos)
      << debug;
}

}  // namespace
}  // namespace outage::test
