// See request_sources.h.
#include "collectors/http/request_sources.h"

#include <fstream>
#include <sstream>

#include "collectors/http/header_text.h"

namespace outage {
namespace {

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

void Append(curl_slist** list, const std::string& name, const std::string& value) {
  *list = curl_slist_append(*list, (name + ": " + value).c_str());
}

}  // namespace

bool ReadSecretFile(const std::string& path, std::string* out) {
  std::string text;
  if (!ReadWholeFile(path, &text)) return false;
  *out = std::string(TrimSpace(text));
  return true;
}

bool ReadRequestBody(const HttpProbe& config, std::string* body, std::string* error) {
  if (config.body_file.empty()) {
    *body = config.body;
    return true;
  }
  if (ReadWholeFile(config.body_file, body)) return true;
  *error = "cannot read body_file " + config.body_file;
  return false;
}

bool AppendAuthorization(const HttpProbe& config, curl_slist** list, std::string* error) {
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
  if (!file.empty() && !ReadSecretFile(file, &credentials)) {
    *error = std::string("cannot read ") + option + " " + file;
    return false;
  }
  // common sends "Authorization: <type> " even with empty credentials.
  if (config.authorization || !credentials.empty()) {
    Append(list, "Authorization", type + " " + credentials);
  }
  return true;
}

bool AppendHttpHeaders(const HttpProbe& config, bool credentials, curl_slist** list,
                       std::string* error) {
  for (const HeaderValues& header : config.http_headers) {
    if (!credentials && IsCredentialHeader(header.name)) continue;
    for (const std::string& value : header.values) Append(list, header.name, value);
    for (const std::string& secret : header.secrets) Append(list, header.name, secret);
    for (const std::string& path : header.files) {
      std::string value;
      if (!ReadSecretFile(path, &value)) {
        *error = "cannot read http_headers file " + path;
        return false;
      }
      if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
        *error = "http_headers file " + path + " holds more than one line";
        return false;
      }
      Append(list, header.name, value);
    }
  }
  return true;
}

}  // namespace outage
