// See config_auto_reload.h.
#include "exporter/state/config_auto_reload.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "exporter/logger.h"

namespace outage {
namespace {

// ReadContent returns nullopt when the file cannot be read (mid-rename,
// say): that check is skipped rather than reported as a change.
std::optional<std::string> ReadContent(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ConfigAutoReload::ConfigAutoReload(ConfigState* config, std::chrono::milliseconds interval)
    : config_(config), interval_(interval) {
  // The caller has just loaded the file: that content is the baseline.
  loaded_ = ReadContent(config_->path()).value_or("");
  thread_ = std::thread([this] { Run(); });
}

ConfigAutoReload::~ConfigAutoReload() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ConfigAutoReload::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    std::optional<std::string> content = ReadContent(config_->path());
    if (content && *content != loaded_) {
      Log().Info("Config file has changed, reloading", {{"file", config_->path()}});
      if (!config_->Reload()) loaded_ = std::move(*content);
    }
    lock.lock();
  }
}

}  // namespace outage
