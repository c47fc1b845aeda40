// See websocket_codec.h. Section numbers refer to RFC 6455.
#include "collectors/websocket/websocket_codec.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

#include "collectors/tcp/host_port.h"

namespace outage {
namespace {

// Section 1.3: the GUID every server appends to the key it was sent.
constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// HasToken reports whether the comma-separated header value `list` holds
// `token` (compared without case), as Connection: keep-alive, Upgrade does.
bool HasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (Lower(Trim(list.substr(0, comma))) == token) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

WebsocketUrl ParseWebsocketUrl(std::string_view target) {
  WebsocketUrl url;
  const size_t colon = target.find("://");
  const std::string scheme = Lower(target.substr(0, colon == std::string_view::npos ? 0 : colon));
  if (scheme != "ws" && scheme != "wss") {
    url.error = "the target must be a ws:// or wss:// URL";
    return url;
  }
  url.tls = scheme == "wss";
  std::string_view rest = target.substr(colon + 3);
  const size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view resource = end == std::string_view::npos ? "" : rest.substr(end);
  resource = resource.substr(0, resource.find('#'));  // fragments are never sent
  if (authority.find('@') != std::string_view::npos) {
    url.error = "credentials in the URL are not supported (use http_config.basic_auth)";
    return url;
  }
  if (authority.empty()) {
    url.error = "the URL has no host";
    return url;
  }
  // With no port, add the scheme's default so SplitHostPort does the rest.
  const bool has_port =
      authority.back() != ']' && authority.rfind(':') != std::string_view::npos &&
      (authority.front() != '[' || authority.find("]:") != std::string_view::npos);
  const std::string with_port =
      has_port ? std::string(authority) : std::string(authority) + (url.tls ? ":443" : ":80");
  HostPort split = SplitHostPort(with_port);
  if (!split.error.empty()) {
    url.error = split.error;
    return url;
  }
  url.host = std::move(split.host);
  url.port = split.port;
  url.authority = std::string(authority);
  url.resource = resource.empty() ? "/" : std::string(resource);
  if (url.resource.front() == '?') url.resource.insert(0, "/");
  return url;
}

std::string NewWebsocketKey() {
  unsigned char nonce[16];
  RAND_bytes(nonce, sizeof nonce);
  return Base64(nonce, sizeof nonce);
}

std::string WebsocketAccept(std::string_view key) {
  const std::string text = std::string(key) + std::string(kAcceptGuid);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return Base64(digest, sizeof digest);
}

std::string UpgradeRequest(const WebsocketUrl& url, const WebsocketProbe& config,
                           const std::string& key) {
  std::string request = "GET " + url.resource + " HTTP/1.1\r\n";
  request += "Host: " + url.authority + "\r\n";
  request += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
  request += "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
  if (!config.basic_auth.username.empty()) {
    const std::string pair = config.basic_auth.username + ":" + config.basic_auth.password;
    request += "Authorization: Basic " +
               Base64(reinterpret_cast<const unsigned char*>(pair.data()), pair.size()) + "\r\n";
  } else if (!config.bearer_token.empty()) {
    request += "Authorization: Bearer " + config.bearer_token + "\r\n";
  }
  for (const auto& [name, value] : config.headers) request += name + ": " + value + "\r\n";
  return request + "\r\n";
}

UpgradeAnswer CheckUpgradeAnswer(const std::vector<std::string>& head, const std::string& key) {
  UpgradeAnswer answer;
  // Status line: HTTP/1.1 SP 3DIGIT SP reason.
  const std::string_view status_line = head.empty() ? "" : std::string_view(head[0]);
  if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12 || status_line[8] != ' ' ||
      !std::all_of(status_line.begin() + 9, status_line.begin() + 12,
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    answer.error = "malformed HTTP status line";
    return answer;
  }
  answer.status = std::stoi(std::string(status_line.substr(9, 3)));
  if (answer.status != 101) {
    answer.error = "the server answered with status " + std::to_string(answer.status) +
                   " instead of 101 Switching Protocols";
    return answer;
  }
  std::string upgrade;
  std::string connection;
  std::string accept;
  for (size_t i = 1; i < head.size(); ++i) {
    const size_t colon = head[i].find(':');
    if (colon == std::string::npos) continue;
    const std::string name = Lower(head[i].substr(0, colon));
    const std::string value(Trim(std::string_view(head[i]).substr(colon + 1)));
    if (name == "upgrade") upgrade = value;
    if (name == "connection") connection += (connection.empty() ? "" : ",") + value;
    if (name == "sec-websocket-accept") accept = value;
  }
  if (Lower(upgrade) != "websocket") {
    answer.error = "the 101 answer lacks \"Upgrade: websocket\"";
  } else if (!HasToken(connection, "upgrade")) {
    answer.error = "the 101 answer lacks \"Connection: Upgrade\"";
  } else if (accept != WebsocketAccept(key)) {
    answer.error = "Sec-WebSocket-Accept does not match the key sent";
  }
  return answer;
}

std::string EncodeClientFrame(WsOpcode opcode, std::string_view payload,
                              std::array<uint8_t, 4> mask) {
  std::string frame;
  frame.push_back(static_cast<char>(0x80 | static_cast<uint8_t>(opcode)));  // FIN
  const size_t size = payload.size();
  if (size < 126) {
    frame.push_back(static_cast<char>(0x80 | size));
  } else if (size <= 0xffff) {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>(size >> 8));
    frame.push_back(static_cast<char>(size & 0xff));
  } else {
    frame.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame.push_back(static_cast<char>((static_cast<uint64_t>(size) >> shift) & 0xff));
    }
  }
  frame.append(reinterpret_cast<const char*>(mask.data()), mask.size());
  for (size_t i = 0; i < size; ++i) {
    frame.push_back(static_cast<char>(static_cast<uint8_t>(payload[i]) ^ mask[i % 4]));
  }
  return frame;
}

std::array<uint8_t, 4> RandomMask() {
  std::array<uint8_t, 4> mask{};
  RAND_bytes(mask.data(), static_cast<int>(mask.size()));
  return mask;
}

WebsocketReader::Next WebsocketReader::NextFrame(std::string* out) {
  for (;;) {
    // Section 5.2: the header is 2 bytes, then 0, 2 or 8 of length.
    if (buffer_.size() < 2) return Next::kNeedMore;
    const auto b0 = static_cast<uint8_t>(buffer_[0]);
    const auto b1 = static_cast<uint8_t>(buffer_[1]);
    const bool fin = (b0 & 0x80) != 0;
    const auto opcode = static_cast<WsOpcode>(b0 & 0x0f);
    const bool control = (b0 & 0x08) != 0;
    if ((b0 & 0x70) != 0) {
      *out = "a frame sets reserved bits (no extension was negotiated)";
      return Next::kError;
    }
    if ((b1 & 0x80) != 0) {
      *out = "the server masked a frame (section 5.1 forbids it)";
      return Next::kError;
    }
    size_t header = 2;
    uint64_t size = b1 & 0x7f;
    if (size == 126 || size == 127) {
      const size_t bytes = size == 126 ? 2 : 8;
      if (buffer_.size() < 2 + bytes) return Next::kNeedMore;
      size = 0;
      for (size_t i = 0; i < bytes; ++i) size = (size << 8) | static_cast<uint8_t>(buffer_[2 + i]);
      header += bytes;
    }
    if (control && (!fin || size > 125)) {
      *out = "a control frame is fragmented or longer than 125 bytes";
      return Next::kError;
    }
    if (size > kMaxMessageBytes || message_.size() + size > kMaxMessageBytes) {
      *out = "a message is longer than " + std::to_string(kMaxMessageBytes) + " bytes";
      return Next::kError;
    }
    if (buffer_.size() < header + size) return Next::kNeedMore;
    std::string payload = buffer_.substr(header, size);
    buffer_.erase(0, header + size);
    switch (opcode) {
      case WsOpcode::kPing:
        *out = std::move(payload);
        return Next::kPing;
      case WsOpcode::kPong:
        continue;  // unsolicited: ignored (section 5.5.3)
      case WsOpcode::kClose:
        *out = payload.size() >= 2 ? std::to_string((static_cast<uint8_t>(payload[0]) << 8) |
                                                    static_cast<uint8_t>(payload[1])) +
                                         (payload.size() > 2 ? " " + payload.substr(2) : "")
                                   : "";
        return Next::kClose;
      case WsOpcode::kText:
      case WsOpcode::kBinary:
        if (in_message_) {
          *out = "a new message began before the last one ended";
          return Next::kError;
        }
        message_ = std::move(payload);
        in_message_ = true;
        break;
      case WsOpcode::kContinuation:
        if (!in_message_) {
          *out = "a continuation frame without a message";
          return Next::kError;
        }
        message_ += payload;
        break;
      default:
        *out = "unknown opcode " + std::to_string(static_cast<int>(opcode));
        return Next::kError;
    }
    if (fin) {
      in_message_ = false;
      *out = std::move(message_);
      message_.clear();
      return Next::kMessage;
    }
  }
}

}  // namespace outage
