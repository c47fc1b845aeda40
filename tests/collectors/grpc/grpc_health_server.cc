#include "tests/collectors/grpc/grpc_health_server.h"

#include <csignal>
#include <optional>
#include <string_view>

#include "tests/support/sanitizer_allowance.h"

namespace outage::test {

std::unique_ptr<GrpcHealthServer> GrpcHealthServer::Start(const GrpcHealthServerOptions& options,
                                                          std::string* error) {
  SubprocessOptions run;
  run.program = OUTAGE_GRPC_HEALTH_SERVER_BINARY;
  if (!options.cert_path.empty()) {
    run.args.push_back("--cert=" + options.cert_path);
    run.args.push_back("--key=" + options.key_path);
  }
  if (!options.health_service) run.args.push_back("--no-health");
  for (const auto& [service, serving] : options.serving) {
    run.args.push_back((serving ? "--serving=" : "--not-serving=") + service);
  }
  std::unique_ptr<GrpcHealthServer> out(new GrpcHealthServer());
  out->process_ = Subprocess::Start(run, error);
  if (out->process_ == nullptr) return nullptr;
  constexpr std::string_view kPort = "port=";
  const std::optional<std::string> line =
      out->process_->WaitForStderrLine([&](std::string_view l) { return l.rfind(kPort, 0) == 0; },
                                       std::chrono::milliseconds(10000 * kSanitizerTimeScale));
  if (!line.has_value()) {
    *error = "grpc_health_server did not report its port; stderr: " + out->process_->Stderr();
    return nullptr;
  }
  out->port_ = std::stoi(line->substr(kPort.size()));
  return out;
}

GrpcHealthServer::~GrpcHealthServer() {
  // A graceful stop first, so the port is released before the next test;
  // ~Subprocess kills what is still running after that.
  process_->Signal(SIGTERM);
  process_->Wait(std::chrono::milliseconds(3000));
}

}  // namespace outage::test
