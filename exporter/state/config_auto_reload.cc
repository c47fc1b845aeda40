// See config_auto_reload.h.
#include "exporter/state/config_auto_reload.h"

#include <fstream>
#include <sstream>

#include "exporter/logger.h"

namespace outage {
namespace {

// ReadContent returns false when the file cannot be read (mid-rename, say):
// that check is skipped rather than reported as a change.
bool ReadContent(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

}  // namespace

ConfigAutoReload::ConfigAutoReload(ConfigState* config, std::chrono::milliseconds interval)
    : config_(config), interval_(interval) {
  // The caller has just loaded the file: that content is the baseline.
  ReadContent(config_->path(), &loaded_);
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
    std::string content;
    if (ReadContent(config_->path(), &content) && content != loaded_) {
      Log().Info("Config file has changed, reloading", {{"file", config_->path()}});
      if (!config_->Reload()) loaded_ = std::move(content);
    }
    lock.lock();
  }
}

}  // namespace outage
