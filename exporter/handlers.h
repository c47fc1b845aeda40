// The exporter's HTTP endpoints: /probe, /metrics, /-/healthy, /-/ready,
// /-/reload, /config and /. Each handler is a plain function of the request.
//
// Thread-safe: handlers run concurrently on the server's worker threads.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "collectors/probe_engine.h"
#include "collectors/statuspage/statuspage_cache.h"
#include "diagnosis/diagnosis.h"
#include "exporter/config_state.h"
#include "exporter/family_set.h"
#include "exporter/http_server.h"
#include "exporter/probe_limiter.h"
#include "exporter/target_stats.h"

namespace outage {

class Handlers {
 public:
  Handlers(ProbeEngine* engine, ConfigState* config, TargetStats* stats, Diagnosis* diagnosis,
           StatusPageCache* status_pages, std::chrono::milliseconds timeout_offset);

  // Register routes every endpoint on `server`.
  void Register(HttpServer* server);

  // Ready flips /-/ready to 200 once the server is serving.
  void SetReady(bool ready) { ready_.store(ready); }
  // SetProbeLimiter caps concurrent /probe requests (nullptr: no cap). Call
  // before Register.
  void SetProbeLimiter(ProbeLimiter* limiter) { limiter_ = limiter; }

  HttpResponse Probe(const HttpRequest& request);
  HttpResponse Metrics(const HttpRequest& request);
  HttpResponse Reload(const HttpRequest& request);
  HttpResponse ShowConfig(const HttpRequest& request);
  HttpResponse Index(const HttpRequest& request);

 private:
  void AddSelfMetrics(FamilySet* out) const;

  ProbeEngine* engine_;
  ConfigState* config_;
  TargetStats* stats_;
  Diagnosis* diagnosis_;
  StatusPageCache* status_pages_;
  const std::chrono::milliseconds timeout_offset_;
  std::atomic<bool> ready_{false};
  ProbeLimiter* limiter_ = nullptr;
};

// kExpositionContentType is the Prometheus text format's content type.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace outage
