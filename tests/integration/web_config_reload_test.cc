// --web.config.file changes apply while the exporter runs (WebConfigWatch):
// a rotated certificate and key are served to new connections, changed
// basic_auth_users take over, a half-written rotation keeps the previous
// certificate, and settings that need a restart say so. Real TLS with two
// generated PKIs, against the real binary on loopback.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/basic_auth_client.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/sanitizer_allowance.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The watch looks at the files once a second; a change shows within this.
const milliseconds kApplyWithin = milliseconds(5000) * kSanitizerTimeScale;

class WebConfigReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    for (auto [name, pki] : {std::pair{"a", &a_}, std::pair{"b", &b_}}) {
      const std::string dir = tmp_.WriteFile(std::string(name) + "/.keep", "");
      auto certs = GenerateTestCerts(dir.substr(0, dir.rfind('/')), 30, &error);
      ASSERT_TRUE(certs.has_value()) << error;
      *pki = *certs;
    }
    cert_ = tmp_.PathOf("server.pem");
    key_ = tmp_.PathOf("server.key");
    Install(a_.leaf.cert_path, cert_);
    Install(a_.leaf.key_path, key_);
  }

  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) std::cerr << exporter_->Stderr() << "\n";
  }

  // Install replaces `to` with a copy of `from` the way a careful rotation
  // does: write beside it, then rename over it.
  void Install(const std::string& from, const std::string& to) {
    std::string contents;
    if (FILE* f = std::fopen(from.c_str(), "rb")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) contents.append(buf, n);
      std::fclose(f);
    }
    ASSERT_FALSE(contents.empty()) << from;
    const std::string staged = tmp_.WriteFile("staged.tmp", contents);
    ASSERT_EQ(std::rename(staged.c_str(), to.c_str()), 0) << to;
  }

  std::string WebYaml(const std::string& password_hash, const std::string& tls_extra = "") {
    return "tls_server_config:\n  cert_file: " + cert_ + "\n  key_file: " + key_ + "\n" +
           tls_extra + "basic_auth_users:\n  prometheus: '" + password_hash + "'\n";
  }

  void WriteWebConfig(const std::string& yaml) {
    const std::string staged = tmp_.WriteFile("web.yml.tmp", yaml);
    ASSERT_EQ(std::rename(staged.c_str(), web_.c_str()), 0);
  }

  // Healthy asks /-/healthy over TLS trusting `ca` with `password`; the
  // status, or 0 when the TLS handshake (or anything else) failed.
  long Healthy(const TestCerts& ca, const std::string& password) {
    HttpRequest request;
    request.url = "https://127.0.0.1:" + std::to_string(exporter_->Port()) + "/-/healthy";
    request.ca_file = ca.ca.cert_path;
    request.headers = BasicAuth("prometheus", password);
    request.timeout = seconds(5);
    const HttpResponse r = HttpDo(request);
    return r.ok ? r.status : 0;
  }

  // LogSaysAfterARequest makes one request (the files are looked at when
  // requests arrive, not on a timer) and checks the log for `text`.
  bool LogSaysAfterARequest(const std::string& text) {
    Healthy(a_, "pw");
    return exporter_->Stderr().find(text) != std::string::npos;
  }

  // Eventually polls `condition` until it holds or kApplyWithin passes.
  static bool Eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kApplyWithin;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(100));
    }
    return true;
  }

  TempDir tmp_;
  TestCerts a_, b_;
  std::string cert_, key_;
  std::string web_ = tmp_.PathOf("web.yml");
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(WebConfigReloadTest, RotatedCertificateAndNewPasswordApplyWithoutARestart) {
  const std::string old_hash = BcryptHash("old-password");
  const std::string new_hash = BcryptHash("new-password");
  ASSERT_FALSE(old_hash.empty());
  WriteWebConfig(WebYaml(old_hash));
  std::string error;
  exporter_ = ExporterProcess::StartWithFlags({"--web.config.file=" + web_}, &error);
  ASSERT_NE(exporter_, nullptr) << error;
  ASSERT_EQ(Healthy(a_, "old-password"), 200);
  EXPECT_EQ(Healthy(b_, "old-password"), 0) << "PKI b must not be trusted yet";

  // cert-manager style: certificate, then key, each renamed into place.
  Install(b_.leaf.cert_path, cert_);
  Install(b_.leaf.key_path, key_);
  EXPECT_TRUE(Eventually([&] { return Healthy(b_, "old-password") == 200; }))
      << "the rotated certificate was never served";
  EXPECT_EQ(Healthy(a_, "old-password"), 0) << "the old certificate is still served";
  EXPECT_NE(exporter_->Stderr().find("Web config reloaded"), std::string::npos);

  WriteWebConfig(WebYaml(new_hash));
  EXPECT_TRUE(Eventually([&] { return Healthy(b_, "new-password") == 200; }))
      << "the new password never worked";
  EXPECT_EQ(Healthy(b_, "old-password"), 401);
  EXPECT_EQ(exporter_->Stderr().find(new_hash), std::string::npos) << "hashes are never logged";
}

TEST_F(WebConfigReloadTest, HalfWrittenRotationKeepsServingThePreviousCertificate) {
  WriteWebConfig(WebYaml(BcryptHash("pw")));
  std::string error;
  exporter_ = ExporterProcess::StartWithFlags({"--web.config.file=" + web_}, &error);
  ASSERT_NE(exporter_, nullptr) << error;
  ASSERT_EQ(Healthy(a_, "pw"), 200);

  Install(b_.leaf.cert_path, cert_);  // the key does not follow (yet)
  EXPECT_TRUE(Eventually([&] { return LogSaysAfterARequest("TLS certificate reload failed"); }))
      << "the mismatch was never noticed";
  EXPECT_EQ(Healthy(a_, "pw"), 200) << "the previous certificate must keep serving";
  EXPECT_NE(exporter_->Stderr().find("key_file does not match cert_file"), std::string::npos);

  Install(b_.leaf.key_path, key_);  // now the pair is whole
  EXPECT_TRUE(Eventually([&] { return Healthy(b_, "pw") == 200; }));
}

TEST_F(WebConfigReloadTest, BrokenFileKeepsTheRunningConfigAndRestartOnlyChangesAreNamed) {
  WriteWebConfig(WebYaml(BcryptHash("pw")));
  std::string error;
  exporter_ = ExporterProcess::StartWithFlags({"--web.config.file=" + web_}, &error);
  ASSERT_NE(exporter_, nullptr) << error;

  WriteWebConfig("basic_auth_users: [this is not a map\n");
  EXPECT_TRUE(Eventually([&] { return LogSaysAfterARequest("Web config reload failed"); }));
  EXPECT_EQ(Healthy(a_, "pw"), 200) << "a broken file must not lock everyone out";
  EXPECT_EQ(Healthy(a_, "wrong"), 401) << "nor let everyone in";

  WriteWebConfig(WebYaml(BcryptHash("pw"), "  min_version: TLS13\n"));
  EXPECT_TRUE(Eventually([&] { return LogSaysAfterARequest("apply only after a restart"); }));
  EXPECT_NE(exporter_->Stderr().find("settings=min_version"), std::string::npos)
      << "the restart-only setting must be named";
  EXPECT_EQ(Healthy(a_, "pw"), 200);
}

}  // namespace
}  // namespace outage::test
