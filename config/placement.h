// Placement of configured targets across exporters: which shard of the
// `targets:` list this exporter probes (--targets.shard=I/N or `shard:` in
// `global:`) and which vantage point it names (--vantage or `vantage:`).
//
// A target belongs to shard I of N when ShardHash(target, module) % N ==
// I - 1. The hash is FNV-1a 64 over the target, one NUL byte and the module
// name, so operators can predict where a target lands, and membership only
// changes when N does. Control targets are probed by every shard: each
// exporter needs its own to tell its network from the service's.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace outage {

// ParseShard reads "I/N" (1 <= I <= N <= 1000); nullopt with *error set
// otherwise.
std::optional<Shard> ParseShard(std::string_view text, std::string* error);

// ShardHash is FNV-1a 64 of target + '\0' + module.
uint64_t ShardHash(std::string_view target, std::string_view module);

// InShard says whether shard `shard` probes `target` (control targets: always).
bool InShard(const Target& target, const Shard& shard);

// PlacementFlags are the command-line overrides of `global:`'s shard and
// vantage; unset values fall back to the config.
struct PlacementFlags {
  std::optional<Shard> shard;
  std::string vantage;
};

// ApplyPlacement resolves config->placement from `flags` and the config's
// `global:`, keeps only this shard's targets, and adds the label
// vantage="NAME" to every target when a vantage is set. A target that sets
// the label `vantage` itself is then an error, returned as text.
std::optional<std::string> ApplyPlacement(const PlacementFlags& flags, Config* config);

}  // namespace outage
