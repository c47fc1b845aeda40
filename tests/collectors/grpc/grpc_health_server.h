// A real gRPC server (libgrpc++) on 127.0.0.1:0 for the gRPC prober's tests:
// grpc++'s own default grpc.health.v1 service, whose serving status the
// test sets per service name; optionally TLS, optionally without the
// health service (so the check is UNIMPLEMENTED). Test-only: the exporter
// itself does not link libgrpc++.
#pragma once

#include <memory>
#include <string>

namespace grpc {
class CallbackGenericService;
class Server;
}  // namespace grpc

namespace outage::test {

struct GrpcHealthServerOptions {
  std::string cert_path;  // PEM; with key_path, serve TLS
  std::string key_path;
  bool health_service = true;
};

// GrpcHealthServer runs grpc++'s server threads. Thread-safe.
class GrpcHealthServer {
 public:
  // Start listens on 127.0.0.1:0 with the whole server ("") SERVING.
  static std::unique_ptr<GrpcHealthServer> Start(const GrpcHealthServerOptions& options,
                                                 std::string* error);
  ~GrpcHealthServer();  // shuts the server down
  GrpcHealthServer(const GrpcHealthServer&) = delete;
  GrpcHealthServer& operator=(const GrpcHealthServer&) = delete;

  // SetServing sets `service`'s status to SERVING or NOT_SERVING.
  void SetServing(const std::string& service, bool serving);
  // Target is "127.0.0.1:PORT".
  std::string Target() const { return "127.0.0.1:" + std::to_string(port_); }
  int Port() const { return port_; }

 private:
  GrpcHealthServer() = default;

  // Answers every method but the health check with UNIMPLEMENTED; a server
  // with no service of its own needs one for grpc++ to poll its queues.
  std::unique_ptr<grpc::CallbackGenericService> generic_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace outage::test
