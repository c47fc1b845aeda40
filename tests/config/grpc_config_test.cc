// The `grpc:` module section: blackbox's options (and Debian's blackbox.yml
// grpc modules) load unchanged, and each mistake is an error with its exact
// text and position.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config/config_loader.h"
#include "tests/config/config_test_util.h"
#include "tests/support/readme_example.h"

namespace outage {
namespace {

using testing::ErrorText;

ConfigResult Load(const std::string& grpc_section) {
  return testing::LoadModule("grpc", grpc_section);
}

TEST(GrpcConfigTest, EveryOption) {
  ConfigResult result = Load(R"yaml(      service: checkout
      tls: true
      tls_config:
        ca_file: /etc/ca.pem
        server_name: api.example.com
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      metadata:
        x-team: [sre, oncall]
        x-region: eu
)yaml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const LoadedConfig& loaded = std::get<LoadedConfig>(result);
  EXPECT_TRUE(loaded.warnings.empty());
  const Module& m = loaded.config->modules.at("m");
  const GrpcProbe& grpc = m.grpc;
  EXPECT_EQ(grpc.service, "checkout");
  EXPECT_TRUE(grpc.tls);
  EXPECT_EQ(grpc.tls_config.server_name, "api.example.com");
  EXPECT_EQ(grpc.preferred_ip_protocol, IpProtocol::kIp4);
  EXPECT_FALSE(grpc.ip_protocol_fallback);
  EXPECT_EQ(grpc.metadata,
            (LabelPairs{{"x-team", "sre"}, {"x-team", "oncall"}, {"x-region", "eu"}}));
}

TEST(GrpcConfigTest, Defaults) {
  ConfigResult result = LoadConfigString("modules:\n  m:\n    prober: grpc\n", "t.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const GrpcProbe& grpc = std::get<LoadedConfig>(result).config->modules.at("m").grpc;
  EXPECT_EQ(grpc.service, "");
  EXPECT_FALSE(grpc.tls);
  EXPECT_EQ(grpc.preferred_ip_protocol, IpProtocol::kIp6);
  EXPECT_TRUE(grpc.ip_protocol_fallback);
  EXPECT_TRUE(grpc.metadata.empty());
}

// Debian's /etc/prometheus/blackbox.yml grpc modules, as shipped.
TEST(GrpcConfigTest, DebianBlackboxModulesLoad) {
  ConfigResult result = LoadConfigString(R"yaml(modules:
  grpc:
    prober: grpc
    grpc:
      tls: true
      preferred_ip_protocol: "ip4"
  grpc_plain:
    prober: grpc
    grpc:
      tls: false
      service: "service1"
)yaml",
                                         "blackbox.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const LoadedConfig& loaded = std::get<LoadedConfig>(result);
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_TRUE(loaded.config->modules.at("grpc").grpc.tls);
  EXPECT_EQ(loaded.config->modules.at("grpc_plain").grpc.service, "service1");
}

// The reference page's gRPC example is documentation users copy: it must load.
TEST(GrpcConfigTest, ReadmeExampleLoads) {
  const std::string example = test::ReadmeYamlExample(OUTAGE_REFERENCE_DOC, "### gRPC health");
  ASSERT_FALSE(example.empty());
  ConfigResult result = LoadConfigString(example, "docs/reference.md");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const GrpcProbe& grpc = std::get<LoadedConfig>(result).config->modules.at("grpc_checkout").grpc;
  EXPECT_EQ(grpc.service, "checkout");
  EXPECT_EQ(grpc.metadata, (LabelPairs{{"authorization", "Bearer xyz"}, {"x-team", "sre"}}));
}

TEST(GrpcConfigTest, MistakesAreErrorsWithPositions) {
  const std::pair<const char*, const char*> cases[] = {
      {"      servise: x\n", "t.yml:5:7: modules.m.grpc.servise: unknown key \"servise\""},
      {"      tls: yes please\n",
       "t.yml:5:12: modules.m.grpc.tls: expected a boolean, got \"yes please\""},
      {"      metadata:\n        X-Team: sre\n",
       "t.yml:6:9: modules.m.grpc.metadata.X-Team: invalid metadata key \"X-Team\" (gRPC keys "
       "are lower-case letters, digits, \"-\", \"_\" and \".\")"},
      {"      metadata:\n        grpc-timeout: 1S\n",
       "t.yml:6:9: modules.m.grpc.metadata.grpc-timeout: metadata key \"grpc-timeout\" is "
       "reserved by the gRPC protocol"},
      {"      metadata:\n        content-type: text/plain\n",
       "t.yml:6:9: modules.m.grpc.metadata.content-type: metadata key \"content-type\" is "
       "reserved by the gRPC protocol"},
      {"      metadata:\n        trace-bin: AAEC\n",
       "t.yml:6:9: modules.m.grpc.metadata.trace-bin: binary metadata key \"trace-bin\" is not "
       "supported"},
      {"      metadata:\n        x-a: {b: c}\n",
       "t.yml:6:14: modules.m.grpc.metadata.x-a: expected a list, got a map"},
      {"      tls_config:\n        ca_fil: x\n",
       "t.yml:6:9: modules.m.grpc.tls_config.ca_fil: unknown key \"ca_fil\""},
  };
  for (const auto& [section, error] : cases) {
    EXPECT_EQ(ErrorText(Load(section)), error) << section;
  }
}

}  // namespace
}  // namespace outage
