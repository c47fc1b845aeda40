// A real gRPC server (libgrpc++) on 127.0.0.1:0 for the gRPC prober's tests:
// grpc++'s own default grpc.health.v1 service with a serving status per
// service name; optionally TLS, optionally without the health service (so
// the check is UNIMPLEMENTED). It runs the grpc_health_server binary in a
// process of its own, so gRPC's threads never share the test process (and
// ThreadSanitizer, which cannot see their synchronisation, never sees them).
// Test-only: the exporter itself does not link libgrpc++.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "tests/support/subprocess.h"

namespace outage::test {

struct GrpcHealthServerOptions {
  std::string cert_path;  // PEM; with key_path, serve TLS
  std::string key_path;
  bool health_service = true;
  // Serving status per service name (true: SERVING); the whole server ("")
  // is SERVING unless listed here.
  std::map<std::string, bool> serving;
};

// GrpcHealthServer owns one running server process. Thread-safe.
class GrpcHealthServer {
 public:
  // Start runs the server and waits for it to report its port.
  static std::unique_ptr<GrpcHealthServer> Start(const GrpcHealthServerOptions& options,
                                                 std::string* error);
  ~GrpcHealthServer();  // stops the server (SIGTERM, then SIGKILL)
  GrpcHealthServer(const GrpcHealthServer&) = delete;
  GrpcHealthServer& operator=(const GrpcHealthServer&) = delete;

  // Target is "127.0.0.1:PORT".
  std::string Target() const { return "127.0.0.1:" + std::to_string(port_); }
  int Port() const { return port_; }

 private:
  GrpcHealthServer() = default;

  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

}  // namespace outage::test
