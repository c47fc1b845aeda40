// grpc_health_server: the reference gRPC server for the gRPC prober's tests,
// run as a process of its own so that libgrpc++'s threads never live in a
// test process (ThreadSanitizer cannot see their synchronisation).
//
// Usage: grpc_health_server [--cert=PEM --key=PEM] [--no-health]
//                           [--serving=NAME]... [--not-serving=NAME]...
// Listens on 127.0.0.1:0 with grpc++'s default grpc.health.v1 service (the
// whole server, "", SERVING), prints "port=N" on stderr, and serves until
// SIGTERM or SIGINT.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Flags {
  std::string cert_path;
  std::string key_path;
  bool health_service = true;
  std::vector<std::pair<std::string, bool>> statuses;  // service -> serving
};

// ParseFlags returns false on a flag it does not know.
bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&](std::string_view prefix) {
      return std::string(arg.substr(prefix.size()));
    };
    if (arg.rfind("--cert=", 0) == 0) {
      flags->cert_path = value("--cert=");
    } else if (arg.rfind("--key=", 0) == 0) {
      flags->key_path = value("--key=");
    } else if (arg == "--no-health") {
      flags->health_service = false;
    } else if (arg.rfind("--serving=", 0) == 0) {
      flags->statuses.emplace_back(value("--serving="), true);
    } else if (arg.rfind("--not-serving=", 0) == 0) {
      flags->statuses.emplace_back(value("--not-serving="), false);
    } else {
      std::fprintf(stderr, "grpc_health_server: unknown flag %s\n", argv[i]);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) return 2;

  // Blocked before gRPC starts its threads, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  grpc::EnableDefaultHealthCheckService(flags.health_service);
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!flags.cert_path.empty()) {
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({ReadFile(flags.key_path), ReadFile(flags.cert_path)});
    credentials = grpc::SslServerCredentials(ssl);
  }
  // Answers every method but the health check with UNIMPLEMENTED; a server
  // with no service of its own needs one for grpc++ to poll its queues.
  grpc::CallbackGenericService generic;
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&generic);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", credentials, &port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "grpc_health_server: cannot listen on 127.0.0.1:0\n");
    return 1;
  }
  if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
    for (const auto& [service, serving] : flags.statuses) {
      health->SetServingStatus(service, serving);
    }
  }
  std::fprintf(stderr, "port=%d\n", port);
  std::fflush(stderr);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}
