#include "exporter/handlers.h"

#include <malloc.h>

#include <cstddef>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "collectors/logfmt.h"
#include "collectors/metric_catalog.h"
#include "collectors/target_policy.h"
#include "config/target_text.h"
#include "config/url.h"
#include "exporter/build_info.h"
#include "exporter/deadline.h"
#include "exporter/exposition/diagnosis_output.h"
#include "exporter/exposition/exposition_stream.h"
#include "exporter/exposition/family_set.h"
#include "exporter/exposition/placement_output.h"
#include "exporter/exposition/probe_output.h"
#include "exporter/exposition/process_metrics.h"
#include "exporter/hostname_param.h"
#include "exporter/logger.h"
#include "exporter/probe_window.h"
#include "exporter/status_page/status_html.h"
#include "exporter/status_page/status_json.h"

namespace outage {
namespace {

using SteadyClock = std::chrono::steady_clock;

HttpResponse Exposition(std::string body) {
  HttpResponse r;
  r.content_type = kExpositionContentType;
  r.body = std::move(body);
  return r;
}

// ScrapeData is what one /metrics body is written from, per target in
// config order; its stream holds it until the last slice is written.
struct ScrapeData {
  ScrapeData() = default;
  ScrapeData(const ScrapeData&) = delete;
  ScrapeData& operator=(const ScrapeData&) = delete;
  // A large scrape frees tens of MB here and on the loop thread, spread
  // over the heap; they are handed back rather than kept resident until
  // the next scrape.
  ~ScrapeData() {
    results.clear();
    results.shrink_to_fit();
    malloc_trim(0);
  }

  std::shared_ptr<const Config> config;
  std::vector<ProbeResult> results;
  DiagnosisSnapshot diagnosis;
};

// The status page's ?refresh= is at most an hour.
constexpr long kMaxRefreshSeconds = 3600;

// A status page fetch gets this long at most, within the scrape's budget.
constexpr std::chrono::milliseconds kStatusPageTimeout{5000};

// TimedOutInWindow is the result of a /metrics probe whose deadline passed
// while it waited for a place in the scrape's window: it never ran.
std::future<ProbeResult> TimedOutInWindow() {
  ProbeResult result;
  result.Fail(FailureReason::kTimeout,
              "Deadline passed while the probe waited for a place in the scrape "
              "(--targets.max-concurrent)",
              "");
  std::promise<ProbeResult> ready;
  ready.set_value(std::move(result));
  return ready.get_future();
}

}  // namespace

Handlers::Handlers(ProbeEngine* engine, ConfigState* config, TargetStats* stats,
                   Diagnosis* diagnosis, VendorStatusCache* vendor_status_pages,
                   ProbeHistory* history, std::chrono::milliseconds timeout_offset,
                   StatusPageSettings page)
    : engine_(engine),
      config_(config),
      stats_(stats),
      diagnosis_(diagnosis),
      vendor_status_pages_(vendor_status_pages),
      history_(history),
      timeout_offset_(timeout_offset),
      page_(std::move(page)) {}

void Handlers::Register(HttpServer* server, const WebPaths& paths) {
  paths_ = paths;
  server_ = server;
  const auto route = [&](std::string_view path, HttpHandler handler, RouteOptions options = {}) {
    server->Handle(paths.Route(path), std::move(handler), std::move(options));
  };
  // Health checks never block, so they are answered without a worker.
  RouteOptions cheap;
  cheap.on_event_thread = true;
  RouteOptions probe;
  if (limiter_ != nullptr) {
    // Over the cap, the listener answers at once, on its event thread; the
    // caller (Prometheus) retries next scrape.
    probe.gate = [limiter = limiter_](HttpRequest* request) -> std::optional<HttpResponse> {
      auto slot = std::make_shared<ProbeLimiter::Slot>(limiter->TryAcquire());
      if (!slot->admitted()) {
        return HttpResponse::Text(503, "Too many concurrent probes (--probe.max-concurrent=" +
                                           std::to_string(limiter->max()) + "), try again later\n");
      }
      request->admission = std::move(slot);
      return std::nullopt;
    };
  }
  server->HandleAsync(
      paths.Route("/probe"),
      [this](const HttpRequest& r, const HttpResponder& respond) { Probe(r, respond); }, probe);
  route("/metrics", [this](const HttpRequest& r) { return Metrics(r); });
  route(
      "/-/healthy", [](const HttpRequest&) { return HttpResponse::Text(200, "Healthy\n"); }, cheap);
  route(
      "/-/ready",
      [this](const HttpRequest&) {
        return ready_.load() ? HttpResponse::Text(200, "Ready\n")
                             : HttpResponse::Text(503, "Not ready\n");
      },
      cheap);
  RouteOptions post_only;
  post_only.methods = "POST";
  route(
      "/-/reload", [this](const HttpRequest& r) { return Reload(r); }, post_only);
  route("/config", [this](const HttpRequest& r) { return ShowConfig(r); });
  route("/", [this](const HttpRequest& r) { return Index(r); });
  route("/logs", [this](const HttpRequest& r) { return Logs(r); });
  route("/api/v1/status", [this](const HttpRequest& r) { return StatusApi(r); });
  if (paths.route_prefix == "/") return;
  // Under a prefix, the root and the prefix without its slash lead to the
  // status page (as blackbox_exporter and Prometheus redirect the root); the
  // status page's links are relative, so it must be reached with the slash.
  const auto to_status_page = [location = paths.external_url + "/"](const HttpRequest&) {
    HttpResponse r = HttpResponse::Text(302, "Found: " + location + "\n");
    r.headers.emplace_back("Location", location);
    return r;
  };
  server->Handle("/", to_status_page);
  server->Handle(paths.route_prefix.substr(0, paths.route_prefix.size() - 1), to_status_page);
}

void Handlers::Probe(const HttpRequest& request, const HttpResponder& respond) {
  if (std::optional<HttpResponse> refused = StartProbe(request, respond)) {
    respond.Send(std::move(*refused));
  }
}

std::optional<HttpResponse> Handlers::StartProbe(const HttpRequest& request,
                                                 const HttpResponder& respond) {
  const std::optional<std::string> target = request.Param("target");
  if (!target || target->empty()) {
    return HttpResponse::Text(400, "Target parameter is missing\n");
  }
  const std::string module_name = request.Param("module").value_or("http_2xx");
  std::shared_ptr<const Config> config = config_->Current();
  auto it = config->modules.find(module_name);
  if (it == config->modules.end()) {
    return HttpResponse::Text(400, "Unknown module \"" + module_name + "\"\n");
  }
  const Module& module = it->second;
  const Prober* prober = engine_->FindProber(module.prober);
  if (prober == nullptr) {  // the config loader knows no prober the engine lacks
    return HttpResponse::Text(500, "Module \"" + module_name + "\" uses prober \"" + module.prober +
                                       "\", which this build does not have\n");
  }
  if (const std::string problem = TargetTextProblem(*target); !problem.empty()) {
    return HttpResponse::Text(400, "Invalid target: the target " + problem + "\n");
  }
  const TargetCheck check = prober->CheckTarget(*target);
  if (check.problem) {
    return HttpResponse::Text(
        400, "Invalid target \"" + RedactUrlPassword(*target) + "\": " + *check.problem + "\n");
  }
  // probe_policy: a denied host glob or IP literal is never fetched. Names
  // are checked again, on every address, when the probe connects.
  if (check.host) {
    std::string why;
    if (!TargetPolicy(config->probe_policy).Allows(*check.host, &why)) {
      Log().Info("Probe refused by probe_policy", {{"module", module_name}, {"why", why}});
      return HttpResponse::Text(403, "Target not allowed by probe_policy: " + why + "\n");
    }
  }
  const bool debug = request.Param("debug").value_or("") == "true";
  const std::optional<std::string> header = request.Header("X-Prometheus-Scrape-Timeout-Seconds");
  const auto timeout = ProbeTimeout(header, timeout_offset_, module.timeout);
  const auto start = SteadyClock::now();
  ProbeRequest probe{*target,
                     config,
                     &module,
                     nullptr,
                     start + timeout,
                     debug,
                     {},
                     start + ProbeTimeout(header, timeout_offset_, std::chrono::milliseconds(0))};
  if (const std::optional<std::string> hostname = request.Param("hostname")) {
    if (auto problem = HostnameProblem(*hostname)) {
      return HttpResponse::Text(400, "Invalid hostname \"" + *hostname + "\": " + *problem + "\n");
    }
    std::string conflict;
    probe.request_module = WithHostname(module, *hostname, &conflict);
    if (probe.request_module == nullptr) return HttpResponse::Text(400, conflict + "\n");
    probe.module = probe.request_module.get();
  }
  // The answer is made on the engine's loop thread when the probe ends; no
  // thread waits for it meanwhile. `config` keeps `module` alive.
  engine_->Probe(std::move(probe), [this, respond, target = *target, module_name, config,
                                    module = &module, debug, timeout](const ProbeResult& result) {
    respond.Send(ProbeAnswer(target, module_name, *module, debug, timeout, result));
  });
  return std::nullopt;
}

HttpResponse Handlers::ProbeAnswer(const std::string& target, const std::string& module_name,
                                   const Module& module, bool debug,
                                   std::chrono::milliseconds timeout,
                                   const ProbeResult& result) const {
  history_->Record(target, module_name, result, diagnosis_->clock().Now());
  // The fields are built only when logged: at the default level, neither is.
  const bool log_result = Log().Enabled(LogLevel::kDebug);
  const bool log_lines = Log().Enabled(prober_log_level_);
  if (log_result || log_lines) {
    const std::string shown = RedactUrlPassword(target);
    if (log_result) {
      Log().Debug(result.success ? "Probe succeeded" : "Probe failed",
                  {{"target", shown},
                   {"module", module_name},
                   {"reason", std::string(FailureReasonName(result.success ? FailureReason::kNone
                                                                           : result.reason))},
                   {"duration_seconds", SecondsText(result.duration_seconds)}});
    }
    if (log_lines) {
      for (const std::string& line : result.log.lines()) {
        Log().Log(prober_log_level_, "Probe log line",
                  {{"module", module_name}, {"target", shown}, {"line", line}});
      }
    }
  }
  FamilySet families;
  AddProbeResult(result, {}, &families);
  families.AddGauge(metric::kProbeTimeout.name, metric::kProbeTimeout.help, {},
                    std::chrono::duration<double>(timeout).count());
  if (!debug) return Exposition(families.Serialize());

  std::string body = "Logs for the probe:\n" + result.log.Text();
  body += "\n\n\nMetrics that would have been returned:\n" + families.Serialize();
  body += "\n\n\nModule configuration:\n" + module.redacted_yaml + "\n";
  return HttpResponse::Text(200, std::move(body));
}

HttpResponse Handlers::Metrics(const HttpRequest& request) {
  std::shared_ptr<const Config> config = config_->Current();
  const auto header = request.Header("X-Prometheus-Scrape-Timeout-Seconds");
  const auto start = SteadyClock::now();

  // Probes run concurrently, at most a window's worth at once: each starts
  // as an earlier one finishes, within its own deadline, so the scrape
  // takes about as long as the slowest targets, not the sum, and holds the
  // transfers of a window, not of every target. A target with min_interval
  // may share a result another scrape got (or is getting).
  std::vector<ProbeResultCache::Lease> leases;
  leases.reserve(config->targets.size());
  const auto scrape_deadline =
      start + ProbeTimeout(header, timeout_offset_, std::chrono::milliseconds(0));
  // Status pages are fetched beside the probes, not after the last one
  // got a place in the window.
  std::future<void> pages_fetched;
  if (!config->vendor_status_pages.empty()) {
    pages_fetched = std::async(std::launch::async, [&] {
      vendor_status_pages_->Refresh(
          config->vendor_status_pages, config->probe_policy, diagnosis_->clock().Now(),
          start + ProbeTimeout(header, timeout_offset_, kStatusPageTimeout));
    });
  }
  auto window = std::make_shared<ProbeWindow>(scrape_window_);
  for (const Target& t : config->targets) {
    const Module& module = config->modules.at(t.module);  // validated on load
    const auto deadline = start + ProbeTimeout(header, timeout_offset_, module.timeout);
    const bool in_time = window->Enter(deadline);
    bool started = false;
    leases.push_back(diagnosis_->results().Acquire(t, [&] {
      if (!in_time) return TimedOutInWindow();  // its deadline passed while it waited
      started = true;
      return engine_->Probe(
          ProbeRequest{t.target, config, &module, nullptr, deadline, false, {}, scrape_deadline},
          [window] { window->Leave(); });
    }));
    if (!started) window->Leave();  // shared a result, or none started: nothing in flight
  }
  if (pages_fetched.valid()) pages_fetched.get();
  const std::vector<VendorStatusView> pages =
      vendor_status_pages_->Views(config->vendor_status_pages);

  // The scrape's results are held until the last slice of the body is
  // written; a result shared with the cache (min_interval) is copied, since
  // Diagnose may rewrite it.
  auto scrape = std::make_shared<ScrapeData>();
  scrape->config = config;
  scrape->results.reserve(leases.size());
  std::vector<ScrapedTarget> scraped;
  scraped.reserve(leases.size());
  for (size_t i = 0; i < leases.size(); ++i) {
    scrape->results.push_back(leases[i].Take());
    scraped.push_back(ScrapedTarget{&config->targets[i], &scrape->results[i], leases[i].fresh});
  }
  // Failures are explained (local_network, maintenance) before anything
  // counts or renders them.
  diagnosis_->Diagnose(*config, pages, &scraped);
  for (size_t i = 0; i < scrape->results.size(); ++i) {
    const Target& t = config->targets[i];
    ProbeResult& result = scrape->results[i];
    if (leases[i].fresh) {
      stats_->Record(t, result);
      history_->RecordConfigured(t, result, diagnosis_->clock().Now());
    }
    if (!result.success) {
      Log().Debug("Probe failed", {{"target", t.identity.display},
                                   {"module", t.module},
                                   {"reason", std::string(FailureReasonName(result.reason))}});
    }
    result.log = ProbeLog();  // in the history now; most of a result's size
  }
  scrape->diagnosis = diagnosis_->Snapshot(*config);

  const TargetStats* stats = stats_;
  std::vector<ExpositionStream::TargetSection> sections = {
      [scrape](size_t i, SampleSink* out) {
        AddProbeResult(scrape->results[i], scrape->config->targets[i].identity.labels, out);
      },
      [scrape, stats](size_t i, SampleSink* out) { stats->Write(scrape->config->targets[i], out); },
      [scrape](size_t i, SampleSink* out) {
        if (i < scrape->diagnosis.targets.size()) {
          AddTargetDiagnosis(scrape->diagnosis.targets[i],
                             scrape->config->targets[i].identity.labels, out);
        }
      }};
  FamilySet tail;
  AddVantage(scrape->diagnosis, VantageLabels(config->placement), &tail);
  AddVendorStatusPages(pages, &tail);
  AddPlacement(config->placement, config->targets.size(), &tail);
  if (more_metrics_) more_metrics_(&tail);
  AddSelfMetrics(&tail);
  auto stream = std::make_shared<ExpositionStream>(config->targets.size(), std::move(sections),
                                                   std::move(tail));
  HttpResponse response = Exposition("");
  response.body_stream = [stream](std::string* out) { return stream->Next(out); };
  return response;
}

void Handlers::AddSelfMetrics(FamilySet* out) const {
  out->AddGauge("outage_exporter_build_info",
                "A metric with a constant '1' value labeled by version and revision",
                {{"version", kVersion}, {"revision", kRevision}}, 1);
  // The blackbox_exporter_ names too, so alerts written for blackbox work.
  for (const std::string prefix : {"outage_exporter", "blackbox_exporter"}) {
    out->AddGauge(prefix + "_config_last_reload_successful",
                  "Whether the last configuration reload attempt was successful", {},
                  config_->last_reload_successful() ? 1 : 0);
    out->AddGauge(prefix + "_config_last_reload_success_timestamp_seconds",
                  "Timestamp of the last successful configuration reload", {},
                  config_->last_success_timestamp_seconds());
  }
  out->AddGauge("outage_exporter_probes_in_flight", "Probes running right now", {},
                static_cast<double>(engine_->InFlight()));
  if (limiter_ != nullptr) {
    out->AddCounter("outage_exporter_probes_rejected_total",
                    "/probe requests answered 503 because --probe.max-concurrent were running", {},
                    static_cast<double>(limiter_->rejected_total()));
    out->AddGauge("outage_exporter_probe_max_concurrent",
                  "The cap on /probe requests running at once", {},
                  static_cast<double>(limiter_->max()));
  }
  if (server_ != nullptr) server_->AddMetrics(out);
  AddProcessMetrics(out);
}

HttpResponse Handlers::Reload(const HttpRequest&) {
  // Load on a thread of our own, whose stack size does not depend on the
  // web layer's threads: yaml-cpp's parser is recursive (deep under ASan).
  std::optional<std::string> error =
      std::async(std::launch::async, [this] { return config_->Reload(); }).get();
  if (error) {
    return HttpResponse::Text(500, "failed to reload config: " + *error + "\n");
  }
  return HttpResponse::Text(200, "OK\n");
}

HttpResponse Handlers::ShowConfig(const HttpRequest&) {
  HttpResponse r = HttpResponse::Text(200, config_->Current()->redacted_yaml);
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

StatusReport Handlers::Report() const {
  std::shared_ptr<const Config> config = config_->Current();
  const DiagnosisSnapshot diagnosis = diagnosis_->Snapshot(*config);
  const std::vector<VendorStatusView> pages =
      vendor_status_pages_->Views(config->vendor_status_pages);
  StatusInputs in;
  in.config = config.get();
  in.diagnosis = &diagnosis;
  in.vendor_status_pages = &pages;
  in.history = history_;
  in.group_label = page_.group_label;
  in.now = diagnosis_->clock().Now();
  in.config_reload_successful = config_->last_reload_successful();
  in.config_reload_success_seconds = config_->last_success_timestamp_seconds();
  if (incident_overview_) in.incidents = incident_overview_(*config, in.now);
  return BuildStatusReport(in);
}

HttpResponse Handlers::Index(const HttpRequest& request) {
  StatusPageOptions options;
  options.refresh_seconds = page_.refresh_seconds;
  if (auto refresh = request.Param("refresh")) {
    char* end = nullptr;
    const long value = std::strtol(refresh->c_str(), &end, 10);
    if (end == refresh->c_str() || *end != '\0' || value < 0 || value > kMaxRefreshSeconds) {
      return HttpResponse::Text(400, "refresh must be whole seconds from 0 (off) to " +
                                         std::to_string(kMaxRefreshSeconds) + "\n");
    }
    options.refresh_seconds = static_cast<int>(value);
  }
  return HttpResponse::Html(RenderStatusHtml(Report(), options), StatusPageCsp());
}

HttpResponse Handlers::Logs(const HttpRequest& request) {
  std::shared_ptr<const ProbeRecord> record;
  if (auto id = request.Param("id")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(id->c_str(), &end, 10);
    if (id->empty() || *end != '\0' || (*id)[0] == '-') {
      return HttpResponse::Text(400, "id must be a probe number\n");
    }
    record = history_->Get(n);
  } else if (auto target = request.Param("target")) {
    record = history_->Latest(*target, request.Param("module").value_or("http_2xx"));
  } else {
    return HttpResponse::Text(400, "Give id=N or target=...&module=...\n");
  }
  if (!record) {
    return HttpResponse::Text(404,
                              "Probe not found; it may have aged out of the history "
                              "(--history.limit=" +
                                  std::to_string(history_->limit()) + ")\n");
  }
  HttpResponse r = HttpResponse::Text(200, record->log);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

HttpResponse Handlers::StatusApi(const HttpRequest&) {
  HttpResponse r;
  r.content_type = "application/json";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = StatusJson(Report(), paths_.Link("/logs"));
  return r;
}

}  // namespace outage
