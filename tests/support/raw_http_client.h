// Raw TCP clients for tests of our own HTTP port: exact bytes on the wire
// (ambiguous framings a real client library would never send) and connections
// that send nothing, trickle or sit idle, to hold against the server.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace outage::test {

// ConnectLoopback opens a blocking TCP connection to 127.0.0.1:port; -1 on
// failure.
int ConnectLoopback(int port);

// SendRaw connects, sends `bytes`, and reads until the server closes or
// `timeout` passes; returns everything received ("" when nothing came).
std::string SendRaw(int port, std::string_view bytes,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// ReadFor reads from `fd` until it closes or `timeout` passes.
std::string ReadFor(int fd, std::chrono::milliseconds timeout);

// StatusOf is the status code of the first response in `wire` (0: none).
int StatusOf(const std::string& wire);

}  // namespace outage::test
