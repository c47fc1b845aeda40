// The process log: leveled lines in logfmt or JSON on stderr, like the
// Prometheus exporters' --log.level / --log.format.
//
// Thread-safe: lines from concurrent threads never interleave.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outage {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kLogfmt, kJson };

std::optional<LogLevel> ParseLogLevel(std::string_view s);
std::optional<LogFormat> ParseLogFormat(std::string_view s);

using LogKV = std::vector<std::pair<std::string_view, std::string>>;

class Logger {
 public:
  void Configure(LogLevel level, LogFormat format);
  bool Enabled(LogLevel level) const { return level >= level_; }

  void Debug(std::string_view msg, const LogKV& kv = {}) { Log(LogLevel::kDebug, msg, kv); }
  void Info(std::string_view msg, const LogKV& kv = {}) { Log(LogLevel::kInfo, msg, kv); }
  void Warn(std::string_view msg, const LogKV& kv = {}) { Log(LogLevel::kWarn, msg, kv); }
  void Error(std::string_view msg, const LogKV& kv = {}) { Log(LogLevel::kError, msg, kv); }
  void Log(LogLevel level, std::string_view msg, const LogKV& kv);

 private:
  LogLevel level_ = LogLevel::kInfo;
  LogFormat format_ = LogFormat::kLogfmt;
  std::mutex mu_;  // serialises writes to stderr
};

// Log is the process-wide logger, configured once from the flags in main.
Logger& Log();

}  // namespace outage
