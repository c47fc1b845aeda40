// HTTP prober options that need a real TLS server beyond TestHttpServer:
// enable_http2 against nginx speaking HTTP/2 over TLS, and an inline client
// certificate (tls_config cert/key) against nginx requiring one (mTLS).
// Everything listens on loopback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/metrics_text.h"
#include "tests/support/required_program.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/text_edit.h"

namespace outage::test {
namespace {

constexpr char kNginxConf[] = R"(daemon off;
worker_processes 1;
pid DIR/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path DIR/body;
  proxy_temp_path DIR/proxy;
  fastcgi_temp_path DIR/fastcgi;
  uwsgi_temp_path DIR/uwsgi;
  scgi_temp_path DIR/scgi;
  server {
    listen 127.0.0.1:PORT ssl http2;
    ssl_certificate CERT;
    ssl_certificate_key KEY;
    ssl_client_certificate CA;
    ssl_verify_client optional;
    location /mtls {
      if ($ssl_client_verify != SUCCESS) { return 403; }
      return 200 "client certificate verified\n";
    }
    location / { return 200 "$server_protocol\n"; }
  }
}
)";

constexpr char kModules[] = R"(modules:
  h1_only:
    prober: http
    timeout: 5s
    http:
      enable_http2: false
      fail_if_body_not_matches_regexp: ["^HTTP/1\\.1"]
      preferred_ip_protocol: ip4
      tls_config: {ca_file: CA}
  h2_default:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      tls_config: {ca_file: CA}
  inline_client_cert:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: CA
        cert: |
INLINE_CERT
        key: |
INLINE_KEY
)";

// Listening reports whether 127.0.0.1:port accepts a connection.
bool Listening(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

class HttpTlsOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string missing = MissingProgram("nginx");
    ASSERT_TRUE(missing.empty()) << missing;
    std::string error;
    auto certs = GenerateTestCerts(dir_.path(), 30, &error);
    ASSERT_TRUE(certs.has_value()) << error;
    port_ = PickRefusedPort();
    const std::string conf =
        dir_.WriteFile("nginx.conf", Substitute(kNginxConf, {{"DIR", dir_.path()},
                                                             {"PORT", std::to_string(port_)},
                                                             {"CERT", certs->leaf.cert_path},
                                                             {"KEY", certs->leaf.key_path},
                                                             {"CA", certs->ca.cert_path}}));
    SubprocessOptions nginx;
    nginx.program = "nginx";
    nginx.args = {"-c", conf, "-p", dir_.path(), "-e", dir_.PathOf("error.log")};
    nginx_ = Subprocess::Start(nginx, &error);
    ASSERT_NE(nginx_, nullptr) << error;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!Listening(port_) && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(Listening(port_)) << ReadFileText(dir_.PathOf("error.log"));
    const std::string modules =
        Substitute(kModules, {{"CA", certs->ca.cert_path},
                              {"INLINE_CERT\n", Indent(ReadFileText(certs->leaf.cert_path), 10)},
                              {"INLINE_KEY\n", Indent(ReadFileText(certs->leaf.key_path), 10)}});
    exporter_ = ExporterProcess::StartWithFlags(
        {"--config.file=" + dir_.WriteFile("outage.yml", modules)}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  // nginx is stopped as its operator would stop it: SIGTERM makes the master
  // end its worker. The SIGKILL that ends a Subprocess would leave the
  // worker running, orphaned, after the test.
  void TearDown() override {
    if (nginx_ != nullptr && nginx_->Signal(SIGTERM)) nginx_->Wait(std::chrono::seconds(10));
  }

  MetricsText Probe(const std::string& path, const std::string& module) {
    const std::string target = "https://127.0.0.1:" + std::to_string(port_) + path;
    const HttpResponse r =
        HttpGet(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(target) + "&module=" + module);
    EXPECT_EQ(r.status, 200) << r.body;
    return MetricsText::Parse(r.body);
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Subprocess> nginx_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(HttpTlsOptionsTest, EnableHttp2FalseSpeaksHttp11ToAnHttp2Server) {
  const MetricsText h2 = Probe("/", "h2_default");
  EXPECT_EQ(h2.Value("probe_success"), 1);
  EXPECT_EQ(h2.Value("probe_http_version"), 2) << "nginx offers h2 over ALPN";
  const MetricsText h1 = Probe("/", "h1_only");
  EXPECT_EQ(h1.Value("probe_success"), 1) << "nginx answered over HTTP/1.1";
  EXPECT_EQ(h1.Value("probe_http_version"), 1.1);
}

TEST_F(HttpTlsOptionsTest, InlineClientCertificateAuthenticates) {
  EXPECT_EQ(Probe("/mtls", "inline_client_cert").Value("probe_success"), 1);
  const MetricsText without = Probe("/mtls", "h2_default");
  EXPECT_EQ(without.Value("probe_http_status_code"), 403);
  EXPECT_EQ(without.FailureReason(), "http_status");
}

}  // namespace
}  // namespace outage::test
