// ConfigAutoReload is blackbox 0.26's --config.enable-auto-reload: every
// interval it reads the config file and reloads the configuration when the
// content differs from the content last loaded successfully (a reload that
// fails is tried again at the next check, and reported like any reload).
//
// Thread-safety: owns one background thread; construct and destroy on one
// thread. The destructor stops the thread within one check.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "exporter/state/config_state.h"

namespace outage {

class ConfigAutoReload {
 public:
  // `config` must outlive this object; its file is the one watched.
  ConfigAutoReload(ConfigState* config, std::chrono::milliseconds interval);
  ~ConfigAutoReload();
  ConfigAutoReload(const ConfigAutoReload&) = delete;
  ConfigAutoReload& operator=(const ConfigAutoReload&) = delete;

 private:
  void Run();

  ConfigState* config_;
  const std::chrono::milliseconds interval_;
  std::string loaded_;  // file content at the last successful load; thread-owned
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;     // last: starts after the fields above exist
};

}  // namespace outage
