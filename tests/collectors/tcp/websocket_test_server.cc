#include "tests/collectors/tcp/websocket_test_server.h"

#include <cstdint>
#include <utility>

#include "collectors/websocket/websocket_codec.h"

namespace outage::test {
namespace {

// ServerFrame is one unmasked frame from the server (payload < 126 bytes).
std::string ServerFrame(uint8_t opcode, const std::string& payload) {
  std::string frame;
  frame.push_back(static_cast<char>(0x80 | opcode));
  frame.push_back(static_cast<char>(payload.size()));
  return frame + payload;
}

// ReadClientFrame reads one client frame (payload < 126 bytes): its opcode and
// unmasked payload; *masked says whether the client masked it.
bool ReadClientFrame(ServerConn& c, int* opcode, std::string* payload, bool* masked) {
  std::string header;
  if (!c.ReadBytes(2, &header)) return false;
  *opcode = static_cast<uint8_t>(header[0]) & 0x0f;
  *masked = (static_cast<uint8_t>(header[1]) & 0x80) != 0;
  const size_t size = static_cast<uint8_t>(header[1]) & 0x7f;
  std::string mask(4, '\0');
  if (*masked && !c.ReadBytes(4, &mask)) return false;
  if (!c.ReadBytes(size, payload)) return false;
  for (size_t i = 0; i < size; ++i) (*payload)[i] = static_cast<char>((*payload)[i] ^ mask[i % 4]);
  return true;
}

}  // namespace

Upgrade OverTls() {
  Upgrade u;
  u.tls = true;
  return u;
}

Upgrade WithWrongAccept() {
  Upgrade u;
  u.wrong_accept = true;
  return u;
}

Upgrade WithStatus(std::string status) {
  Upgrade u;
  u.status = std::move(status);
  return u;
}

// UpgradeThen reads the upgrade request (recording its request line and
// headers), answers it as `upgrade` says, then runs `after`.
ScriptedServer::Script UpgradeThen(ScriptedServer** self, const TestCerts* certs, Upgrade upgrade,
                                   std::function<void(ServerConn&)> after) {
  return [=](ServerConn& c) {
    if (upgrade.tls && !c.StartTls(certs->leaf.cert_path, certs->leaf.key_path)) return;
    std::string line;
    std::string key;
    while (c.ReadLine(&line) && !line.empty()) {
      (*self)->Record(line);
      if (line.rfind("Sec-WebSocket-Key: ", 0) == 0) key = line.substr(19);
    }
    std::string accept = WebsocketAccept(upgrade.wrong_accept ? key + "x" : key);
    if (upgrade.status.rfind("101", 0) != 0) {
      c.Write("HTTP/1.1 " + upgrade.status + "\r\nContent-Length: 2\r\n\r\nok");
      return;
    }
    c.Write("HTTP/1.1 " + upgrade.status +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept +
            "\r\n\r\n");
    after(c);
  };
}

// Echo pings the client, greets it, then echoes each text message back with
// "echo: " in front, recording what the client sent.
std::function<void(ServerConn&)> Echo(ScriptedServer** self) {
  return [self](ServerConn& c) {
    c.Write(ServerFrame(0x9, "are you there") + ServerFrame(0x1, "hello there"));
    int opcode = 0;
    std::string payload;
    bool masked = false;
    while (ReadClientFrame(c, &opcode, &payload, &masked)) {
      (*self)->Record(std::string(masked ? "masked " : "unmasked ") + std::to_string(opcode) + " " +
                      payload);
      if (opcode == 0x1) c.Write(ServerFrame(0x1, "echo: " + payload));
      if (opcode == 0x8) return;
    }
  };
}

}  // namespace outage::test
