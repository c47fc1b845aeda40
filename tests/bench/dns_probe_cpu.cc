// dns_probe_cpu: the exporter's CPU time per DNS probe. A DnsTestServer runs
// in a child process (so its CPU is not counted); this process runs N probes
// through a real ProbeEngine, `batch` at a time, and prints the CPU time
// (user + system, from getrusage) it spent per probe.
//
//   dns_probe_cpu [probes=2000] [batch=1] [udp|tcp] [host]
//
// `host` (default 127.0.0.1) names the server: "localhost" makes every
// probe look the server's name up first.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "collectors/probe_engine.h"
#include "tests/collectors/dns/dns_test_server.h"

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const int probes = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int batch = argc > 2 ? std::atoi(argv[2]) : 1;
  const std::string transport = argc > 3 ? argv[3] : "udp";
  const std::string host = argc > 4 ? argv[4] : "127.0.0.1";

  int ready[2];
  if (pipe(ready) != 0) return 1;
  const pid_t child = fork();
  if (child == 0) {
    close(ready[0]);
    auto server = outage::test::DnsTestServer::Start(outage::test::StandardZone());
    const int port = server ? server->port() : 0;
    if (write(ready[1], &port, sizeof port) != sizeof port) return 1;
    pause();  // until killed
    return 0;
  }
  close(ready[1]);
  int port = 0;
  if (read(ready[0], &port, sizeof port) != sizeof port || port == 0) return 1;

  int failures = 0;
  double cpu = 0;
  double wall = 0;
  {
    outage::ProbeEngine engine;
    auto config = std::make_shared<outage::Config>();
    outage::Module& module = config->modules["dns"];
    module.name = "dns";
    module.prober = "dns";
    module.dns.query_name = "ok.test";
    module.dns.query_type = "A";
    module.dns.preferred_ip_protocol = outage::IpProtocol::kIp4;
    module.dns.transport_protocol = transport;
    const std::string target = host + ":" + std::to_string(port);

    const double cpu_start = CpuSeconds();
    const auto wall_start = std::chrono::steady_clock::now();
    for (int done = 0; done < probes; done += batch) {
      std::vector<std::future<outage::ProbeResult>> running;
      for (int i = 0; i < batch && done + i < probes; ++i) {
        outage::ProbeRequest request;
        request.target = target;
        request.config = config;
        request.module = &module;
        request.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        running.push_back(engine.Probe(std::move(request)));
      }
      for (auto& result : running) {
        if (!result.get().success) ++failures;
      }
    }
    cpu = CpuSeconds() - cpu_start;
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  std::printf(
      "%d probes (%s, batch %d, server %s): %.1f us CPU/probe, %.1f us wall/probe, %d failed\n",
      probes, transport.c_str(), batch, host.c_str(), cpu / probes * 1e6, wall / probes * 1e6,
      failures);
  return failures == 0 ? 0 : 1;
}
