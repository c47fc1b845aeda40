#include "tests/collectors/grpc/grpc_health_server.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace outage::test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::unique_ptr<GrpcHealthServer> GrpcHealthServer::Start(const GrpcHealthServerOptions& options,
                                                          std::string* error) {
  // A process-wide switch that BuildAndStart reads.
  grpc::EnableDefaultHealthCheckService(options.health_service);
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!options.cert_path.empty()) {
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({ReadFile(options.key_path), ReadFile(options.cert_path)});
    credentials = grpc::SslServerCredentials(ssl);
  }
  std::unique_ptr<GrpcHealthServer> out(new GrpcHealthServer());
  grpc::ServerBuilder builder;
  out->generic_ = std::make_unique<grpc::CallbackGenericService>();
  builder.RegisterCallbackGenericService(out->generic_.get());
  builder.AddListeningPort("127.0.0.1:0", credentials, &out->port_);
  out->server_ = builder.BuildAndStart();
  if (!out->server_ || out->port_ == 0) {
    *error = "grpc server failed to start on 127.0.0.1:0";
    return nullptr;
  }
  return out;
}

GrpcHealthServer::~GrpcHealthServer() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_.reset();  // before generic_, which it uses
}

void GrpcHealthServer::SetServing(const std::string& service, bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health != nullptr) health->SetServingStatus(service, serving);
}

}  // namespace outage::test
