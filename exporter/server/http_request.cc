#include "exporter/server/http_request.h"

#include <strings.h>

#include <atomic>

namespace outage {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string DecodeQueryComponent(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> HttpRequest::Param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (DecodeQueryComponent(pair.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : DecodeQueryComponent(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
  }
  return std::nullopt;
}

struct HttpResponder::State {
  explicit State(SendFn fn) : send(std::move(fn)) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (sent.exchange(true)) return;
    try {
      send(HttpResponse::Text(500, "internal error: the request was dropped unanswered\n"));
    } catch (...) {  // a destructor must not throw; the connection times out instead
    }
  }

  SendFn send;
  std::atomic<bool> sent{false};
};

HttpResponder::HttpResponder(SendFn send) : state_(std::make_shared<State>(std::move(send))) {}

void HttpResponder::Send(HttpResponse response) const {
  if (state_->sent.exchange(true)) return;
  state_->send(std::move(response));
}

}  // namespace outage
