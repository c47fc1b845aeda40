// Starts the real outage_exporter binary on 127.0.0.1:0 and learns its port
// from the "Listening on address" log line, for integration and e2e tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/sanitizer_allowance.h"
#include "tests/support/subprocess.h"

namespace outage::test {

// ExporterBinaryPath is the binary under test: $OUTAGE_EXPORTER_BINARY when
// set, else the OUTAGE_EXPORTER_BINARY compile definition (CMake sets it from
// $<TARGET_FILE:outage_exporter>, on a test target or on this library), else
// "outage_exporter" from $PATH.
std::string ExporterBinaryPath();

// RegisterExporterBinary records the compile definition's path; called
// before main by the code below, not by tests.
bool RegisterExporterBinary(const char* path);

#ifdef OUTAGE_EXPORTER_BINARY
// Every translation unit compiled with the definition registers it during
// static initialisation. Internal linkage, so units built with and without
// the definition can share this header without an ODR violation.
[[maybe_unused]] static const bool kOutageExporterBinaryRegistered =
    RegisterExporterBinary(OUTAGE_EXPORTER_BINARY);
#endif

struct ExporterOptions {
  std::string binary;  // empty: ExporterBinaryPath()
  // Appended after --web.listen-address=127.0.0.1:0 --log.level=<log_level>;
  // neither flag may be repeated. Unless they name --storage.path, our binary
  // gets --storage.path= (incidents in memory).
  std::vector<std::string> flags;
  std::string log_level = "debug";
  std::vector<std::pair<std::string, std::string>> extra_env;
  std::string working_dir;  // empty: the test's
  // Sanitized binaries start several times slower (TSan: 3-4 s on a busy
  // 2-core machine), so the wait stretches with kSanitizerTimeScale.
  std::chrono::milliseconds start_timeout{10000 * kSanitizerTimeScale};
};

// ExporterProcess is one running exporter. Destroying it kills the process.
// Thread-safe as Subprocess is.
class ExporterProcess {
 public:
  // Start launches the exporter and waits for it to log that it listens.
  // Returns nullptr with *error explaining why (including the stderr
  // captured so far) when it exits or does not listen within start_timeout.
  static std::unique_ptr<ExporterProcess> Start(const ExporterOptions& options, std::string* error);
  // StartWithFlags is Start with the default options plus `flags`.
  static std::unique_ptr<ExporterProcess> StartWithFlags(const std::vector<std::string>& flags,
                                                         std::string* error);

  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;

  // BaseUrl is "http://127.0.0.1:PORT" (no trailing slash).
  std::string BaseUrl() const;
  int Port() const { return port_; }
  pid_t Pid() const { return process_->pid(); }

  // Stderr returns the log captured so far.
  std::string Stderr() const { return process_->Stderr(); }

  // Stop sends SIGTERM and waits up to `timeout` for the exit code (128 +
  // signal when killed by one); nullopt when it did not exit in time, in
  // which case it has been SIGKILLed.
  std::optional<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  Subprocess& process() { return *process_; }

 private:
  ExporterProcess() = default;

  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

// ParseListeningPort extracts PORT from a log line carrying
// msg="Listening on address" (or exporter-toolkit's msg="Listening on", so
// blackbox_exporter can serve as a reference binary) and address=HOST:PORT (logfmt, quoted or not)
// or "address":"HOST:PORT" (JSON). nullopt for any other line.
std::optional<int> ParseListeningPort(const std::string& line);

}  // namespace outage::test
