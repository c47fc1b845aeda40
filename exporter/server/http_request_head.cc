#include "exporter/server/http_request_head.h"

#include <strings.h>

#include <cctype>
#include <vector>

namespace outage {
namespace {

using Status = RequestHead::Status;

// RFC 9110 5.6.2: tchar.
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// RFC 9110 5.5: field-value characters (VCHAR, obs-text, SP, HTAB).
bool IsFieldValueChar(unsigned char c) { return c == '\t' || c == ' ' || (c > 0x20 && c != 0x7f); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// HasToken reports whether the comma-separated list `value` holds `token`.
bool HasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (EqualsIgnoreCase(TrimOws(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

// DecodePath percent-decodes an origin-form path; false on a malformed
// escape or an encoded NUL.
bool DecodePath(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

RequestHead Error(int status, std::string why) {
  RequestHead head;
  head.status = Status::kError;
  head.error_status = status;
  head.error = std::move(why);
  return head;
}

// ParseTarget fills path and query from the request target: origin form
// ("/p?q"), absolute form ("http://host/p?q", whose authority we ignore, as
// RFC 9112 3.2.2 lets an origin server) or asterisk form ("*", OPTIONS only).
std::string ParseTarget(std::string_view target, RequestHead* head) {
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f || c == '#') return "invalid character in the request target";
  }
  if (target == "*") {
    if (head->request.method != "OPTIONS") return "\"*\" is a target for OPTIONS only";
    head->asterisk = true;
    head->request.path = "*";
    return "";
  }
  if (target.front() != '/') {
    const size_t scheme_end = target.find("://");
    const std::string_view scheme = target.substr(0, scheme_end);
    if (scheme_end == std::string_view::npos ||
        !(EqualsIgnoreCase(scheme, "http") || EqualsIgnoreCase(scheme, "https"))) {
      return "the request target must be a path or an http(s) URL";
    }
    const std::string_view after = target.substr(scheme_end + 3);
    const size_t slash = after.find_first_of("/?");
    if (slash == 0 || after.empty()) return "the request target's URL has no host";
    target = slash == std::string_view::npos ? std::string_view("/") : after.substr(slash);
    if (target.front() == '?') {
      head->request.query = std::string(target.substr(1));
      head->request.path = "/";
      return "";
    }
  }
  const size_t q = target.find('?');
  if (q != std::string_view::npos) head->request.query = std::string(target.substr(q + 1));
  if (!DecodePath(target.substr(0, q), &head->request.path)) {
    return "malformed percent-encoding in the request path";
  }
  return "";
}

}  // namespace

RequestHead ParseRequestHead(std::string_view input) {
  // Lines end in CRLF; a bare LF is accepted as RFC 9112 2.2 allows, a bare
  // CR never is.
  std::vector<std::string_view> lines;
  size_t pos = 0;
  size_t end = std::string_view::npos;
  while (pos < input.size() && pos <= kMaxRequestHeadBytes) {
    const size_t lf = input.find('\n', pos);
    if (lf == std::string_view::npos) break;
    std::string_view line = input.substr(pos, lf - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = lf + 1;
    if (line.find('\r') != std::string_view::npos) return Error(400, "bare CR in the request head");
    // Empty lines before the request line are ignored (RFC 9112 2.2).
    if (line.empty() && lines.empty()) {
      if (pos > 4) return Error(400, "empty lines before the request line");
      continue;
    }
    if (line.empty()) {
      end = pos;
      break;
    }
    if (lines.size() > kMaxRequestHeaders) return Error(431, "too many header fields");
    lines.push_back(line);
  }
  if (end == std::string_view::npos) {
    if (input.size() > kMaxRequestHeadBytes || pos > kMaxRequestHeadBytes) {
      return Error(431, "request head larger than 16 KiB");
    }
    return RequestHead{};  // incomplete
  }
  if (end > kMaxRequestHeadBytes) return Error(431, "request head larger than 16 KiB");

  RequestHead head;
  head.head_bytes = end;
  // Request line: method SP request-target SP HTTP-version, single spaces.
  const std::string_view line = lines.front();
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Error(400, "malformed request line");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method) || target.empty()) return Error(400, "malformed request line");
  if (version == "HTTP/1.1") {
    head.http10 = false;
  } else if (version == "HTTP/1.0") {
    head.http10 = true;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && isdigit(version[5]) &&
             version[6] == '.' && isdigit(version[7])) {
    return Error(505, "only HTTP/1.0 and HTTP/1.1 are served");
  } else {
    return Error(400, "malformed HTTP version");
  }
  head.request.method = std::string(method);
  if (std::string why = ParseTarget(target, &head); !why.empty()) return Error(400, why);

  std::string content_length;
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  std::string_view transfer_encoding;
  int hosts = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view field = lines[i];
    if (field.front() == ' ' || field.front() == '\t') {
      return Error(400, "obsolete line folding in a header field");
    }
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos) return Error(400, "header field without a colon");
    const std::string_view name = field.substr(0, colon);
    // RFC 9112 5.1: whitespace between the name and the colon is a 400.
    if (!IsToken(name)) return Error(400, "invalid header field name");
    const std::string_view value = TrimOws(field.substr(colon + 1));
    for (unsigned char c : value) {
      if (!IsFieldValueChar(c)) return Error(400, "invalid character in a header field value");
    }
    if (EqualsIgnoreCase(name, "Content-Length")) {
      if (value.empty() || value.size() > 18 ||
          value.find_first_not_of("0123456789") != std::string_view::npos) {
        return Error(400, "invalid Content-Length");
      }
      if (has_content_length && content_length != value) {
        return Error(400, "conflicting Content-Length headers");
      }
      has_content_length = true;
      content_length = std::string(value);
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      if (has_transfer_encoding) return Error(400, "repeated Transfer-Encoding");
      has_transfer_encoding = true;
      transfer_encoding = value;
    } else if (EqualsIgnoreCase(name, "Host")) {
      ++hosts;
    }
    head.request.headers.emplace_back(std::string(name), std::string(value));
  }
  if (has_transfer_encoding) {
    // RFC 9112 6.1 and 6.3: with Content-Length it is smuggling; in
    // HTTP/1.0, or without chunked last, the body cannot be framed.
    if (has_content_length) return Error(400, "both Transfer-Encoding and Content-Length");
    if (head.http10) return Error(400, "Transfer-Encoding in an HTTP/1.0 request");
    const size_t comma = transfer_encoding.rfind(',');
    const std::string_view last = TrimOws(
        comma == std::string_view::npos ? transfer_encoding : transfer_encoding.substr(comma + 1));
    if (!EqualsIgnoreCase(last, "chunked"))
      return Error(400, "Transfer-Encoding not ending in chunked");
    head.has_body = true;
  }
  if (has_content_length && content_length.find_first_not_of('0') != std::string::npos) {
    head.has_body = true;
  }
  // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host.
  if (hosts > 1 || (!head.http10 && hosts == 0)) {
    return Error(400, "an HTTP/1.1 request needs exactly one Host header");
  }
  const std::optional<std::string> connection = head.request.Header("Connection");
  if (head.http10) {
    head.keep_alive = connection && HasToken(*connection, "keep-alive");
  } else {
    head.keep_alive = !(connection && HasToken(*connection, "close"));
  }
  head.status = Status::kComplete;
  return head;
}

}  // namespace outage
