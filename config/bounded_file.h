// Reading a file the exporter is told to load (config, web config) without
// trusting it: only a regular file, at most a size cap, in bounded time, so a
// path that is a FIFO, a device such as /dev/zero or a huge file cannot hang
// or exhaust the process. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace outage {

// kMaxConfigFileBytes caps a config or web config file.
inline constexpr size_t kMaxConfigFileBytes = 4 * 1024 * 1024;

// ReadBoundedFile returns the content of the regular file at `path`
// (symlinks followed), or nullopt with *error saying why not when the path is
// not a regular file, is larger than `max_bytes`, or takes longer than
// `max_time` to read; the file is opened non-blocking, so a FIFO never waits
// for a writer.
std::optional<std::string> ReadBoundedFile(
    const std::string& path, std::string* error, size_t max_bytes = kMaxConfigFileBytes,
    std::chrono::milliseconds max_time = std::chrono::seconds(5));

}  // namespace outage
