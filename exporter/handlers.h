// The exporter's HTTP endpoints: /probe, /metrics, /-/healthy, /-/ready,
// /-/reload, /config, the status page /, /logs and /api/v1/status. Each
// handler is a plain function of the request.
//
// Thread-safe: handlers run concurrently on the server's worker threads; a
// /probe answer is made on the probe engine's loop thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <utility>

#include "collectors/probe_engine.h"
#include "collectors/vendor_status/vendor_status_cache.h"
#include "diagnosis/diagnosis.h"
#include "exporter/exposition/family_set.h"
#include "exporter/logger.h"
#include "exporter/probe_limiter.h"
#include "exporter/probe_window.h"
#include "exporter/server/http_server.h"
#include "exporter/server/web_paths.h"
#include "exporter/state/config_state.h"
#include "exporter/state/probe_history.h"
#include "exporter/state/target_stats.h"
#include "exporter/status_page/status_report.h"

namespace outage {

// StatusPageSettings are the flags of the status page.
struct StatusPageSettings {
  std::string group_label = "service";  // --web.status-group-label
  int refresh_seconds = 30;             // --web.status-refresh; 0: off
};

class Handlers {
 public:
  // Every probe (/probe and /metrics) is recorded in `history`.
  Handlers(ProbeEngine* engine, ConfigState* config, TargetStats* stats, Diagnosis* diagnosis,
           VendorStatusCache* vendor_status_pages, ProbeHistory* history,
           std::chrono::milliseconds timeout_offset, StatusPageSettings page = {});

  // Register routes every endpoint on `server`, under `paths.route_prefix`.
  // Call once, before the server starts.
  void Register(HttpServer* server, const WebPaths& paths = WebPaths{});

  // Ready flips /-/ready to 200 once the server is serving.
  void SetReady(bool ready) { ready_.store(ready); }
  // SetProbeLimiter caps concurrent /probe requests (nullptr: no cap). Call
  // before Register.
  void SetProbeLimiter(ProbeLimiter* limiter) { limiter_ = limiter; }
  // SetProberLogLevel sets the level at which /probe writes each probe's
  // own log lines to the process log (--log.prober). Call before Register.
  void SetProberLogLevel(LogLevel level) { prober_log_level_ = level; }
  // SetScrapeWindow sets how many probes of configured targets one /metrics
  // scrape runs at once (--targets.max-concurrent; exporter/probe_window.h).
  // Call before Register.
  void SetScrapeWindow(size_t width) { scrape_window_ = width; }
  // SetMoreMetrics adds `add`'s families to every /metrics scrape (the
  // incident record's). Call before Register.
  void SetMoreMetrics(std::function<void(FamilySet*)> add) { more_metrics_ = std::move(add); }
  // SetIncidentOverview gives the status page its incidents. Call before
  // Register.
  void SetIncidentOverview(
      std::function<IncidentOverview(const Config& config, WallTime now)> overview) {
    incident_overview_ = std::move(overview);
  }

  // Probe starts the probe `request` asks for and answers through `respond`
  // when it ends (on the engine's loop thread); a bad request is answered at
  // once.
  void Probe(const HttpRequest& request, const HttpResponder& respond);
  HttpResponse Metrics(const HttpRequest& request);
  HttpResponse Reload(const HttpRequest& request);
  HttpResponse ShowConfig(const HttpRequest& request);
  HttpResponse Index(const HttpRequest& request);
  HttpResponse Logs(const HttpRequest& request);
  HttpResponse StatusApi(const HttpRequest& request);

 private:
  // StartProbe checks `request` and starts its probe; returns the answer
  // when the request is refused instead.
  std::optional<HttpResponse> StartProbe(const HttpRequest& request, const HttpResponder& respond);
  // ProbeAnswer records a finished /probe and renders its answer.
  HttpResponse ProbeAnswer(const std::string& target, const std::string& module_name,
                           const Module& module, bool debug, std::chrono::milliseconds timeout,
                           const ProbeResult& result) const;
  void AddSelfMetrics(FamilySet* out) const;
  StatusReport Report() const;

  ProbeEngine* engine_;
  ConfigState* config_;
  TargetStats* stats_;
  Diagnosis* diagnosis_;
  VendorStatusCache* vendor_status_pages_;
  ProbeHistory* history_;
  const std::chrono::milliseconds timeout_offset_;
  LogLevel prober_log_level_ = LogLevel::kDebug;
  const StatusPageSettings page_;
  std::atomic<bool> ready_{false};
  ProbeLimiter* limiter_ = nullptr;
  size_t scrape_window_ = kScrapeProbesInFlight;
  std::function<void(FamilySet*)> more_metrics_;
  std::function<IncidentOverview(const Config& config, WallTime now)> incident_overview_;
  WebPaths paths_;                      // set by Register, read-only afterwards
  const HttpServer* server_ = nullptr;  // set by Register; its metrics join /metrics
};

// kExpositionContentType is the Prometheus text format's content type.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace outage
