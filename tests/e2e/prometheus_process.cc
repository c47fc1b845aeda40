#include "tests/e2e/prometheus_process.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/loopback_socket.h"

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kPortAttempts = 3;
constexpr milliseconds kPollInterval{100};
constexpr milliseconds kRequestTimeout{10000};

// ParseSampleValue reads Prometheus' string-encoded float ("1", "NaN", "+Inf").
double ParseSampleValue(const std::string& text) {
  if (text == "+Inf" || text == "Inf") return std::strtod("inf", nullptr);
  if (text == "-Inf") return -std::strtod("inf", nullptr);
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace

std::string PrometheusBinaryPath() {
  const char* env = std::getenv("PROMETHEUS_BINARY");
  if (env != nullptr && *env != '\0') return env;
  return "/usr/bin/prometheus";
}

std::unique_ptr<PrometheusProcess> PrometheusProcess::Start(const std::string& config_file,
                                                            const std::string& storage_dir,
                                                            milliseconds ready_timeout,
                                                            std::string* error) {
  const std::string binary = PrometheusBinaryPath();
  if (access(binary.c_str(), X_OK) != 0) {
    *error = binary +
             " is not executable: install Debian's `prometheus` package "
             "(make deps) or set $PROMETHEUS_BINARY";
    return nullptr;
  }
  const Clock::time_point deadline = Clock::now() + ready_timeout;
  std::string last_error;
  for (int attempt = 1; attempt <= kPortAttempts && Clock::now() < deadline; ++attempt) {
    // Prometheus cannot be told to bind port 0 and report it, so pick a free
    // port and hand it over; a lost race shows up as "address already in use".
    const int port = PickRefusedPort();
    SubprocessOptions options;
    options.program = binary;
    options.args = {
        "--config.file=" + config_file,
        "--storage.tsdb.path=" + storage_dir,
        "--web.listen-address=127.0.0.1:" + std::to_string(port),
        "--log.level=info",
        // Nothing here reaches out by default; keep it that way and keep the
        // TSDB small and quick to shut down.
        "--storage.tsdb.retention.time=1h",
    };
    std::string start_error;
    std::unique_ptr<Subprocess> process = Subprocess::Start(options, &start_error);
    if (process == nullptr) {
      *error = "cannot start " + binary + ": " + start_error;
      return nullptr;
    }
    std::unique_ptr<PrometheusProcess> prometheus(new PrometheusProcess());
    prometheus->process_ = std::move(process);
    prometheus->port_ = port;
    while (Clock::now() < deadline && prometheus->process_->Running()) {
      const HttpResponse r = HttpGet(prometheus->BaseUrl() + "/-/ready", {}, milliseconds(2000));
      if (r.ok && r.status == 200) return prometheus;
      std::this_thread::sleep_for(kPollInterval);
    }
    const std::optional<int> code = prometheus->process_->Wait(milliseconds(0));
    const std::string log = prometheus->Log();
    if (!code) {
      prometheus->process_->Kill();
      *error = binary + " was not ready within " + std::to_string(ready_timeout.count()) +
               " ms; log:\n" + log;
      return nullptr;
    }
    last_error = binary + " exited with status " + std::to_string(*code) +
                 " before it was ready; log:\n" + log;
    if (log.find("address already in use") == std::string::npos) break;
  }
  *error = last_error.empty() ? "no time left to start " + binary : last_error;
  return nullptr;
}

std::string PrometheusProcess::BaseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::optional<int> PrometheusProcess::Stop(milliseconds timeout) {
  process_->Signal(SIGTERM);
  std::optional<int> code = process_->Wait(timeout);
  if (!code) process_->Kill();
  return code;
}

std::string QueryResult::Describe() const {
  if (!ok) return "<query failed: " + error + ">";
  if (result_type != "vector") return "<" + result_type + ">";
  if (samples.empty()) return "<empty vector>";
  std::string out;
  for (const QuerySample& s : samples) {
    out += "  {";
    bool first = true;
    for (const auto& [k, v] : s.labels) {
      if (!first) out += ",";
      first = false;
      out += k + "=\"" + v + "\"";
    }
    out += "} " + std::to_string(s.value) + "\n";
  }
  return out;
}

QueryResult QueryPrometheus(const std::string& base_url, const std::string& expr) {
  QueryResult result;
  const HttpResponse r =
      HttpGet(base_url + "/api/v1/query?query=" + UrlEncode(expr), {}, kRequestTimeout);
  if (!r.ok) {
    result.error = r.error;
    return result;
  }
  const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    result.error = "HTTP " + std::to_string(r.status) + ", not JSON: " + r.body;
    return result;
  }
  if (body.value("status", "") != "success") {
    result.error = "HTTP " + std::to_string(r.status) + ", " + body.value("errorType", "") + ": " +
                   body.value("error", "");
    return result;
  }
  try {
    const nlohmann::json& data = body.at("data");
    result.result_type = data.at("resultType").get<std::string>();
    if (result.result_type == "vector") {
      for (const nlohmann::json& item : data.at("result")) {
        QuerySample sample;
        for (const auto& [k, v] : item.at("metric").items()) {
          sample.labels[k] = v.get<std::string>();
        }
        sample.value = ParseSampleValue(item.at("value").at(1).get<std::string>());
        result.samples.push_back(std::move(sample));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    result.error = std::string("unexpected JSON shape (") + e.what() + "): " + r.body;
    result.samples.clear();
    return result;
  }
  result.ok = true;
  return result;
}

std::string DescribeScrapeTargets(const std::string& base_url) {
  const HttpResponse r = HttpGet(base_url + "/api/v1/targets", {}, kRequestTimeout);
  if (!r.ok) return "<GET /api/v1/targets failed: " + r.error + ">\n";
  const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  std::string out;
  try {
    for (const nlohmann::json& t : body.at("data").at("activeTargets")) {
      out += "  job=" + t.value("scrapePool", std::string()) +
             " url=" + t.value("scrapeUrl", std::string()) +
             " health=" + t.value("health", std::string()) +
             " lastScrapeDuration=" + std::to_string(t.value("lastScrapeDuration", 0.0)) +
             " lastError=\"" + t.value("lastError", std::string()) + "\"\n";
    }
  } catch (const nlohmann::json::exception&) {
    return r.body + "\n";
  }
  return out.empty() ? "<no active targets>\n" : out;
}

}  // namespace outage::test
