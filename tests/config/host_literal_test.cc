// Shipped and test configurations name hosts, never public IP literals.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "host_literal_check.h"

namespace outage {
namespace {

using testing::FindPublicIpLiterals;
using Literals = std::vector<std::string>;

TEST(HostLiteralCheckTest, FindsPublicAddressesOnly) {
  EXPECT_EQ(FindPublicIpLiterals("target: https://8.8.8.8/dns-query"), Literals{"8.8.8.8"});
  EXPECT_EQ(FindPublicIpLiterals("target: 1.1.1.1:53, 9.9.9.9."), (Literals{"1.1.1.1", "9.9.9.9"}));
  EXPECT_EQ(FindPublicIpLiterals("target: \"[2001:4860:4860::8888]:443\""),
            Literals{"2001:4860:4860::8888"});
  EXPECT_EQ(FindPublicIpLiterals("- 2606:4700:4700::1111"), Literals{"2606:4700:4700::1111"});
  EXPECT_EQ(FindPublicIpLiterals("ip: ::ffff:8.8.4.4"), Literals{"::ffff:8.8.4.4"});
  EXPECT_EQ(FindPublicIpLiterals("nets: [8.8.8.0/24, 100.128.0.1]"),
            (Literals{"8.8.8.0", "100.128.0.1"}));
}

TEST(HostLiteralCheckTest, AllowsNonPublicAddressesAndLookalikes) {
  static constexpr const char* kAllowed[] = {
      "127.0.0.1:9115",
      "http://localhost:8080/",
      "0.0.0.0:9115",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "192.0.2.10",
      "198.51.100.7",
      "203.0.113.200",
      "[::1]:9115",
      "::",
      "fd00::1",
      "fe80::1%eth0",
      "2001:db8::53",
      "::ffff:192.168.0.1",
      "timeout: 12:30:00",
      "buckets: [0.005, 0.01, 2.5]",
      "image: app:v1.2.3.4",
      "version 1.2.3",
      "https://api.spotify.com/v1/",
      "256.1.1.1",
      "1.2.3.4.5",
  };
  for (const char* text : kAllowed) {
    EXPECT_EQ(FindPublicIpLiterals(text), Literals{}) << text;
  }
}

// YamlFilesUnder lists *.yml and *.yaml files below dir, recursively.
std::vector<std::filesystem::path> YamlFilesUnder(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string extension = entry.path().extension().string();
    if (entry.is_regular_file() && (extension == ".yml" || extension == ".yaml")) {
      files.push_back(entry.path());
    }
  }
  return files;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(HostLiteralCheckTest, ConfigsUseHostnames) {
  EXPECT_EQ(FindPublicIpLiterals(DefaultConfigYaml()), Literals{})
      << "in the embedded default config";
  std::vector<std::filesystem::path> files = YamlFilesUnder(OUTAGE_CONFIG_SOURCE_DIR);
  const std::vector<std::filesystem::path> good = YamlFilesUnder(testing::TestdataPath("good"));
  files.insert(files.end(), good.begin(), good.end());
  ASSERT_GE(files.size(), 3u);  // default_config.yml and the good files
  for (const std::filesystem::path& file : files) {
    EXPECT_EQ(FindPublicIpLiterals(ReadFile(file)), Literals{}) << file;
  }
}

}  // namespace
}  // namespace outage
