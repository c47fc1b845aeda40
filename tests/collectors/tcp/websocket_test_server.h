// A websocket server for the websocket prober tests, as a ScriptedServer
// script: it answers the RFC 6455 upgrade (or deliberately fails to), then
// runs a script of its own over unmasked server frames.
#pragma once

#include <functional>
#include <string>

#include "tests/collectors/tcp/tcp_test_servers.h"
#include "tests/support/test_certs.h"

namespace outage::test {

// Upgrade says how a test server answers the upgrade request.
struct Upgrade {
  std::string status = "101 Switching Protocols";
  bool wrong_accept = false;  // answer with the accept key of another key
  bool tls = false;           // wss://: TLS with the leaf certificate first
};

Upgrade OverTls();
Upgrade WithWrongAccept();
Upgrade WithStatus(std::string status);

// UpgradeThen reads the upgrade request (recording its request line and
// headers into *self), answers it as `upgrade` says, then runs `after`.
// `certs` is needed for TLS only.
ScriptedServer::Script UpgradeThen(ScriptedServer** self, const TestCerts* certs, Upgrade upgrade,
                                   std::function<void(ServerConn&)> after);

// Echo pings the client ("are you there"), greets it ("hello there"), then
// echoes each text message back with "echo: " in front, recording each
// client frame as "masked|unmasked OPCODE PAYLOAD".
std::function<void(ServerConn&)> Echo(ScriptedServer** self);

}  // namespace outage::test
