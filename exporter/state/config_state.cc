#include "exporter/state/config_state.h"

#include <malloc.h>

#include <chrono>
#include <string>
#include <variant>

#include "collectors/exception_text.h"
#include "config/config_loader.h"
#include "exporter/logger.h"

namespace outage {

ConfigState::ConfigState(std::string path, PlacementFlags placement, Validator validator)
    : path_(std::move(path)), placement_(std::move(placement)), validator_(std::move(validator)) {}

std::optional<std::string> ConfigState::Reload() {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  // Reloads run on the main thread (SIGHUP), the auto-reload thread and a
  // handler's: whatever a step throws is a failed reload, never their end.
  std::optional<std::string> error;
  try {
    error = LoadAndSwap();
  } catch (...) {
    error = "internal error: " + CurrentExceptionText();
  }
  if (!error) return std::nullopt;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_reload_successful_ = false;
  }
  Log().Error("Error loading config", {{"err", *error}});
  return error;
}

std::optional<std::string> ConfigState::LoadAndSwap() {
  ConfigResult loaded = path_.empty() ? LoadDefaultConfig() : LoadConfigFile(path_);
  std::optional<std::string> error;
  if (auto* e = std::get_if<ConfigError>(&loaded)) {
    error = e->ToString();
  } else {
    auto& ok = std::get<LoadedConfig>(loaded);
    for (const auto& w : ok.warnings) Log().Warn("Config warning", {{"warning", w}});
    auto placed = std::make_shared<Config>(*ok.config);
    if (auto misplaced = ApplyPlacement(placement_, placed.get())) {
      error = placed->source + ": " + *misplaced;
    } else if (auto invalid = validator_(*placed)) {
      error = placed->source + ": " + *invalid;
    } else {
      const double now =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      {
        std::lock_guard<std::mutex> lock(mu_);
        current_ = placed;
        last_reload_successful_ = true;
        last_success_timestamp_ = now;
      }
      if (listener_) listener_(*placed);
      // The load leaves what it parsed from (yaml-cpp's node tree, the
      // unplaced copy) free in the heap: tens of MB at 10,000 targets,
      // which the allocator would keep resident.
      malloc_trim(0);
      const Placement& p = placed->placement;
      Log().Info("Loaded config",
                 {{"source", placed->source},
                  {"modules", std::to_string(placed->modules.size())},
                  {"targets", std::to_string(placed->targets.size())},
                  {"shard", std::to_string(p.shard.index) + "/" + std::to_string(p.shard.count)},
                  {"configured_targets", std::to_string(p.configured_targets)},
                  {"vantage", p.vantage}});
      return std::nullopt;
    }
  }
  return error;
}

std::shared_ptr<const Config> ConfigState::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

bool ConfigState::last_reload_successful() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_reload_successful_;
}

double ConfigState::last_success_timestamp_seconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_success_timestamp_;
}

}  // namespace outage
