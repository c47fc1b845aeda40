// The pure RFC 6455 pieces: targets, the accept key, the upgrade answer
// check and framing, with the RFC's own worked examples where it has them.
#include "collectors/websocket/websocket_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace outage {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(WebsocketCodecTest, AcceptKeyIsTheRfcExample) {
  // RFC 6455 section 1.3.
  EXPECT_EQ(WebsocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(NewWebsocketKey().size(), 24u);
  EXPECT_NE(NewWebsocketKey(), NewWebsocketKey());
}

TEST(WebsocketCodecTest, UrlsParse) {
  WebsocketUrl url = ParseWebsocketUrl("wss://feed.example:8443/v1/stream?x=1#top");
  EXPECT_EQ(url.error, "");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "feed.example");
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(url.authority, "feed.example:8443");
  EXPECT_EQ(url.resource, "/v1/stream?x=1");

  url = ParseWebsocketUrl("WS://[::1]");
  EXPECT_EQ(url.error, "");
  EXPECT_FALSE(url.tls);
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.resource, "/");

  EXPECT_EQ(ParseWebsocketUrl("ws://h?q").resource, "/?q");
  EXPECT_EQ(ParseWebsocketUrl("wss://h").port, 443);
  EXPECT_NE(ParseWebsocketUrl("ws://h:99999/").error, "");
  EXPECT_EQ(ParseWebsocketUrl("ws:///path").error, "the URL has no host");
  EXPECT_EQ(ParseWebsocketUrl("example.com:80").error, "the target must be a ws:// or wss:// URL");
}

TEST(WebsocketCodecTest, UpgradeRequestCarriesKeyAuthAndHeaders) {
  WebsocketProbe config;
  config.bearer_token = "tok";
  config.headers = {{"Origin", "https://a.example"}};
  const std::string request =
      UpgradeRequest(ParseWebsocketUrl("ws://h:81/s"), config, "a2V5a2V5a2V5a2V5a2V5a2==");
  EXPECT_EQ(request,
            "GET /s HTTP/1.1\r\nHost: h:81\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: a2V5a2V5a2V5a2V5a2V5a2==\r\nSec-WebSocket-Version: 13\r\n"
            "Authorization: Bearer tok\r\nOrigin: https://a.example\r\n\r\n");
}

TEST(WebsocketCodecTest, UpgradeAnswerIsChecked) {
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  const std::vector<std::string> good = {"HTTP/1.1 101 Switching Protocols", "upgrade: WebSocket",
                                         "Connection: keep-alive, Upgrade",
                                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="};
  EXPECT_EQ(CheckUpgradeAnswer(good, key).error, "");
  EXPECT_EQ(CheckUpgradeAnswer(good, key).status, 101);

  std::vector<std::string> bad = good;
  bad[3] = "Sec-WebSocket-Accept: AAAA";
  EXPECT_EQ(CheckUpgradeAnswer(bad, key).error, "Sec-WebSocket-Accept does not match the key sent");
  bad = good;
  bad[2] = "Connection: close";
  EXPECT_EQ(CheckUpgradeAnswer(bad, key).error, "the 101 answer lacks \"Connection: Upgrade\"");
  UpgradeAnswer answer = CheckUpgradeAnswer({"HTTP/1.1 403 Forbidden"}, key);
  EXPECT_EQ(answer.status, 403);
  EXPECT_EQ(answer.error, "the server answered with status 403 instead of 101 Switching Protocols");
  EXPECT_EQ(CheckUpgradeAnswer({"SSH-2.0-x"}, key).error, "malformed HTTP status line");
}

TEST(WebsocketCodecTest, ClientFramesAreMaskedAsTheRfcExample) {
  // RFC 6455 section 5.7: a masked "Hello".
  EXPECT_EQ(EncodeClientFrame(WsOpcode::kText, "Hello", {0x37, 0xfa, 0x21, 0x3d}),
            Bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  const std::string medium = EncodeClientFrame(WsOpcode::kBinary, std::string(256, 'x'), {});
  EXPECT_EQ(medium.substr(0, 4), Bytes({0x82, 0xfe, 0x01, 0x00}));
  EXPECT_EQ(medium.size(), 4u + 4u + 256u);
}

TEST(WebsocketCodecTest, ReaderReassemblesAndReportsControlFrames) {
  WebsocketReader reader;
  std::string out;
  // RFC 6455 section 5.7: a fragmented "Hello", an unmasked ping in between.
  reader.Append(Bytes({0x01, 0x03, 'H', 'e', 'l', 0x89, 0x02, 'h', 'i', 0x80, 0x02}));
  EXPECT_EQ(reader.NextFrame(&out), WebsocketReader::Next::kPing);
  EXPECT_EQ(out, "hi");
  EXPECT_EQ(reader.NextFrame(&out), WebsocketReader::Next::kNeedMore);
  reader.Append("lo");
  EXPECT_EQ(reader.NextFrame(&out), WebsocketReader::Next::kMessage);
  EXPECT_EQ(out, "Hello");
  reader.Append(Bytes({0x8a, 0x00, 0x88, 0x04, 0x03, 0xe9, 'b', 'y'}));
  EXPECT_EQ(reader.NextFrame(&out), WebsocketReader::Next::kClose);  // the pong is skipped
  EXPECT_EQ(out, "1001 by");
}

TEST(WebsocketCodecTest, ReaderRefusesBrokenOrHugeFrames) {
  std::string out;
  WebsocketReader masked;
  masked.Append(Bytes({0x81, 0x81, 1, 2, 3, 4, 'x'}));
  EXPECT_EQ(masked.NextFrame(&out), WebsocketReader::Next::kError);
  EXPECT_EQ(out, "the server masked a frame (section 5.1 forbids it)");

  WebsocketReader huge;  // announces 2^32 bytes: refused before any arrive
  huge.Append(Bytes({0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(huge.NextFrame(&out), WebsocketReader::Next::kError);
  EXPECT_EQ(out, "a message is longer than 65536 bytes");

  WebsocketReader orphan;
  orphan.Append(Bytes({0x80, 0x00}));
  EXPECT_EQ(orphan.NextFrame(&out), WebsocketReader::Next::kError);

  WebsocketReader reserved;
  reserved.Append(Bytes({0xc1, 0x00}));
  EXPECT_EQ(reserved.NextFrame(&out), WebsocketReader::Next::kError);
}

}  // namespace
}  // namespace outage
