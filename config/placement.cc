// See placement.h.
#include "config/placement.h"

#include <charconv>
#include <utility>

#include "config/target_identity.h"

namespace outage {
namespace {

constexpr int kMaxShards = 1000;

// ParseInt reads all of `text` as a decimal int.
std::optional<int> ParseInt(std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Shard> ParseShard(std::string_view text, std::string* error) {
  const size_t slash = text.find('/');
  const auto index = ParseInt(text.substr(0, slash));
  const auto count =
      slash == std::string_view::npos ? std::nullopt : ParseInt(text.substr(slash + 1));
  if (!index || !count) {
    *error = "must be I/N, e.g. 2/3 (shard 2 of 3), got \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  if (*count < 1 || *count > kMaxShards || *index < 1 || *index > *count) {
    *error = "must be I/N with 1 <= I <= N <= " + std::to_string(kMaxShards) + ", got \"" +
             std::string(text) + "\"";
    return std::nullopt;
  }
  return Shard{*index, *count};
}

uint64_t ShardHash(std::string_view target, std::string_view module) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  const auto mix = [&hash](unsigned char byte) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;  // FNV-1a 64 prime
  };
  for (const char c : target) mix(static_cast<unsigned char>(c));
  mix(0);
  for (const char c : module) mix(static_cast<unsigned char>(c));
  return hash;
}

bool InShard(const Target& target, const Shard& shard) {
  if (target.control) return true;
  return ShardHash(target.target, target.module) % static_cast<uint64_t>(shard.count) ==
         static_cast<uint64_t>(shard.index - 1);
}

std::optional<std::string> ApplyPlacement(const PlacementFlags& flags, Config* config) {
  Placement& placement = config->placement;
  placement.shard = flags.shard.value_or(config->global.shard.value_or(Shard{}));
  placement.vantage = flags.vantage.empty() ? config->global.vantage : flags.vantage;
  placement.configured_targets = config->targets.size();
  placement.control_targets = 0;
  std::vector<Target> kept;
  for (size_t i = 0; i < config->targets.size(); ++i) {
    Target& t = config->targets[i];
    if (t.control) ++placement.control_targets;
    if (placement.vantage.empty()) {
      if (InShard(t, placement.shard)) kept.push_back(std::move(t));
      continue;
    }
    for (const auto& [name, value] : t.labels) {
      if (name == "vantage") {
        return "targets[" + std::to_string(i) +
               "].labels.vantage: label name \"vantage\" is reserved when a vantage is set "
               "(--vantage or global.vantage)";
      }
    }
    if (!InShard(t, placement.shard)) continue;
    t.labels.insert(t.labels.begin(), {"vantage", placement.vantage});
    IdentifyTarget(&t);
    kept.push_back(std::move(t));
  }
  config->targets = std::move(kept);
  return std::nullopt;
}

}  // namespace outage
