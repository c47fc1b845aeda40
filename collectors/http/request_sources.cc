// See request_sources.h.
#include "collectors/http/request_sources.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "collectors/http/header_text.h"

namespace outage {
namespace {

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void Append(curl_slist** list, const std::string& name, const std::string& value) {
  *list = curl_slist_append(*list, (name + ": " + value).c_str());
}

}  // namespace

std::optional<std::string> ReadSecretFile(const std::string& path) {
  const std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return std::nullopt;
  return std::string(TrimSpace(*text));
}

std::optional<std::string> ReadRequestBody(const HttpProbe& config, std::string* error) {
  if (config.body_file.empty()) return config.body;
  std::optional<std::string> body = ReadWholeFile(config.body_file);
  if (!body) *error = "cannot read body_file " + config.body_file;
  return body;
}

std::optional<std::string> AppendAuthorization(const HttpProbe& config, curl_slist** list) {
  std::string type = "Bearer";
  std::string credentials = config.bearer_token;
  std::string file = config.bearer_token_file;
  const char* option = "bearer_token_file";
  if (config.authorization) {
    type = config.authorization->type;
    credentials = config.authorization->credentials;
    file = config.authorization->credentials_file;
    option = "authorization.credentials_file";
  }
  if (!file.empty()) {
    std::optional<std::string> read = ReadSecretFile(file);
    if (!read) return std::string("cannot read ") + option + " " + file;
    credentials = std::move(*read);
  }
  // common sends "Authorization: <type> " even with empty credentials.
  if (config.authorization || !credentials.empty()) {
    Append(list, "Authorization", type + " " + credentials);
  }
  return std::nullopt;
}

std::optional<std::string> AppendHttpHeaders(const HttpProbe& config, bool credentials,
                                             curl_slist** list) {
  for (const HeaderValues& header : config.http_headers) {
    if (!credentials && IsCredentialHeader(header.name)) continue;
    for (const std::string& value : header.values) Append(list, header.name, value);
    for (const std::string& secret : header.secrets) Append(list, header.name, secret);
    for (const std::string& path : header.files) {
      const std::optional<std::string> value = ReadSecretFile(path);
      if (!value) return "cannot read http_headers file " + path;
      if (value->find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
        return "http_headers file " + path + " holds more than one line";
      }
      Append(list, header.name, *value);
    }
  }
  return std::nullopt;
}

}  // namespace outage
