// The client side of RFC 6455 as pure functions, so it is unit-tested
// without sockets: the ws:// / wss:// target, the upgrade request and the
// check of its answer, and the framing of messages. No I/O here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace outage {

// WebsocketUrl is a parsed ws:// or wss:// target.
struct WebsocketUrl {
  bool tls = false;       // wss://
  std::string host;       // without brackets
  int port = 0;           // explicit, or 80 / 443
  std::string authority;  // for the Host header: host[:port] as written
  std::string resource;   // path and query; "/" when empty
  std::string error;      // empty when valid; one line
};

// ParseWebsocketUrl parses `target`. Credentials in the URL are refused:
// they belong in http_config, where they are secrets.
WebsocketUrl ParseWebsocketUrl(std::string_view target);

// NewWebsocketKey returns a fresh Sec-WebSocket-Key: 16 random bytes, base64.
std::string NewWebsocketKey();
// WebsocketAccept is the Sec-WebSocket-Accept a server must answer `key` with.
std::string WebsocketAccept(std::string_view key);

// UpgradeRequest is the HTTP/1.1 GET that asks to upgrade to a websocket,
// with the module's headers and authorization.
std::string UpgradeRequest(const WebsocketUrl& url, const WebsocketProbe& config,
                           const std::string& key);

// UpgradeAnswer is what the server's response head says.
struct UpgradeAnswer {
  int status = 0;     // 0 when the status line is malformed
  std::string error;  // empty when the connection is upgraded; one line
};
// CheckUpgradeAnswer reads a response head (its lines without line ends,
// status line first) to the request made with `key`.
UpgradeAnswer CheckUpgradeAnswer(const std::vector<std::string>& head, const std::string& key);

enum class WsOpcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// EncodeClientFrame returns one final frame of `opcode`, masked with `mask`
// as every client frame must be.
std::string EncodeClientFrame(WsOpcode opcode, std::string_view payload,
                              std::array<uint8_t, 4> mask);
// RandomMask returns a fresh masking key.
std::array<uint8_t, 4> RandomMask();

// WebsocketReader buffers bytes from the server and hands out whole
// messages (reassembling fragments) and control frames. Not thread-safe.
class WebsocketReader {
 public:
  // What one message may hold, like the longest line the tcp dialogue reads.
  static constexpr size_t kMaxMessageBytes = 64 * 1024;

  enum class Next { kMessage, kPing, kClose, kNeedMore, kError };

  void Append(std::string_view data) { buffer_.append(data); }

  // NextFrame takes what the buffer holds next: a whole data message
  // (kMessage), a ping (kPing, its payload in *out), a close (kClose, the
  // status code and reason in *out), kNeedMore, or kError when the server
  // breaks the protocol (*out says how; the reader is then unusable).
  Next NextFrame(std::string* out);

 private:
  std::string buffer_;
  std::string message_;      // fragments of the current data message
  bool in_message_ = false;  // a fragmented message has begun
};

}  // namespace outage
