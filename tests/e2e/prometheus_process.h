// Runs Debian's real Prometheus server on a loopback port for end-to-end
// tests, and reads instant queries back through its HTTP API.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace outage::test {

// PrometheusBinaryPath is $PROMETHEUS_BINARY when set, else /usr/bin/prometheus
// (Debian's package `prometheus`).
std::string PrometheusBinaryPath();

// PrometheusProcess is one running Prometheus server with its storage in a
// caller-owned directory. Destroying it kills the process. Thread-safe as
// Subprocess is.
class PrometheusProcess {
 public:
  // Start runs Prometheus on `config_file` with its TSDB under `storage_dir`,
  // listening on a free 127.0.0.1 port, and waits until /-/ready answers 200
  // within `ready_timeout`. A port lost to a race is retried a few times.
  // Returns nullptr with *error (including Prometheus' log) on failure.
  static std::unique_ptr<PrometheusProcess> Start(const std::string& config_file,
                                                  const std::string& storage_dir,
                                                  std::chrono::milliseconds ready_timeout,
                                                  std::string* error);

  PrometheusProcess(const PrometheusProcess&) = delete;
  PrometheusProcess& operator=(const PrometheusProcess&) = delete;

  // BaseUrl is "http://127.0.0.1:PORT" (no trailing slash).
  std::string BaseUrl() const;
  std::string Log() const { return process_->Stderr(); }

  // Stop sends SIGTERM and waits up to `timeout`; SIGKILLs when it does not
  // exit. Returns the exit status, nullopt when it had to be killed.
  std::optional<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  PrometheusProcess() = default;

  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

// QuerySample is one element of an instant vector.
struct QuerySample {
  std::map<std::string, std::string> labels;  // __name__ included when kept
  double value = 0;                           // NaN and ±Inf as parsed
};

// QueryResult is the answer to GET /api/v1/query. When !ok, error says why
// (transport, HTTP status, Prometheus' errorType/error, or bad JSON).
struct QueryResult {
  bool ok = false;
  std::string error;
  std::string result_type;           // "vector", "scalar", ...
  std::vector<QuerySample> samples;  // only for "vector"

  // Describe renders the samples compactly for failure messages.
  std::string Describe() const;
};

// QueryPrometheus evaluates `expr` as an instant query at the current time.
QueryResult QueryPrometheus(const std::string& base_url, const std::string& expr);

// DescribeScrapeTargets summarises /api/v1/targets (job, scrape URL, health,
// last error) for failure messages.
std::string DescribeScrapeTargets(const std::string& base_url);

}  // namespace outage::test
