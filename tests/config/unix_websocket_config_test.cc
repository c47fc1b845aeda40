// The `unix:` and `websocket:` module sections: blackbox's options load, and
// each mistake is an error with its exact text and file:line:column.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config/config_loader.h"
#include "tests/config/config_test_util.h"
#include "tests/support/readme_example.h"

namespace outage {
namespace {

using testing::ErrorText;
using testing::LoadModule;

const Module& ModuleOf(const ConfigResult& result) {
  return std::get<LoadedConfig>(result).config->modules.at("m");
}

TEST(UnixConfigTest, EveryOption) {
  ConfigResult result = LoadModule("unix", R"yaml(      tls: true
      tls_config:
        server_name: app.internal
        ca_file: /etc/ca.pem
      query_response:
        - expect: "^READY (\\d+)"
          labels:
            - {name: version, value: "${1}"}
        - send: "PING"
        - expect_bytes: "PONG"
)yaml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const UnixProbe& unix_socket = ModuleOf(result).unix_socket;
  EXPECT_TRUE(unix_socket.tls);
  EXPECT_EQ(unix_socket.tls_config.server_name, "app.internal");
  ASSERT_EQ(unix_socket.query_response.size(), 3u);
  EXPECT_EQ(unix_socket.query_response[0].labels, (LabelPairs{{"version", "${1}"}}));
  EXPECT_EQ(unix_socket.query_response[2].expect_bytes, "PONG");
}

TEST(UnixConfigTest, ModuleWithoutSectionConnectsOnly) {
  ConfigResult result = LoadConfigString("modules:\n  m:\n    prober: unix\n", "t.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  EXPECT_TRUE(ModuleOf(result).unix_socket.query_response.empty());
}

TEST(WebsocketConfigTest, EveryOption) {
  ConfigResult result = LoadModule("websocket", R"yaml(      http_config:
        bearer_token: abc123
        headers:
          Origin: https://app.example
          X-Trace: [a, b]
        tls_config:
          insecure_skip_verify: true
      query_response:
        - expect: "^welcome"
          send: "subscribe ticker"
        - expect: "^ticker"
)yaml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const WebsocketProbe& ws = ModuleOf(result).websocket;
  EXPECT_EQ(ws.bearer_token, "abc123");
  EXPECT_EQ(ws.headers,
            (LabelPairs{{"Origin", "https://app.example"}, {"X-Trace", "a"}, {"X-Trace", "b"}}));
  EXPECT_TRUE(ws.tls_config.insecure_skip_verify);
  ASSERT_EQ(ws.query_response.size(), 2u);
  EXPECT_EQ(ws.query_response[0].send, "subscribe ticker");
  // The token is a secret: /probe?debug=true shows the module without it.
  EXPECT_EQ(ModuleOf(result).redacted_yaml.find("abc123"), std::string::npos);
}

// The reference page's examples are documentation users copy: they load.
TEST(UnixWebsocketConfigTest, ReferenceExamplesLoad) {
  for (const char* heading :
       {"### Unix sockets (`prober: unix`)", "### WebSocket (`prober: websocket`)"}) {
    const std::string example = test::ReadmeYamlExample(OUTAGE_REFERENCE_DOC, heading);
    ASSERT_FALSE(example.empty()) << heading;
    ConfigResult result = LoadConfigString(example, "docs/reference.md");
    EXPECT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  }
}

struct BadSection {
  const char* prober;
  const char* yaml;      // the section body, from line 5
  const char* expected;  // ToString()
};

// clang-format off
constexpr BadSection kBadSections[] = {
    {"unix", "      preferred_ip_protocol: ip4\n",
     "t.yml:5:7: modules.m.unix.preferred_ip_protocol: unknown key \"preferred_ip_protocol\""},
    {"unix", "      tls: sure\n",
     "t.yml:5:12: modules.m.unix.tls: expected a boolean, got \"sure\""},
    {"unix", "      query_response:\n        - expect: \"(\"\n",
     "t.yml:6:19: modules.m.unix.query_response[0].expect: invalid regexp \"(\": missing ): ("},
    {"unix", "      query_response:\n        - expect: a\n          expect_bytes: b\n",
     "t.yml:7:11: modules.m.unix.query_response[0].expect_bytes: expect and expect_bytes are mutually exclusive"},
    {"unix", "      tls: true\n",
     "t.yml:5:7: modules.m.unix.tls: TLS over a unix socket needs tls_config.server_name (the name to verify the certificate against) or tls_config.insecure_skip_verify"},
    {"unix", "      query_response:\n        - send: STARTTLS\n          starttls: true\n",
     "t.yml:5:7: modules.m.unix: TLS over a unix socket needs tls_config.server_name (the name to verify the certificate against) or tls_config.insecure_skip_verify"},
    {"websocket", "      url: ws://x\n",
     "t.yml:5:7: modules.m.websocket.url: unknown key \"url\""},
    {"websocket", "      http_config:\n        proxy_url: http://proxy:3128\n",
     "t.yml:6:9: modules.m.websocket.http_config.proxy_url: unknown key \"proxy_url\""},
    {"websocket", "      http_config:\n        basic_auth:\n          username: user\n",
     "t.yml:6:9: modules.m.websocket.http_config.basic_auth: basic_auth needs both username and password"},
    {"websocket", "      http_config:\n        basic_auth:\n          password_file: /pw\n          username: u\n",
     "t.yml:6:9: modules.m.websocket.http_config.basic_auth: the websocket prober's basic_auth takes username and password only"},
    {"websocket", "      http_config:\n        bearer_token: \"   \"\n",
     "t.yml:6:23: modules.m.websocket.http_config.bearer_token: bearer_token is blank"},
    {"websocket", "      http_config:\n        bearer_token: t\n        basic_auth: {username: u, password: p}\n",
     "t.yml:7:9: modules.m.websocket.http_config.basic_auth: bearer_token and basic_auth are mutually exclusive"},
    {"websocket", "      http_config:\n        headers:\n          \"X-Test\\x01\": v\n",
     "t.yml:7:11: modules.m.websocket.http_config.headers.X-Test\x01: invalid header name \"X-Test\\x01\""},
    {"websocket", "      http_config:\n        headers:\n          X-Test: \"a\\r\\nInjected: yes\"\n",
     "t.yml:7:19: modules.m.websocket.http_config.headers.X-Test: header \"X-Test\" has a control character or line break in its value"},
    {"websocket", "      http_config:\n        headers:\n          Sec-WebSocket-Key: abc\n",
     "t.yml:7:11: modules.m.websocket.http_config.headers.Sec-WebSocket-Key: setting header \"Sec-WebSocket-Key\" is not allowed (the websocket upgrade or its auth sets it)"},
    {"websocket", "      query_response:\n        - send: a\n          starttls: maybe\n",
     "t.yml:7:21: modules.m.websocket.query_response[0].starttls: expected a boolean, got \"maybe\""},
};
// clang-format on

// blackbox reads expect_bytes and starttls in a websocket module and ignores
// them: its files load here too, with a warning per key, and a step left
// with nothing to do is dropped.
TEST(WebsocketConfigTest, ExpectBytesAndStarttlsAreIgnoredWithAWarning) {
  const ConfigResult result = LoadModule("websocket", R"yaml(      query_response:
        - expect_bytes: "x"
        - send: hello
          starttls: true
        - expect: "^hi"
)yaml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const WebsocketProbe& ws = ModuleOf(result).websocket;
  ASSERT_EQ(ws.query_response.size(), 2u);
  EXPECT_EQ(ws.query_response[0].send, "hello");
  EXPECT_FALSE(ws.query_response[0].starttls);
  EXPECT_TRUE(ws.query_response[1].expect.has_value());
  const std::vector<std::string>& warnings = std::get<LoadedConfig>(result).warnings;
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0],
            "modules.m.websocket.query_response[0].expect_bytes: ignored (the websocket prober "
            "sends and matches whole messages)");
  EXPECT_EQ(warnings[1],
            "modules.m.websocket.query_response[1].starttls: ignored (the websocket prober sends "
            "and matches whole messages)");
}

TEST(UnixWebsocketConfigTest, BadSectionsFailWithExactErrors) {
  for (const BadSection& bad : kBadSections) {
    EXPECT_EQ(ErrorText(LoadModule(bad.prober, bad.yaml)), bad.expected) << bad.yaml;
  }
}

}  // namespace
}  // namespace outage
