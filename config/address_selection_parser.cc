// See address_selection_parser.h.
#include "config/address_selection_parser.h"

#include <string>

namespace outage::config_internal {
namespace {

constexpr std::string_view kAddressChoices[] = {"one", "all"};
constexpr std::string_view kSuccessChoices[] = {"all", "any"};
// The probers whose probes can be pinned to one resolved address.
constexpr std::string_view kFanOutProbers[] = {"http", "tcp", "icmp", "grpc"};
constexpr int64_t kMaxAddressesLimit = 256;

}  // namespace

bool IsAddressSelectionKey(std::string_view key) {
  return key == "addresses" || key == "max_addresses" || key == "success_when";
}

bool ParseAddressSelection(YamlReader& reader, const std::vector<const MapEntry*>& entries,
                           const Module& module, AddressSelection* out) {
  for (const MapEntry* entry : entries) {
    if (entry->name == "addresses") {
      std::string choice = "one";
      if (!reader.ReadEnum(entry->value, entry->path, kAddressChoices, &choice)) return false;
      out->all = choice == "all";
      if (out->all && !IsOneOf(module.prober, kFanOutProbers)) {
        return reader.Fail(entry->value, entry->path,
                           "addresses: all is not built for the " + Quote(module.prober) +
                               " prober (only http, tcp, icmp and grpc)");
      }
      if (out->all && module.prober == "http" && !module.http.proxy_url.empty()) {
        return reader.Fail(entry->value, entry->path,
                           "addresses: all cannot be used with proxy_url: the proxy chooses "
                           "the address it connects to");
      }
    } else if (entry->name == "max_addresses") {
      int64_t max = 0;
      if (!reader.ReadInt(entry->value, entry->path, &max)) return false;
      if (max < 1 || max > kMaxAddressesLimit) {
        return reader.Fail(entry->value, entry->path,
                           "max_addresses must be between 1 and " +
                               std::to_string(kMaxAddressesLimit) + ", got " + std::to_string(max));
      }
      out->max_addresses = static_cast<int>(max);
    } else {
      std::string choice = "all";
      if (!reader.ReadEnum(entry->value, entry->path, kSuccessChoices, &choice)) return false;
      out->succeed_on_any = choice == "any";
    }
  }
  return true;
}

}  // namespace outage::config_internal
