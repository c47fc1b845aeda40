// Parses a module's `addresses`, `max_addresses` and `success_when` keys
// (config.h: AddressSelection). Internal to config/.
#pragma once

#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// IsAddressSelectionKey reports whether `key` is one of the three keys.
bool IsAddressSelectionKey(std::string_view key);

// ParseAddressSelection reads `entries` (those keys, as found in the module)
// into *out, once `module`'s prober section is parsed: `addresses: all` is
// an error for a prober that cannot probe every address, and with an http
// module's proxy_url (the proxy picks the address).
bool ParseAddressSelection(YamlReader& reader, const std::vector<const MapEntry*>& entries,
                           const Module& module, AddressSelection* out);

}  // namespace outage::config_internal
