// ConfigState owns the running configuration: the current immutable snapshot
// and the outcome of the last (re)load. A reload builds and validates a new
// snapshot, then swaps it in atomically, or keeps the old one and says why.
// Every snapshot is already placed (config/placement.h): only this shard's
// targets, labelled with the vantage.
//
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.h"
#include "config/placement.h"

namespace outage {

class ConfigState {
 public:
  // A Validator checks what the config loader cannot know on its own (for
  // example that every target's prober is built); it returns an error text.
  using Validator = std::function<std::optional<std::string>(const Config&)>;
  // Called after every successful swap, under no lock of ours.
  using Listener = std::function<void(const Config&)>;

  // `path` empty means the embedded default configuration; `placement`
  // overrides the config's shard and vantage.
  ConfigState(std::string path, PlacementFlags placement, Validator validator);

  // Reload loads and validates the configuration; on success it becomes
  // current. Returns the error text on failure. Reloads are serialised.
  std::optional<std::string> Reload();

  std::shared_ptr<const Config> Current() const;
  void SetListener(Listener listener) { listener_ = std::move(listener); }

  bool last_reload_successful() const;
  double last_success_timestamp_seconds() const;
  const std::string& path() const { return path_; }

 private:
  // LoadAndSwap is one reload: the error text, or nullopt once the new
  // config is current and the listener has run.
  std::optional<std::string> LoadAndSwap();

  const std::string path_;
  const PlacementFlags placement_;
  const Validator validator_;
  Listener listener_;

  std::mutex reload_mu_;   // one reload at a time
  mutable std::mutex mu_;  // guards the fields below
  std::shared_ptr<const Config> current_;
  bool last_reload_successful_ = false;
  double last_success_timestamp_ = 0;
};

}  // namespace outage
