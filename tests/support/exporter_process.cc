#include "tests/support/exporter_process.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>

namespace outage::test {

namespace {

std::string& RegisteredBinary() {
  static auto* path = new std::string();  // never destroyed
  return *path;
}

}  // namespace

bool RegisterExporterBinary(const char* path) {
  RegisteredBinary() = path;
  return true;
}

std::string ExporterBinaryPath() {
  const char* env = std::getenv("OUTAGE_EXPORTER_BINARY");
  if (env != nullptr && *env != '\0') return env;
  if (!RegisteredBinary().empty()) return RegisteredBinary();
  return "outage_exporter";
}

std::optional<int> ParseListeningPort(const std::string& line) {
  // Ours logs msg="Listening on address"; exporter-toolkit (blackbox_exporter,
  // handy as a reference binary) logs msg="Listening on".
  if (line.find("Listening on address") == std::string::npos &&
      line.find(R"(msg="Listening on")") == std::string::npos &&
      line.find(R"("msg":"Listening on")") == std::string::npos) {
    return std::nullopt;
  }
  size_t pos = std::string::npos;
  for (const char* key : {" address=", "\"address\":"}) {
    pos = line.find(key);
    if (pos != std::string::npos) {
      pos += std::char_traits<char>::length(key);
      break;
    }
  }
  if (pos == std::string::npos) return std::nullopt;
  while (pos < line.size() && (line[pos] == '"' || line[pos] == ' ')) ++pos;
  size_t end = pos;
  while (end < line.size() && line[end] != '"' && line[end] != ' ' && line[end] != ',' &&
         line[end] != '}') {
    ++end;
  }
  const std::string address = line.substr(pos, end - pos);
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) return std::nullopt;
  int port = 0;
  for (size_t i = colon + 1; i < address.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(address[i]))) return std::nullopt;
    port = port * 10 + (address[i] - '0');
    if (port > 65535) return std::nullopt;
  }
  if (port == 0) return std::nullopt;
  return port;
}

std::unique_ptr<ExporterProcess> ExporterProcess::StartWithFlags(
    const std::vector<std::string>& flags, std::string* error) {
  ExporterOptions options;
  options.flags = flags;
  return Start(options, error);
}

std::unique_ptr<ExporterProcess> ExporterProcess::Start(const ExporterOptions& options,
                                                        std::string* error) {
  const std::string binary = options.binary.empty() ? ExporterBinaryPath() : options.binary;
  SubprocessOptions sp;
  sp.program = binary;
  sp.args = {"--web.listen-address=127.0.0.1:0", "--log.level=" + options.log_level};
  sp.args.insert(sp.args.end(), options.flags.begin(), options.flags.end());
  // Our exporter keeps its incidents in memory unless the test names a file:
  // tests never share or leave behind an incident database.
  const bool names_storage =
      std::any_of(options.flags.begin(), options.flags.end(),
                  [](const std::string& f) { return f.rfind("--storage.path", 0) == 0; });
  if (options.binary.empty() && !names_storage) sp.args.push_back("--storage.path=");
  sp.extra_env = options.extra_env;
  sp.working_dir = options.working_dir;
  std::string start_error;
  std::unique_ptr<Subprocess> process = Subprocess::Start(sp, &start_error);
  if (process == nullptr) {
    if (error != nullptr) *error = "cannot start " + binary + ": " + start_error;
    return nullptr;
  }
  std::optional<int> port;
  process->WaitForStderrLine(
      [&](std::string_view line) {
        port = ParseListeningPort(std::string(line));
        return port.has_value();
      },
      options.start_timeout);
  if (!port) {
    // A brief wait tells "exited" from "still silent" without racing the reap.
    const bool running = !process->Wait(std::chrono::milliseconds(200)).has_value();
    std::string why = running ? "did not log 'Listening on address' within " +
                                    std::to_string(options.start_timeout.count()) + " ms"
                              : "exited before listening";
    process->Kill();
    if (error != nullptr) {
      *error = binary + " " + why + "; stderr:\n" + process->Stderr();
    }
    return nullptr;
  }
  std::unique_ptr<ExporterProcess> exporter(new ExporterProcess());
  exporter->process_ = std::move(process);
  exporter->port_ = *port;
  return exporter;
}

std::string ExporterProcess::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::optional<int> ExporterProcess::Stop(std::chrono::milliseconds timeout) {
  process_->Signal(SIGTERM);
  std::optional<int> code = process_->Wait(timeout);
  if (!code) process_->Kill();
  return code;
}

}  // namespace outage::test
