// unique_ptr owners for libcurl handles, each with its cleanup function.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace outage {

struct CurlEasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* h) const { curl_multi_cleanup(h); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

// CurlUrlPart returns one part of a parsed URL, or "" when it is absent or
// curl cannot give it. curl 7.88 can fail after handing over a string (an
// invalid IDN host asked for as punycode), so the string is freed whatever
// the result.
inline std::string CurlUrlPart(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* text = nullptr;
  const CURLUcode rc = curl_url_get(url, part, &text, flags);
  std::string out = rc == CURLUE_OK && text != nullptr ? text : "";
  curl_free(text);
  return out;
}

}  // namespace outage
