// Byte sizes as blackbox_exporter's body_size_limit spells them
// (alecthomas/units.ParseBase2Bytes): "0", "512B", "1KiB", "10MB", "1.5GB".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace outage {

// ParseByteSize parses one <number><unit> term, where unit is B, KB, MB, GB,
// TB, PB, KiB, MiB, GiB, TiB or PiB, all powers of 1024 as in blackbox
// ("KB" = 1024). A bare non-negative integer is a byte count. A fraction is
// truncated to whole bytes. Returns nullopt for negative, malformed or
// overflowing input.
std::optional<int64_t> ParseByteSize(std::string_view text);

}  // namespace outage
