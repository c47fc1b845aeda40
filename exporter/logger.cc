#include "exporter/logger.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "collectors/logfmt.h"

namespace outage {
namespace {

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info") return LogLevel::kInfo;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return std::nullopt;
}

std::optional<LogFormat> ParseLogFormat(std::string_view s) {
  if (s == "logfmt") return LogFormat::kLogfmt;
  if (s == "json") return LogFormat::kJson;
  return std::nullopt;
}

void Logger::Configure(LogLevel level, LogFormat format) {
  level_ = level;
  format_ = format;
}

void Logger::Log(LogLevel level, std::string_view msg, const LogKV& kv) {
  if (!Enabled(level)) return;
  const std::string ts = Rfc3339Millis(std::chrono::system_clock::now());
  std::string line;
  if (format_ == LogFormat::kJson) {
    nlohmann::ordered_json j;
    j["ts"] = ts;
    j["level"] = LevelName(level);
    j["msg"] = msg;
    for (const auto& [k, v] : kv) j[std::string(k)] = v;
    // Invalid UTF-8 from a target must not throw: replace it.
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    AppendLogfmtField(&line, "ts", ts);
    AppendLogfmtField(&line, "level", LevelName(level));
    AppendLogfmtField(&line, "msg", msg);
    for (const auto& [k, v] : kv) AppendLogfmtField(&line, k, v);
  }
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

Logger& Log() {
  static Logger* logger = new Logger();  // never destroyed: used until exit
  return *logger;
}

}  // namespace outage
